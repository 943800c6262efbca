#include "weft/sdk/arena.h"

#include <algorithm>

#include "block_pool.h"

namespace weft::sdk {
namespace {

// Whole blocks, header included; sizes of the block pool's classes.
constexpr std::size_t kMinBlockSize = 1024;
constexpr std::size_t kMaxGrowthBlockSize = block_pool::kLargestBlock;
// Room to align the first allocation of a reserved size.
constexpr std::size_t kAlignmentSlack = 16;

}  // namespace

// Reads the arena's header without writing it: a span is destroyed on the
// batch worker, and a write would pull the line away from the thread that
// reuses the memory.
Arena::~Arena() { release_blocks(blocks_); }

void Arena::release_blocks(Block* blocks) noexcept {
  while (blocks != nullptr) {
    Block* next = blocks->next;
    block_pool::release(blocks, blocks->size);
    blocks = next;
  }
}

void Arena::reset() noexcept {
  release_blocks(blocks_);
  blocks_ = nullptr;
  heap_bytes_ = 0;
  cursor_ = inline_;
  end_ = inline_ + sizeof(inline_);
}

bool Arena::add_block(std::size_t at_least) noexcept {
  // Grow geometrically so that many small appends cost few allocations.
  const std::size_t grown =
      std::min(std::max(kMinBlockSize, 2 * heap_bytes_), kMaxGrowthBlockSize);
  const std::size_t size = block_pool::block_size(
      std::max(sizeof(Block) + at_least + kAlignmentSlack, grown));
  void* memory = block_pool::allocate(size);
  if (memory == nullptr) {
    exhausted_ = true;
    return false;
  }
  auto* block = static_cast<Block*>(memory);
  block->next = blocks_;
  block->size = size;
  blocks_ = block;
  heap_bytes_ += size;
  cursor_ = reinterpret_cast<char*>(block + 1);
  end_ = reinterpret_cast<char*>(block) + size;
  return true;
}

void* Arena::allocate_slow(std::size_t size, std::size_t alignment) noexcept {
  if (!add_block(size + alignment)) return nullptr;
  return allocate(size, alignment);
}

void Arena::reserve(std::size_t size) noexcept {
  if (static_cast<std::size_t>(end_ - cursor_) >= size) return;
  add_block(size);
}

}  // namespace weft::sdk
