// Arena: the bump allocator that holds everything a finished span refers to.
//
// A span's name, attribute keys and values, events and links are copied into
// its Arena, so a span costs one allocation in the common case (the inline
// buffer) and one more when its links or attributes outgrow it. Blocks come
// from the SDK's block pool, which recycles them between the thread that
// frees a span and the threads that start new ones. Memory is released all
// at once when the Arena is destroyed; only trivially destructible data lives
// here. One thread at a time (thread-compatible).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>

namespace weft::sdk {

class Arena {
 public:
  static constexpr std::size_t kInlineSize = 448;

  Arena() noexcept : cursor_(inline_), end_(inline_ + sizeof(inline_)) {}
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // `size` bytes aligned to `alignment` (a power of two at most 16); nullptr
  // only when the heap is exhausted.
  void* allocate(std::size_t size, std::size_t alignment) noexcept {
    auto address = reinterpret_cast<std::uintptr_t>(cursor_);
    const std::size_t padding = (alignment - address % alignment) % alignment;
    if (padding + size <= static_cast<std::size_t>(end_ - cursor_)) {
      void* result = cursor_ + padding;
      cursor_ += padding + size;
      return result;
    }
    return allocate_slow(size, alignment);
  }

  template <class T>
  T* allocate_array(std::size_t count) noexcept {
    static_assert(std::is_trivially_destructible_v<T>);
    return static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
  }

  // A copy of `text` that lives as long as the arena (empty if out of memory).
  std::string_view copy(std::string_view text) noexcept {
    if (text.empty()) return {};
    auto* bytes = static_cast<char*>(allocate(text.size(), 1));
    if (bytes == nullptr) return {};
    std::memcpy(bytes, text.data(), text.size());
    return std::string_view(bytes, text.size());
  }

  // Makes sure the next `size` bytes come from one block, so that a span
  // whose size is known at start needs at most one extra allocation.
  void reserve(std::size_t size) noexcept;

  // Bytes obtained from the heap beyond the inline buffer.
  std::size_t heap_bytes() const noexcept { return heap_bytes_; }

  // True once an allocation failed for want of memory.
  bool exhausted() const noexcept { return exhausted_; }

  // Frees everything: every view into the arena becomes invalid.
  void reset() noexcept;

 private:
  // The header of each block beyond the inline buffer.
  struct alignas(16) Block {
    Block* next;
    std::size_t size;  // of the whole block, header included
  };

  static void release_blocks(Block* blocks) noexcept;
  void* allocate_slow(std::size_t size, std::size_t alignment) noexcept;
  bool add_block(std::size_t at_least) noexcept;

  char* cursor_;
  char* end_;
  Block* blocks_ = nullptr;
  std::size_t heap_bytes_ = 0;
  bool exhausted_ = false;
  alignas(16) char inline_[kInlineSize];
};

// A list stored in an Arena: grows by doubling into the arena. Elements must
// be trivially copyable. Reading is what exporters do; the SDK appends.
template <class T>
class ArenaList {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  using value_type = T;
  using const_iterator = const T*;

  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  std::size_t capacity() const noexcept { return capacity_; }

  // Ensures room for `capacity` elements in total; false if out of memory.
  bool reserve(Arena& arena, std::size_t capacity) noexcept {
    if (capacity <= capacity_) return true;
    T* grown = arena.allocate_array<T>(capacity);
    if (grown == nullptr) return false;
    if (size_ != 0)
      std::memcpy(static_cast<void*>(grown), data_, size_ * sizeof(T));
    data_ = grown;
    capacity_ = static_cast<std::uint32_t>(capacity);
    return true;
  }

  // Appends `value`; false if out of memory.
  bool push_back(Arena& arena, const T& value) noexcept {
    if (size_ == capacity_ &&
        !reserve(arena, capacity_ == 0 ? 4 : 2 * std::size_t{capacity_})) {
      return false;
    }
    data_[size_++] = value;
    return true;
  }

  // Adopts `size` elements already stored in the arena at `data`.
  void assign(T* data, std::size_t size) noexcept {
    data_ = data;
    size_ = static_cast<std::uint32_t>(size);
    capacity_ = size_;
  }

  // Removes the first element, keeping order (used to keep the newest links).
  void pop_front() noexcept {
    if (size_ == 0) return;
    std::memmove(static_cast<void*>(data_), data_ + 1, (size_ - 1) * sizeof(T));
    --size_;
  }

 private:
  T* data_ = nullptr;
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = 0;
};

}  // namespace weft::sdk
