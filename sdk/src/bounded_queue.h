// BoundedQueue: a fixed-capacity, lock-free queue of owned pointers for many
// producers and one consumer at a time, whose cells are freed by the
// producers. push() never blocks and never allocates; it fails when the
// queue is full. Internal to the SDK. Thread-safe for producers; pop(),
// mark_taken() and release_popped() must not run on two threads at once
// (the batch worker, and after it exits, whoever drains the rest).
//
// Built for the batch processor's hand-off, where each cache line that
// moves between the producing thread and the worker costs the producer
// about as much as a whole span:
//  - cells are one word, eight to a line, and only producers write them
//    (the consumer only marks the rare value its user took). A cell holds
//    the pointer with a bit of its lap around the ring in the low bit (set
//    on even laps, clear on odd ones), so the consumer tells a fresh value
//    from last lap's without writing the cell back. The consumer publishes its
//    position every few pops (and whenever it runs dry).
//  - A popped value stays in its cell until the consumer releases it
//    (release_popped(), after the export) and a producer reclaims it
//    (reclaim(): the producer destroys it where its memory will be reused,
//    reading addresses from cells it wrote itself). The capacity bounds
//    the values waiting; spare cells (a batch and a reclaim's worth, for
//    the batch processor) hold those being exported or not yet reclaimed.
//  - Memory follows use: the cells come zeroed (a zero cell is "not ready"
//    on the first lap), a large ring straight from mmap, so pages that no
//    value has reached yet are never made resident. The batch processor caps
//    the capacity (kMaxCapacity) so that no setting allocates gigabytes.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "prefetch.h"

namespace weft::sdk {

template <class T>
class BoundedQueue {
  static_assert(alignof(T) >= 4,
                "the low bits of a T* hold the lap bit and the taken mark");

 public:
  // At most `capacity` values wait to be popped; `spare` more cells hold
  // values popped and not yet reclaimed (with spare 0, those count against
  // the capacity). With spare cells, the ring is a power of two. The
  // consumer publishes its position every `publish_every` pops (by default
  // a sixteenth of the capacity, at most 64), whenever it runs dry, and on
  // publish_popped(): each time costs the next push a cache miss.
  explicit BoundedQueue(std::size_t capacity, std::size_t spare = 0,
                        std::size_t publish_every = 0)
      : capacity_(capacity < 1 ? 1 : capacity),
        slots_(spare == 0 ? capacity_ : round_up(capacity_ + spare)),
        power_of_two_((slots_ & (slots_ - 1)) == 0),
        shift_(log2(slots_)),
        publish_every_(publish_every != 0
                           ? publish_every
                           : std::min<std::size_t>(64, (capacity_ + 15) / 16)),
        cells_(allocate_cells(slots_)) {}

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
      head = head_.load(std::memory_order_acquire);
      const std::uint64_t reclaimed =
          reclaimed_.load(std::memory_order_acquire);
      if (head > position || reclaimed > position) {
        // Other producers and the consumer moved on since `position` was
        // read: it is not a sign of a full queue.
        position = tail_.load(std::memory_order_relaxed);
        continue;
      }
      // The published head trails the consumer, and cells free up when
      // reclaimed: neither bound is ever exceeded.
      if (position - head >= capacity_ || position - reclaimed >= slots_) {
        return false;
      }
      // seq_cst: a consumer that announces it will sleep and then reads
      // the tail (size(seq_cst)) sees this push, or this producer sees the
      // announcement (the batch processor's asleep_).
      if (tail_.compare_exchange_weak(position, position + 1,
                                      std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
        break;
      }
    }
    const std::uintptr_t bits = reinterpret_cast<std::uintptr_t>(value);
    // Once per line of cells: the line kPrefetchAhead cells on, which the
    // consumer read a lap ago, is fetched owned now (see prefetch.h), long
    // before a producer writes it.
    if (position % kCellsPerLine == 0) {
      prefetch_for_write(&cells_[index_of(position + kPrefetchAhead)]);
    }
    cells_[index_of(position)].store(bits | ready_bit(position),
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
    if ((bits & 1) != ready_bit(position)) {
      publish(position);  // ran dry: producers see the exact bound
      return nullptr;
    }
    next_ = position + 1;
    if (next_ - published_ >= publish_every_) publish(next_);
    return value_of(bits);
  }

