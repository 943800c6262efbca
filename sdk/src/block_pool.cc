#include "block_pool.h"

#include <iterator>
#include <mutex>
#include <new>
#include <utility>

#include "fork_handlers.h"

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_POOL_ASAN 1
#endif
#endif
#ifdef WEFT_POOL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace weft::sdk::block_pool {
namespace {

using detail::class_of;
using detail::kClassCount;
using detail::kClassSizes;
static_assert(kClassSizes[kClassCount - 1] == kLargestBlock);
// A chunk holds about 64 KiB of blocks, and at most kChunkCapacity.
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kChunkCapacity = 64;
// Empty chunk records kept for reuse.
constexpr std::size_t kEmptyChunkLimit = 64;

constexpr std::size_t blocks_per_chunk(std::size_t size_class) noexcept {
  const std::size_t blocks = kChunkBytes / kClassSizes[size_class];
  return blocks < kChunkCapacity ? blocks : kChunkCapacity;
}

void poison(void* block, std::size_t size) noexcept {
#ifdef WEFT_POOL_ASAN
  ASAN_POISON_MEMORY_REGION(block, size);
#else
  (void)block;
  (void)size;
#endif
}

void unpoison(void* block, std::size_t size) noexcept {
#ifdef WEFT_POOL_ASAN
  ASAN_UNPOISON_MEMORY_REGION(block, size);
#else
  (void)block;
  (void)size;
#endif
}

// A stack of free blocks of one class. The addresses live here, not in the
// blocks, so that the thread freeing a span never writes to its memory and
// the thread reusing it never reads what the other wrote.
struct Chunk {
  Chunk* next = nullptr;  // in the shared lists
  std::size_t count = 0;
  void* blocks[kChunkCapacity];
};

void free_blocks(Chunk& chunk) noexcept {
  for (std::size_t i = 0; i < chunk.count; ++i) {
    ::operator delete(chunk.blocks[i]);
  }
  chunk.count = 0;
}

struct Shared {
  std::mutex mutex;
  Chunk* full[kClassCount] = {};  // chunks holding blocks, per class
  Chunk* empty = nullptr;         // chunk records without blocks
  std::size_t empty_count = 0;
  std::size_t bytes = 0;  // of the blocks in `full`
};

// Never destroyed: spans may be freed by threads still running at exit.
Shared& shared() noexcept {
  static Shared* const instance = [] {
    register_fork_handlers();  // fork() must not find `mutex` held
    return new Shared;
  }();
  return *instance;
}

// Pushes `chunk` onto the shared `list` of `count` chunks, under the lock;
// false when `count` has reached `limit`.
bool push_limited(Chunk*& list, std::size_t& count, std::size_t limit,
                  Chunk* chunk) noexcept {
  std::lock_guard<std::mutex> lock(shared().mutex);
  if (count >= limit) return false;
  chunk->next = list;
  list = chunk;
  ++count;
  return true;
}

// Pops the first chunk of the shared `list` (nullptr when empty); the
// caller holds the lock.
Chunk* pop_locked(Chunk*& list) noexcept {
  Chunk* chunk = list;
  if (chunk == nullptr) return nullptr;
  list = chunk->next;
  chunk->next = nullptr;
  return chunk;
}

// Keeps an empty chunk record for reuse, or deletes it.
void put_empty(Chunk* chunk) noexcept {
  Shared& pool = shared();
  if (!push_limited(pool.empty, pool.empty_count, kEmptyChunkLimit, chunk)) {
    delete chunk;
  }
}

// An empty chunk record; nullptr when out of memory.
Chunk* take_empty() noexcept {
  Shared& pool = shared();
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    if (Chunk* chunk = pop_locked(pool.empty)) {
      --pool.empty_count;
      return chunk;
    }
  }
  return new (std::nothrow) Chunk;
}

// Hands a chunk with blocks to the shared list, or its blocks to the heap
// when the list is at its limit.
void put_full(std::size_t size_class, Chunk* chunk) noexcept {
  const std::size_t bytes = chunk->count * kClassSizes[size_class];
  Shared& pool = shared();
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    if (pool.bytes + bytes <= kSharedLimit) {
      chunk->next = pool.full[size_class];
      pool.full[size_class] = chunk;
      pool.bytes += bytes;
      return;
    }
  }
  free_blocks(*chunk);
  put_empty(chunk);
}

Chunk* take_full(std::size_t size_class) noexcept {
  Shared& pool = shared();
  std::lock_guard<std::mutex> lock(pool.mutex);
  Chunk* chunk = pop_locked(pool.full[size_class]);
  if (chunk != nullptr) pool.bytes -= chunk->count * kClassSizes[size_class];
  return chunk;
}

// Hands a thread's chunk back at exit.
void put_back(std::size_t size_class, Chunk* chunk) noexcept {
  if (chunk == nullptr) return;
  if (chunk->count == 0) {
    put_empty(chunk);
  } else {
    put_full(size_class, chunk);
  }
}

