// BoundedQueue: a fixed-capacity, lock-free queue of owned pointers for many
// producers and one consumer at a time. push() never blocks and never
// allocates; it fails when the queue is full. Internal to the SDK.
// Thread-safe for producers; pop() must not run on two threads at once (the
// batch worker pops, and after it exits, whoever drains the rest).
//
// Built for the batch processor's hand-off, where each cache line that
// moves between the producing thread and the worker costs the producer
// about as much as a whole span: cells are one word, eight to a line, and
// only producers write them. A cell holds the pointer with the parity of
// its lap around the ring in the low bit, so the consumer tells a fresh
// value from last lap's without writing the cell back. The consumer
// publishes its position every few pops (and whenever it runs dry); a
// producer reads it only to check the bound.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace weft::sdk {

template <class T>
class BoundedQueue {
  static_assert(alignof(T) >= 2, "the low bit of a T* holds the lap parity");

 public:
  explicit BoundedQueue(std::size_t capacity)
      : capacity_(capacity < 1 ? 1 : capacity),
        power_of_two_((capacity_ & (capacity_ - 1)) == 0),
        shift_(log2(capacity_)),
        publish_every_(std::min<std::size_t>(64, (capacity_ + 15) / 16)),
        cells_(new std::atomic<std::uintptr_t>[capacity_]) {
    // Lap 0 expects parity 0: no cell is ready.
    for (std::size_t i = 0; i < capacity_; ++i) {
      cells_[i].store(1, std::memory_order_relaxed);
    }
  }

  // False when full; `value` stays with the caller then.
  bool push(T* value) noexcept {
    std::uint64_t tail;
    std::uint64_t head;
    return push(value, tail, head);
  }

  // As push(value); on success `tail` is the queue's tail just after it
  // and `head` the published head it was checked against.
  bool push(T* value, std::uint64_t& tail, std::uint64_t& head) noexcept {
    std::uint64_t position = tail_.load(std::memory_order_relaxed);
    while (true) {
      // The published head trails the consumer: the bound is never exceeded.
      head = head_.load(std::memory_order_acquire);
      if (head > position) {
        // Other producers and the consumer moved on since `position` was
        // read: it is not a sign of a full queue.
        position = tail_.load(std::memory_order_relaxed);
        continue;
      }
      if (position - head >= capacity_) return false;
      if (tail_.compare_exchange_weak(position, position + 1,
                                      std::memory_order_relaxed)) {
        break;
      }
    }
    const std::uintptr_t bits = reinterpret_cast<std::uintptr_t>(value);
    cells_[index_of(position)].store(bits | lap_parity(position),
                                     std::memory_order_release);
    tail = position + 1;
    return true;
  }

  // Nullptr when empty (or when the next producer has claimed its cell but
  // not yet filled it). One consumer at a time.
  T* pop() noexcept {
    const std::uint64_t position = next_;
    const std::uintptr_t bits =
        cells_[index_of(position)].load(std::memory_order_acquire);
    if ((bits & 1) != lap_parity(position)) {
      publish(position);  // ran dry: producers see the exact bound
      return nullptr;
    }
    next_ = position + 1;
    if (next_ - published_ >= publish_every_) publish(next_);
    return reinterpret_cast<T*>(bits & ~std::uintptr_t{1});
  }

  // Approximate number of queued values.
  std::size_t size() const noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return tail > head ? static_cast<std::size_t>(tail - head) : 0;
  }

  // How many values the consumer has published as popped (trails pop() by
  // at most a few values until it runs dry).
  std::uint64_t head() const noexcept {
    return head_.load(std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }

 private:
  // A power-of-two capacity (the default) spares a division per operation.
  std::size_t index_of(std::uint64_t position) const noexcept {
    return power_of_two_ ? position & (capacity_ - 1) : position % capacity_;
  }
  std::uintptr_t lap_parity(std::uint64_t position) const noexcept {
    const std::uint64_t lap =
        power_of_two_ ? position >> shift_ : position / capacity_;
    return static_cast<std::uintptr_t>(lap & 1);
  }
  static unsigned log2(std::size_t value) noexcept {
    unsigned shift = 0;
    while ((std::size_t{1} << (shift + 1)) <= value) ++shift;
    return shift;
  }

  void publish(std::uint64_t position) noexcept {
    if (published_ == position) return;
    published_ = position;
    head_.store(position, std::memory_order_release);
  }

  const std::size_t capacity_;
  const bool power_of_two_;
  const unsigned shift_;  // log2(capacity_) when a power of two
  const std::size_t publish_every_;
  const std::unique_ptr<std::atomic<std::uintptr_t>[]> cells_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::atomic<std::uint64_t> head_{0};
  // The consumer's own: its position and the last one it published.
  alignas(64) std::uint64_t next_ = 0;
  std::uint64_t published_ = 0;
};

}  // namespace weft::sdk