  // Consumer: makes the position of the last pop() visible to producers.
  void publish_popped() noexcept { publish(next_); }

  // The consumer's position: the next pop() takes this one.
  std::uint64_t next() const noexcept { return next_; }

  // Consumer: the value popped at `position` was taken by its user (who
  // frees it); reclaim() skips it.
  void mark_taken(std::uint64_t position) noexcept {
    std::atomic<std::uintptr_t>& cell = cells_[index_of(position)];
    cell.store(cell.load(std::memory_order_relaxed) | kTaken,
               std::memory_order_relaxed);
  }

  // Consumer: every value popped so far may be reclaimed (before this,
  // their cells stay taken).
  void release_popped() noexcept {
    released_.store(next_, std::memory_order_release);
  }

  // Any thread (one at a time wins, the others return 0): passes up to
  // kReclaimAtOnce released values, oldest first, to `reclaim` (taken ones
  // are skipped), after freeing their cells for new values. Returns how
  // many cells were freed.
  static constexpr std::size_t kReclaimAtOnce = 64;
  template <class Reclaim>
  std::size_t reclaim(Reclaim&& reclaim) noexcept {
    if (reclaiming_.exchange(true, std::memory_order_acquire)) return 0;
    const std::uint64_t from = reclaimed_.load(std::memory_order_relaxed);
    const std::uint64_t released = released_.load(std::memory_order_acquire);
    const std::uint64_t end =
        std::min<std::uint64_t>(released, from + kReclaimAtOnce);
    T* values[kReclaimAtOnce];
    std::size_t count = 0;
    for (std::uint64_t position = from; position < end; ++position) {
      const std::uintptr_t bits =
          cells_[index_of(position)].load(std::memory_order_relaxed);
      if ((bits & kTaken) == 0) values[count++] = value_of(bits);
    }
    reclaimed_.store(end, std::memory_order_release);
    reclaiming_.store(false, std::memory_order_release);
    for (std::size_t i = 0; i < count; ++i) reclaim(values[i]);
    return static_cast<std::size_t>(end - from);
  }

  // Released values not reclaimed yet (approximate).
  std::uint64_t unreclaimed() const noexcept {
    return released_.load(std::memory_order_relaxed) -
           reclaimed_.load(std::memory_order_relaxed);
  }

  // Approximate number of queued values. With `tail_order` seq_cst, the
  // tail is read after every earlier seq_cst operation of this thread (see
  // push()).
  std::size_t size(
      std::memory_order tail_order = std::memory_order_relaxed) const noexcept {
    const std::uint64_t tail = tail_.load(tail_order);
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    return tail > head ? static_cast<std::size_t>(tail - head) : 0;
  }

  // How many values the consumer has published as popped (trails pop() by
  // at most a few values until it runs dry).
  std::uint64_t head() const noexcept {
    return head_.load(std::memory_order_relaxed);
  }

  std::size_t capacity() const noexcept { return capacity_; }

  // In a forked child, where only the calling thread exists: returns the
  // queue to its empty state without touching any value (the values are
  // the parent's: its threads were pushing, exporting and freeing them, and
  // any of them may be half-way). Returns how many were queued or being
  // consumed, not yet released.
  std::uint64_t forget_all() noexcept {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t released = released_.load(std::memory_order_relaxed);
    clear_cells();
    tail_.store(0, std::memory_order_relaxed);
    head_.store(0, std::memory_order_relaxed);
    released_.store(0, std::memory_order_relaxed);
    reclaimed_.store(0, std::memory_order_relaxed);
    reclaiming_.store(false, std::memory_order_relaxed);
    next_ = 0;
    published_ = 0;
    return tail > released ? tail - released : 0;
  }