// Set once this thread's cache is destroyed (thread exit): later calls on
// the thread go to the heap.
thread_local bool t_cache_gone = false;

struct ThreadCache {
  // Blocks are taken from and given to `current`; `spare` is a second
  // chunk, so that a thread working around a chunk boundary does not lock
  // each time. Either may be null.
  Chunk* current[kClassCount] = {};
  Chunk* spare[kClassCount] = {};

  ~ThreadCache() {
    t_cache_gone = true;
    for (std::size_t size_class = 0; size_class < kClassCount; ++size_class) {
      put_back(size_class, current[size_class]);
      put_back(size_class, spare[size_class]);
    }
  }
};

ThreadCache& thread_cache() noexcept {
  thread_local ThreadCache cache;
  return cache;
}

// Makes `current` a chunk with a block in it; false when no chunk has one.
bool refill(ThreadCache& cache, std::size_t size_class) noexcept {
  Chunk*& current = cache.current[size_class];
  Chunk*& spare = cache.spare[size_class];
  if (spare != nullptr && spare->count != 0) {
    std::swap(current, spare);
    return true;
  }
  Chunk* taken = take_full(size_class);
  if (taken == nullptr) return false;
  if (current != nullptr) {  // empty
    if (spare == nullptr) {
      spare = current;
    } else {
      put_empty(current);
    }
  }
  current = taken;
  return true;
}

// Makes `current` a chunk with room for a block; false when out of memory.
bool make_room(ThreadCache& cache, std::size_t size_class) noexcept {
  Chunk*& current = cache.current[size_class];
  Chunk*& spare = cache.spare[size_class];
  if (current == nullptr) {
    current = take_empty();
    return current != nullptr;
  }
  // `current` is full.
  if (spare != nullptr && spare->count == blocks_per_chunk(size_class)) {
    put_full(size_class, spare);
    spare = nullptr;
  }
  if (spare == nullptr) {
    spare = take_empty();
    if (spare == nullptr) return false;
  }
  std::swap(current, spare);
  return true;
}

}  // namespace

std::size_t block_size(std::size_t size) noexcept {
  const std::size_t size_class = class_of(size);
  return size_class < kClassCount ? kClassSizes[size_class] : size;
}

void* allocate(std::size_t size) noexcept {
  const std::size_t size_class = class_of(size);
  if (size_class == kClassCount) {
    return ::operator new(block_size(size), std::nothrow);
  }
  return detail::allocate_in_class(size_class);
}

void release(void* block, std::size_t size) noexcept {
  const std::size_t size_class = class_of(size);
  if (size_class == kClassCount) {
    ::operator delete(block);
    return;
  }
  detail::release_in_class(block, size_class);
}

namespace detail {

void* allocate_in_class(std::size_t size_class) noexcept {
  if (t_cache_gone)
    return ::operator new(kClassSizes[size_class], std::nothrow);
  ThreadCache& cache = thread_cache();
  Chunk* current = cache.current[size_class];
  if ((current == nullptr || current->count == 0) &&
      !refill(cache, size_class)) {
    return ::operator new(kClassSizes[size_class], std::nothrow);
  }
  current = cache.current[size_class];
  void* block = current->blocks[--current->count];
  unpoison(block, kClassSizes[size_class]);
  return block;
}

void release_in_class(void* block, std::size_t size_class) noexcept {
  if (block == nullptr) return;
  if (t_cache_gone) {
    ::operator delete(block);
    return;
  }
  ThreadCache& cache = thread_cache();
  Chunk* current = cache.current[size_class];
  if ((current == nullptr || current->count == blocks_per_chunk(size_class)) &&
      !make_room(cache, size_class)) {
    ::operator delete(block);
    return;
  }
  current = cache.current[size_class];
  current->blocks[current->count++] = block;
  poison(block, kClassSizes[size_class]);
}

}  // namespace detail

std::size_t shared_bytes() noexcept {
  Shared& pool = shared();
  std::lock_guard<std::mutex> lock(pool.mutex);
  return pool.bytes;
}

void trim() noexcept {
  Shared& pool = shared();
  Chunk* lists[kClassCount + 1];
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    for (std::size_t size_class = 0; size_class < kClassCount; ++size_class) {
      lists[size_class] = pool.full[size_class];
      pool.full[size_class] = nullptr;
    }
    lists[kClassCount] = pool.empty;
    pool.empty = nullptr;
    pool.empty_count = 0;
    pool.bytes = 0;
  }
  for (Chunk* chunk : lists) {
    while (chunk != nullptr) {
      Chunk* next = chunk->next;
      free_blocks(*chunk);
      delete chunk;
      chunk = next;
    }
  }
}

}  // namespace weft::sdk::block_pool

// Other threads' caches do not exist in a forked child: their blocks are
// left to the parent (never reused there, never freed twice).
namespace weft::sdk::fork_hooks {

void lock_block_pool() noexcept { block_pool::shared().mutex.lock(); }
void unlock_block_pool() noexcept { block_pool::shared().mutex.unlock(); }

}  // namespace weft::sdk::fork_hooks
