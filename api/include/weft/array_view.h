// ArrayView: a read-only pointer-and-length view of contiguous elements.
//
// C++17 has no std::span; weft uses this minimal view to pass lists (links,
// attributes) without copying them. It never owns: whatever it points at must
// outlive the call it is passed to. Thread-compatible.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <vector>

namespace weft {

template <class T>
class ArrayView {
 public:
  using value_type = T;
  using const_iterator = const T*;

  constexpr ArrayView() noexcept = default;
  constexpr ArrayView(const T* data, std::size_t size) noexcept
      : data_(data), size_(size) {}
  template <class Allocator>
  ArrayView(const std::vector<T, Allocator>& v) noexcept  // NOLINT: implicit
      : data_(v.data()), size_(v.size()) {}
  template <std::size_t N>
  constexpr ArrayView(const std::array<T, N>& a) noexcept  // NOLINT: implicit
      : data_(a.data()), size_(N) {}
  template <std::size_t N>
  constexpr ArrayView(const T (&a)[N]) noexcept  // NOLINT: implicit
      : data_(a), size_(N) {}
  // Only for a parameter: the list lives until the end of the full expression.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  constexpr ArrayView(std::initializer_list<T> list) noexcept  // NOLINT
      : data_(list.begin()), size_(list.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  constexpr const T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const T* begin() const noexcept { return data_; }
  constexpr const T* end() const noexcept { return data_ + size_; }
  constexpr const T& operator[](std::size_t i) const noexcept {
    return data_[i];
  }
  constexpr const T& front() const noexcept { return data_[0]; }
  constexpr const T& back() const noexcept { return data_[size_ - 1]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace weft
