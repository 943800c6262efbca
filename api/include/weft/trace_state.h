// TraceState: the vendor-specific key=value list of the W3C `tracestate`
// header.
//
// Immutable and validated: a TraceState only ever holds a list that satisfies
// the W3C Trace Context grammar (the key grammar of Level 2; at most 32
// members, unique valid keys, valid values). Parsing invalid input yields an
// empty state, never an exception; a repeated key keeps its first member.
// Copies share one immutable buffer, so a TraceState is cheap to copy and safe
// to read from any number of threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>

namespace weft {
namespace detail {

// Immutable text shared by counted references, held in one allocation (a
// small header, then the characters): what TraceState keeps, so a parsed
// header costs one allocation and a copy one atomic increment. Copying and
// reading are thread-safe.
class SharedText {
 public:
  SharedText() noexcept = default;
  // `size` characters written by `fill(char*)`; throws std::bad_alloc.
  // A size of 0 holds nothing.
  template <class Fill>
  SharedText(std::size_t size, Fill&& fill) {
    if (size == 0) return;
    void* memory = ::operator new(sizeof(Block) + size);
    block_ = new (memory) Block{{1}, size};
    fill(block_->chars());
  }
  explicit SharedText(std::string_view text)
      : SharedText(text.size(), [&text](char* out) {
          std::memcpy(out, text.data(), text.size());
        }) {}

  SharedText(const SharedText& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) {
      block_->references.fetch_add(1, std::memory_order_relaxed);
    }
  }
  SharedText(SharedText&& other) noexcept : block_(other.block_) {
    other.block_ = nullptr;
  }
  SharedText& operator=(SharedText other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~SharedText() {
    if (block_ != nullptr &&
        block_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      block_->~Block();
      ::operator delete(block_);
    }
  }

  std::string_view view() const noexcept {
    return block_ != nullptr ? std::string_view(block_->chars(), block_->size)
                             : std::string_view();
  }
  bool empty() const noexcept { return block_ == nullptr; }

 private:
  struct Block {
    std::atomic<std::size_t> references;
    std::size_t size;
    char* chars() noexcept { return reinterpret_cast<char*>(this + 1); }
  };
  Block* block_ = nullptr;
};

}  // namespace detail

class TraceState {
 public:
  static constexpr std::size_t kMaxMembers = 32;
  static constexpr std::size_t kMaxKeySize = 256;
  static constexpr std::size_t kMaxValueSize = 256;

  TraceState() noexcept = default;

  // Parses a `tracestate` header value (or several header values joined with
  // ','). Optional spaces and tabs around members are allowed and empty
  // members are skipped. A member whose key is already in the list is dropped
  // (the first one is kept: W3C lets vendors discard duplicates), and does not
  // count toward the 32. Any invalid member, or more than 32 distinct keys,
  // discards the whole list: the result is empty.
  static TraceState parse(std::string_view header) noexcept;

  // W3C key grammar (Trace Context Level 2):
  //   key = ( lcalpha / DIGIT ) 0*255 ( keychar )
  //   keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
  // so 1-256 characters, and '@' anywhere but first (`foo@`, `a@b@c` are
  // keys; Level 1's tenant-id@system-id form and its 241/14 limits are gone).
  static bool is_valid_key(std::string_view key) noexcept;
  // W3C value grammar: 1-256 printable ASCII characters other than ',' and
  // '=', not ending in a space.
  static bool is_valid_value(std::string_view value) noexcept;

  // The value stored for `key`, if any.
  std::optional<std::string_view> get(std::string_view key) const noexcept;

  // A new state with `key=value` as its first member (an existing entry for
  // the key is removed; a 33rd member pushes out the rightmost one). An
  // invalid key or value returns this state unchanged.
  TraceState set(std::string_view key, std::string_view value) const;

  // A new state without `key`.
  TraceState erase(std::string_view key) const;

  // The canonical header value: members joined with ',' without spaces.
  std::string_view header() const noexcept { return header_.view(); }
  bool empty() const noexcept { return header_.empty(); }
  std::size_t size() const noexcept;

