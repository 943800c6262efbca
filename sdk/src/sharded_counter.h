// ShardedCounter: a counter that many threads add to without sharing a cache
// line. Internal to the SDK. Thread-safe; load() is a relaxed sum.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace weft::sdk {

class ShardedCounter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    shards_[shard_index()].value.fetch_add(n, std::memory_order_relaxed);
  }

  std::uint64_t load() const noexcept {
    std::uint64_t sum = 0;
    for (const Shard& shard : shards_) {
      sum += shard.value.load(std::memory_order_relaxed);
    }
    return sum;
  }

 private:
  static constexpr std::size_t kShards = 16;
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> value{0};
  };

  static std::size_t shard_index() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t index =
        next.fetch_add(1, std::memory_order_relaxed) % kShards;
    return index;
  }

  Shard shards_[kShards];
};

}  // namespace weft::sdk