 private:
  static constexpr std::size_t kCellsPerLine = 64 / sizeof(std::uintptr_t);
  static constexpr std::uint64_t kPrefetchAhead = 8 * kCellsPerLine;

  // Cell bits besides the address: the lap bit (ready_bit), and the taken
  // mark.
  static constexpr std::uintptr_t kTaken = 2;
  static T* value_of(std::uintptr_t bits) noexcept {
    return reinterpret_cast<T*>(bits & ~std::uintptr_t{3});
  }

  // A power-of-two capacity (the default) spares a division per operation.
  std::size_t index_of(std::uint64_t position) const noexcept {
    return power_of_two_ ? position & (slots_ - 1) : position % slots_;
  }
  // The low bit of a cell filled at `position`: 1 on even laps, 0 on odd
  // ones, so that a zeroed cell is not ready on the first lap.
  std::uintptr_t ready_bit(std::uint64_t position) const noexcept {
    const std::uint64_t lap =
        power_of_two_ ? position >> shift_ : position / slots_;
    return static_cast<std::uintptr_t>(~lap & 1);
  }
  // Zeroed cells. A large ring is mapped from the kernel, whose zero pages
  // become resident only when written (calloc would hand out recycled heap
  // memory and clear all of it once glibc's mmap threshold has grown).
  // std::atomic<uintptr_t> is lock-free, and all-zero bytes are the value 0.
  static constexpr std::size_t kMapAtLeast = std::size_t{1} << 20;  // bytes
  struct FreeCells {
    std::size_t bytes = 0;
    void operator()(std::atomic<std::uintptr_t>* cells) const noexcept {
      if (bytes >= kMapAtLeast) {
        ::munmap(cells, bytes);
      } else {
        std::free(cells);
      }
    }
  };
  using Cells = std::unique_ptr<std::atomic<std::uintptr_t>[], FreeCells>;
  // Every cell back to zero (not ready on the first lap). A mapped ring
  // gives its pages back instead of writing them (private anonymous pages
  // read as zeros afterwards), so that a forked child does not copy them.
  void clear_cells() noexcept {
    const std::size_t bytes = slots_ * sizeof(std::atomic<std::uintptr_t>);
    if (bytes >= kMapAtLeast &&
        ::madvise(cells_.get(), bytes, MADV_DONTNEED) == 0) {
      return;
    }
    for (std::size_t i = 0; i < slots_; ++i) {
      cells_[i].store(0, std::memory_order_relaxed);
    }
  }
  static Cells allocate_cells(std::size_t count) {
    static_assert(std::atomic<std::uintptr_t>::is_always_lock_free);
    const std::size_t bytes = count * sizeof(std::atomic<std::uintptr_t>);
    void* memory = nullptr;
    if (bytes >= kMapAtLeast) {
      memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (memory == MAP_FAILED) memory = nullptr;
    } else {
      memory = std::calloc(count, sizeof(std::atomic<std::uintptr_t>));
    }
    if (memory == nullptr) throw std::bad_alloc();
    return Cells(static_cast<std::atomic<std::uintptr_t>*>(memory),
                 FreeCells{bytes});
  }
  static std::size_t round_up(std::size_t value) noexcept {
    std::size_t power = 1;
    while (power < value) power <<= 1;
    return power;
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
  const std::size_t slots_;  // cells in the ring
  const bool power_of_two_;
  const unsigned shift_;  // log2(slots_) when a power of two
  const std::size_t publish_every_;
  const Cells cells_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  // What the consumer writes and producers read, on a line of its own:
  // producers miss it once after each write.
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint64_t> released_{0};  // consumer: may be reclaimed
  // What reclaiming producers write, on a line the consumer never touches.
  alignas(64) std::atomic<std::uint64_t> reclaimed_{0};  // cells free below
  std::atomic<bool> reclaiming_{false};  // a thread is reclaiming
  // The consumer's own: its position and the last one it published.
  alignas(64) std::uint64_t next_ = 0;
  std::uint64_t published_ = 0;
};

}  // namespace weft::sdk
