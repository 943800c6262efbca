// ShardedCounter: a counter that many threads add to without sharing a cache
// line, and this_thread_shard(), which spreads other per-thread state the
// same way. Internal to the SDK. Thread-safe; load() is a relaxed sum.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace weft::sdk {

constexpr std::size_t kShards = 16;

// This thread's shard, in [0, kShards): threads take turns, so that a few
// busy threads rarely share one.
inline std::size_t this_thread_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t index =
      next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return index;
}

class ShardedCounter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    shards_[this_thread_shard()].value.fetch_add(n, std::memory_order_relaxed);
  }

  std::uint64_t load() const noexcept {
    std::uint64_t sum = 0;
    for (const Shard& shard : shards_) {
      sum += shard.value.load(std::memory_order_relaxed);
    }
    return sum;
  }

 private:
  struct alignas(64) Shard {
    std::atomic<std::uint64_t> value{0};
  };

  Shard shards_[kShards];
};

}  // namespace weft::sdk
