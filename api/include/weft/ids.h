// Trace and span identifiers and the W3C trace flags.
//
// Plain value types shared by every layer of weft: the API hands them to
// instrumented code, the SDK generates them, exporters write their raw bytes.
// Thread-compatible value types.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace weft {
namespace detail {

// Lowercase hex value of `c`, or -1 when `c` is not 0-9 or a-f.
constexpr int lower_hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

inline constexpr char kHexDigits[] = "0123456789abcdef";

// N opaque bytes; an identifier is valid when at least one byte is not zero.
template <std::size_t N, class Tag>
class ByteId {
 public:
  static constexpr std::size_t kSize = N;
  static constexpr std::size_t kHexSize = 2 * N;

  constexpr ByteId() noexcept = default;
  explicit constexpr ByteId(const std::array<std::uint8_t, N>& bytes) noexcept
      : bytes_(bytes) {}

  // Parses exactly 2*N lowercase hex characters (the W3C form); anything else
  // yields nullopt.
  static std::optional<ByteId> from_hex(std::string_view hex) noexcept {
    if (hex.size() != kHexSize) return std::nullopt;
    ByteId id;
    for (std::size_t i = 0; i < N; ++i) {
      const int high = lower_hex_value(hex[2 * i]);
      const int low = lower_hex_value(hex[2 * i + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      id.bytes_[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return id;
  }

  // Writes exactly 2*N lowercase hex characters to `out`.
  void write_hex(char* out) const noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      out[2 * i] = kHexDigits[bytes_[i] >> 4];
      out[2 * i + 1] = kHexDigits[bytes_[i] & 0xf];
    }
  }

  std::string to_hex() const {
    std::string hex(kHexSize, '0');
    write_hex(hex.data());
    return hex;
  }

  bool is_valid() const noexcept {
    static_assert(N % 8 == 0);
    std::uint64_t any = 0;
    for (std::size_t i = 0; i < N; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes_.data() + i, sizeof(word));
      any |= word;
    }
    return any != 0;
  }

  constexpr const std::array<std::uint8_t, N>& bytes() const noexcept {
    return bytes_;
  }

  friend constexpr bool operator==(const ByteId& a, const ByteId& b) noexcept {
    return a.bytes_ == b.bytes_;
  }
  friend constexpr bool operator!=(const ByteId& a, const ByteId& b) noexcept {
    return !(a == b);
  }
  friend constexpr bool operator<(const ByteId& a, const ByteId& b) noexcept {
    return a.bytes_ < b.bytes_;
  }

 private:
  std::array<std::uint8_t, N> bytes_{};
};

}  // namespace detail

// 16-byte trace identifier; all zeros is invalid.
using TraceId = detail::ByteId<16, struct TraceIdTag>;
// 8-byte span identifier; all zeros is invalid.
using SpanId = detail::ByteId<8, struct SpanIdTag>;

// The W3C trace-flags byte: bit 0 "sampled", bit 1 "random" (Level 2).
class TraceFlags {
 public:
  static constexpr std::uint8_t kSampled = 0x01;
  static constexpr std::uint8_t kRandom = 0x02;

  constexpr TraceFlags() noexcept = default;
  explicit constexpr TraceFlags(std::uint8_t bits) noexcept : bits_(bits) {}

  constexpr bool sampled() const noexcept { return (bits_ & kSampled) != 0; }
  constexpr bool random() const noexcept { return (bits_ & kRandom) != 0; }
  constexpr std::uint8_t bits() const noexcept { return bits_; }

  constexpr TraceFlags with_sampled(bool on) const noexcept {
    return TraceFlags(on ? bits_ | kSampled : bits_ & ~kSampled);
  }
  constexpr TraceFlags with_random(bool on) const noexcept {
    return TraceFlags(on ? bits_ | kRandom : bits_ & ~kRandom);
  }

  friend constexpr bool operator==(TraceFlags a, TraceFlags b) noexcept {
    return a.bits_ == b.bits_;
  }
  friend constexpr bool operator!=(TraceFlags a, TraceFlags b) noexcept {
    return a.bits_ != b.bits_;
  }

 private:
  std::uint8_t bits_ = 0;
};

}  // namespace weft
