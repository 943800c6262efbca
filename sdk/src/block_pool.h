// block_pool: recycles span memory between the thread that frees it and the
// threads that allocate it. Internal to the SDK. Thread-safe.
//
// A span is allocated by the thread that starts it and may be freed by
// another: with a batch processor, by whichever producing thread reclaims
// it after the export (the worker itself never does; see BoundedQueue).
// Handing such blocks back to glibc's malloc from another thread makes the
// threads contend on the allocator's arena lock and bounce its cache
// lines: several hundred ns per span. Instead, each thread keeps freed
// blocks in a small cache per size class: a chunk records the addresses of
// up to 64 blocks (about 64 KiB), and a full chunk moves to a shared list
// in one locked step, from which an allocating thread takes it whole: one
// lock per chunk, not per span. The addresses are kept in the chunk, not in
// the blocks, so the freeing thread never writes to a span's memory.
//
// Size classes run from 512 bytes to 64 KiB, two per power of two; larger
// requests go to the heap. Memory held is bounded: at most two chunks per
// class in each thread's cache and kSharedLimit bytes in the shared list;
// what does not fit is returned to the heap. Blocks come from and go back to
// ::operator new / ::operator delete, so a heap-counting tool sees only real
// heap traffic. Under AddressSanitizer a pooled block is poisoned, so a use
// after free is still reported.
#pragma once

#include <cstddef>
#include <iterator>

namespace weft::sdk::block_pool {

constexpr std::size_t kLargestBlock = 64 * 1024;
constexpr std::size_t kSharedLimit = 16 * 1024 * 1024;

// The size of the block that allocate(size) returns: size rounded up to its
// class, or size itself above kLargestBlock.
std::size_t block_size(std::size_t size) noexcept;

// A block of at least `size` bytes (block_size(size) usable), aligned for
// any standard type; nullptr when the heap is exhausted.
void* allocate(std::size_t size) noexcept;

// Gives back a block from allocate(size), with the same `size`; any thread.
void release(void* block, std::size_t size) noexcept;

// Bytes waiting in the shared list (not in thread caches).
std::size_t shared_bytes() noexcept;

// Returns every block of the shared list to the heap.
void trim() noexcept;

namespace detail {

inline constexpr std::size_t kClassSizes[] = {
    512,  768,   1024,  1536,  2048,  3072,  4096, 6144,
    8192, 12288, 16384, 24576, 32768, 49152, 65536};
inline constexpr std::size_t kClassCount = std::size(kClassSizes);

// The class of blocks that holds `size` bytes; kClassCount above the
// largest.
constexpr std::size_t class_of(std::size_t size) noexcept {
  std::size_t size_class = 0;
  while (size_class < kClassCount && size > kClassSizes[size_class]) {
    ++size_class;
  }
  return size_class;
}

void* allocate_in_class(std::size_t size_class) noexcept;
void release_in_class(void* block, std::size_t size_class) noexcept;

}  // namespace detail

// allocate() and release() for a size known while compiling (a span's):
// the class lookup is done by the compiler.
template <std::size_t Size>
void* allocate() noexcept {
  constexpr std::size_t size_class = detail::class_of(Size);
  if constexpr (size_class == detail::kClassCount) {
    return allocate(Size);
  } else {
    return detail::allocate_in_class(size_class);
  }
}

template <std::size_t Size>
void release(void* block) noexcept {
  constexpr std::size_t size_class = detail::class_of(Size);
  if constexpr (size_class == detail::kClassCount) {
    release(block, Size);
  } else {
    detail::release_in_class(block, size_class);
  }
}

}  // namespace weft::sdk::block_pool
