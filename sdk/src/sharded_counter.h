// ShardedCounter: a counter that many threads add to without a locked
// instruction or a shared cache line, and this_thread_slot(), the slot a
// thread owns (also used to tell producing threads apart). Internal to the
// SDK. Thread-safe; load() is an acquire sum.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace weft::sdk {

// Threads that own a counter slot at once; later threads share one slot.
constexpr std::size_t kThreadSlots = 64;

namespace detail {
// This thread's slot + 1; 0 until it has asked for one.
extern thread_local std::size_t t_thread_slot;
// Takes a free slot for this thread (handed back at its exit), or
// kThreadSlots when none is free.
std::size_t claim_thread_slot() noexcept;
}  // namespace detail

// A slot in [0, kThreadSlots) that no other living thread has, or
// kThreadSlots (shared, for atomic additions) when all are taken.
inline std::size_t this_thread_slot() noexcept {
  const std::size_t slot = detail::t_thread_slot;
  return slot != 0 ? slot - 1 : detail::claim_thread_slot();
}

class ShardedCounter {
 public:
  // A thread adds to its own slot with a plain load and store: a locked
  // add costs a span several nanoseconds (it drains the store buffer). The
  // store releases: a thread whose load() sees the addition also sees what
  // the adding thread did before it (ProviderState::end_span relies on it).
  void add(std::uint64_t n = 1) noexcept {
    const std::size_t slot = this_thread_slot();
    std::atomic<std::uint64_t>& value = slots_[slot].value;
    if (slot < kThreadSlots) {
      value.store(value.load(std::memory_order_relaxed) + n,
                  std::memory_order_release);
    } else {
      value.fetch_add(n, std::memory_order_release);
    }
  }

  std::uint64_t load() const noexcept {
    std::uint64_t sum = 0;
    for (const Slot& slot : slots_) {
      sum += slot.value.load(std::memory_order_acquire);
    }
    return sum;
  }

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> value{0};
  };

  Slot slots_[kThreadSlots + 1];
};

}  // namespace weft::sdk
