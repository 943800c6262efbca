// BoundedQueue: a fixed-capacity, lock-free multi-producer queue of owned
// pointers (Dmitry Vyukov's bounded MPMC queue). push() never blocks and
// never allocates; it fails when the queue is full. Internal to the SDK.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace weft::sdk {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity)
      : capacity_(capacity),
        mask_((capacity & (capacity - 1)) == 0 ? capacity - 1 : 0),
        cells_(new Cell[capacity]) {
    for (std::size_t i = 0; i < capacity_; ++i) {
      cells_[i].sequence.store(i, std::memory_order_relaxed);
    }
  }

  // False when full; `value` stays with the caller then.
  bool push(T* value) noexcept {
    std::uint64_t tail;
    return push(value, tail);
  }

  // As push(value); on success `tail` is the queue's tail just after it.
  bool push(T* value, std::uint64_t& tail) noexcept {
    std::uint64_t position = tail_.load(std::memory_order_relaxed);
    Cell* cell;
    while (true) {
      cell = &cell_at(position);
      const std::uint64_t sequence =
          cell->sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::int64_t>(sequence - position);
      if (difference == 0) {
        if (tail_.compare_exchange_weak(position, position + 1,
                                        std::memory_order_relaxed)) {
          break;
        }
      } else if (difference < 0) {
        return false;
      } else {
        position = tail_.load(std::memory_order_relaxed);
      }
    }
    cell->value = value;
    cell->sequence.store(position + 1, std::memory_order_release);
    tail = position + 1;
    return true;
  }

  // Nullptr when empty.
  T* pop() noexcept {
    std::uint64_t position = head_.load(std::memory_order_relaxed);
    Cell* cell;
    while (true) {
      cell = &cell_at(position);
      const std::uint64_t sequence =
          cell->sequence.load(std::memory_order_acquire);
      const auto difference =
          static_cast<std::int64_t>(sequence - (position + 1));
      if (difference == 0) {
        if (head_.compare_exchange_weak(position, position + 1,
                                        std::memory_order_relaxed)) {
          break;
        }
      } else if (difference < 0) {
        return nullptr;
      } else {
        position = head_.load(std::memory_order_relaxed);
      }
    }
    T* value = cell->value;
    cell->sequence.store(position + capacity_, std::memory_order_release);
    return value;
  }

  // Approximate number of queued values.
  std::size_t size() const noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return tail > head ? static_cast<std::size_t>(tail - head) : 0;
  }

  // How many values were ever popped (the consumers' position).
  std::uint64_t head() const noexcept {
    return head_.load(std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Cell {
    std::atomic<std::uint64_t> sequence{0};
    T* value = nullptr;
  };

  // A power-of-two capacity (the default) spares a division per operation.
  Cell& cell_at(std::uint64_t position) noexcept {
    return cells_[mask_ != 0 ? position & mask_ : position % capacity_];
  }

  const std::size_t capacity_;
  const std::size_t mask_;  // capacity_ - 1 when a power of two, else 0
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::atomic<std::uint64_t> head_{0};
};

}  // namespace weft::sdk
