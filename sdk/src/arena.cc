#include "weft/sdk/arena.h"

#include <algorithm>
#include <new>

namespace weft::sdk {
namespace {

constexpr std::size_t kMinBlockSize = 1024;
constexpr std::size_t kMaxGrowthBlockSize = 64 * 1024;

}  // namespace

Arena::~Arena() {
  while (blocks_ != nullptr) {
    Block* next = blocks_->next;
    ::operator delete(blocks_);
    blocks_ = next;
  }
}

bool Arena::add_block(std::size_t at_least) noexcept {
  // Grow geometrically so that many small appends cost few allocations.
  const std::size_t grown =
      std::min(std::max(kMinBlockSize, 2 * heap_bytes_), kMaxGrowthBlockSize);
  const std::size_t size = std::max(at_least, grown);
  void* memory = ::operator new(sizeof(Block) + size + 16, std::nothrow);
  if (memory == nullptr) return false;
  auto* block = static_cast<Block*>(memory);
  block->next = blocks_;
  blocks_ = block;
  heap_bytes_ += size;
  cursor_ = reinterpret_cast<char*>(block + 1);
  end_ = cursor_ + size + 16;
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