  // Calls `visit(key, value)` for each member, in order.
  template <class Visit>
  void for_each(Visit&& visit) const {
    std::string_view rest = header();
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view member = rest.substr(0, comma);
      const std::size_t equals = member.find('=');
      visit(member.substr(0, equals), member.substr(equals + 1));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  friend bool operator==(const TraceState& a, const TraceState& b) noexcept {
    return a.header() == b.header();
  }
  friend bool operator!=(const TraceState& a, const TraceState& b) noexcept {
    return !(a == b);
  }

 private:
  explicit TraceState(std::string_view canonical) : header_(canonical) {}
  explicit TraceState(detail::SharedText canonical) noexcept
      : header_(std::move(canonical)) {}

  detail::SharedText header_;
};

namespace detail {

constexpr bool is_lower_alpha(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_key_char(char c) noexcept {
  return is_lower_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' ||
         c == '/' || c == '@';
}
constexpr bool is_optional_whitespace(char c) noexcept {
  return c == ' ' || c == '\t';
}

inline std::string_view trim_optional_whitespace(std::string_view s) noexcept {
  while (!s.empty() && is_optional_whitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_optional_whitespace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace detail

inline bool TraceState::is_valid_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > kMaxKeySize) return false;
  if (!detail::is_lower_alpha(key[0]) && !detail::is_digit(key[0])) {
    return false;
  }
  for (char c : key) {
    if (!detail::is_key_char(c)) return false;
  }
  return true;
}

inline bool TraceState::is_valid_value(std::string_view value) noexcept {
  if (value.empty() || value.size() > kMaxValueSize) return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
  }
  return value.back() != ' ';
}

inline TraceState TraceState::parse(std::string_view header) noexcept {
  struct Member {
    const char* key;
    std::size_t key_size;
    const char* value;
    std::size_t value_size;
  };
  Member found[kMaxMembers];
  std::size_t count = 0;
  std::size_t total = 0;
  while (true) {
    const std::size_t comma = header.find(',');
    const std::string_view member =
        detail::trim_optional_whitespace(header.substr(0, comma));
    if (!member.empty()) {
      const std::size_t equals = member.find('=');
      if (equals == std::string_view::npos) return {};
      const std::string_view key = member.substr(0, equals);
      const std::string_view value = member.substr(equals + 1);
      if (!is_valid_key(key) || !is_valid_value(value)) return {};
      bool repeated = false;
      for (std::size_t i = 0; i < count && !repeated; ++i) {
        repeated = std::string_view(found[i].key, found[i].key_size) == key;
      }
      if (!repeated) {
        if (count == kMaxMembers) return {};
        found[count] = {key.data(), key.size(), value.data(), value.size()};
        total += member.size() + 1;
        ++count;
      }
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  if (count == 0) return {};
  try {
    // Written straight into the shared block: one allocation.
    return TraceState(detail::SharedText(total - 1, [&](char* out) {
      for (std::size_t i = 0; i < count; ++i) {
        if (i != 0) *out++ = ',';
        std::memcpy(out, found[i].key, found[i].key_size);
        out += found[i].key_size;
        *out++ = '=';
        std::memcpy(out, found[i].value, found[i].value_size);
        out += found[i].value_size;
      }
    }));
  } catch (...) {
    return {};
  }
}

inline std::optional<std::string_view> TraceState::get(
    std::string_view key) const noexcept {
  std::optional<std::string_view> found;
  for_each([&](std::string_view k, std::string_view v) {
    if (!found && k == key) found = v;
  });
  return found;
}

inline std::size_t TraceState::size() const noexcept {
  std::size_t count = 0;
  for_each([&](std::string_view, std::string_view) { ++count; });
  return count;
}

inline TraceState TraceState::set(std::string_view key,
                                  std::string_view value) const {
  if (!is_valid_key(key) || !is_valid_value(value)) return *this;
  std::string canonical;
  canonical.append(key).append(1, '=').append(value);
  std::size_t kept = 1;
  for_each([&](std::string_view k, std::string_view v) {
    if (k == key || kept == kMaxMembers) return;
    canonical.append(1, ',').append(k).append(1, '=').append(v);
    ++kept;
  });
  return TraceState(std::move(canonical));
}

inline TraceState TraceState::erase(std::string_view key) const {
  std::string canonical;
  for_each([&](std::string_view k, std::string_view v) {
    if (k == key) return;
    if (!canonical.empty()) canonical += ',';
    canonical.append(k).append(1, '=').append(v);
  });
  return TraceState(std::move(canonical));
}

}  // namespace weft
