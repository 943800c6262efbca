// Baggage: application-defined key/value entries that travel with a Context
// across process boundaries (W3C Baggage, the `baggage` header), and the
// propagator for that header.
//
// A Baggage is an immutable value, cheap to copy (copies share one immutable
// list); set() and remove() return a new Baggage. The Context holds it under
// a key private to this header; the helpers of namespace weft::baggage read
// and replace it:
//
//   weft::Scope scope(weft::baggage::set(weft::Context::current(),
//                                        "tenant", "acme"));
//   weft::inject_context(headers);  // with a BaggagePropagator installed
//   ...
//   // in the next process, after extract_context(headers):
//   std::optional<std::string> tenant = weft::baggage::get(context, "tenant");
//
// Names and values are case-sensitive; one value per name (as OpenTelemetry:
// a duplicate in a header replaces the earlier value, see
// BaggagePropagator). The W3C limits are applied when a header is read or
// written, not when entries are set: members beyond 64 or beyond 8192 bytes
// are dropped, counted in weft::baggage::dropped_members() and reported once
// (weft/diagnostics.h).
//
// Baggage is a thread-compatible value; the propagator is immutable and
// thread-safe; the drop counter is atomic. Nothing here throws.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/array_view.h"
#include "weft/context.h"
#include "weft/diagnostics.h"
#include "weft/percent_encoding.h"
#include "weft/propagation.h"
#include "weft/trace_state.h"

namespace weft {

// One entry: a name, its (decoded) value, and metadata: the W3C property
// list that followed the value, without the leading ';' (for example
// "ttl=60;internal"). Metadata is opaque to weft: kept from an extracted
// header (OWS removed) and written again on inject.
struct BaggageEntry {
  std::string key;
  std::string value;
  std::string metadata;

  friend bool operator==(const BaggageEntry& a, const BaggageEntry& b) {
    return a.key == b.key && a.value == b.value && a.metadata == b.metadata;
  }
  friend bool operator!=(const BaggageEntry& a, const BaggageEntry& b) {
    return !(a == b);
  }
};

namespace detail {
class BaggageParser;
struct BaggageAccess;

// A Baggage's entries, shared by its copies; a Context holds them as its
// value, so extracted baggage costs two allocations (the list, this).
struct BaggageStorage final : ContextValue {
  explicit BaggageStorage(std::vector<BaggageEntry> list) noexcept
      : entries(std::move(list)) {}
  std::vector<BaggageEntry> entries;
};
}  // namespace detail

class Baggage {
 public:
  // The limits of the W3C Baggage specification, applied when a header is
  // read (parse, extract) and written (to_header, inject).
  static constexpr std::size_t kMaxMembers = 64;
  static constexpr std::size_t kMaxBytes = 8192;
  // Bound on the header text looked at when reading (all `baggage` values of
  // a carrier together): text beyond it is ignored, and counts as one
  // dropped member.
  static constexpr std::size_t kMaxInputSize = 32 * 1024;

  // The empty baggage.
  Baggage() noexcept = default;

  // Reads a `baggage` header value (a W3C baggage-string). Malformed members
  // are skipped, keeping the others; values are percent-decoded (decoded
  // bytes that are not UTF-8 become U+FFFD); a duplicate name replaces the
  // earlier value in place; members over the limits are dropped and counted.
  static Baggage parse(std::string_view header) noexcept;

  // The `baggage` header value: members joined with ',', values
  // percent-encoded. Entries whose name is not an HTTP token, and members
  // over the limits, are left out and counted; metadata that is not a valid
  // W3C property list is left out. Empty when nothing can be written.
  std::string to_header() const noexcept;

  bool empty() const noexcept { return storage_ == nullptr; }
  std::size_t size() const noexcept {
    return storage_ != nullptr ? storage_->entries.size() : 0;
  }
  // The entries in order (the order of the header, then of set()). Valid
  // while this Baggage, or a copy of it, lives.
  ArrayView<BaggageEntry> entries() const noexcept {
    return storage_ != nullptr ? ArrayView<BaggageEntry>(storage_->entries)
                               : ArrayView<BaggageEntry>();
  }

  // The entry named `key`, or nullptr; valid as entries() is.
  const BaggageEntry* find(std::string_view key) const noexcept;
  // The value of `key`; the view is valid as entries() is.
  std::optional<std::string_view> get(std::string_view key) const noexcept {
    const BaggageEntry* entry = find(key);
    if (entry == nullptr) return std::nullopt;
    return std::string_view(entry->value);
  }

  // A copy with `key` set to `value` and `metadata` (an existing entry keeps
  // its place). An empty key, or an allocation failure, returns this
  // baggage unchanged.
  Baggage set(std::string_view key, std::string_view value,
              std::string_view metadata = {}) const noexcept;
  // A copy without `key`.
  Baggage remove(std::string_view key) const noexcept;

  friend bool operator==(const Baggage& a, const Baggage& b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.storage_->entries[i] != b.storage_->entries[i]) return false;
    }
    return true;
  }
  friend bool operator!=(const Baggage& a, const Baggage& b) noexcept {
    return !(a == b);
  }

 private:
  friend class detail::BaggageParser;
  friend struct detail::BaggageAccess;
  using Entries = std::vector<BaggageEntry>;

  // Takes `entries`, which must not be empty. May throw.
  explicit Baggage(Entries entries)
      : storage_(std::make_shared<const detail::BaggageStorage>(
            std::move(entries))) {}
  explicit Baggage(
      std::shared_ptr<const detail::BaggageStorage> storage) noexcept
      : storage_(std::move(storage)) {}

  std::shared_ptr<const detail::BaggageStorage> storage_;  // null when empty
};

// W3C Baggage: the `baggage` header.
//
// extract reads every `baggage` value of the carrier (several headers are one
// list, in order) as Baggage::parse does, and returns `base` with that
// baggage replacing base's (its span and other values kept); when the
// carrier holds no valid member, it returns `base` unchanged. inject writes
// the context's baggage as Baggage::to_header does, and writes nothing when
// the baggage is empty (or nothing in it can be written).
class BaggagePropagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view kBaggage = "baggage";

  ArrayView<std::string_view> fields() const noexcept override {
    static constexpr std::string_view kFields[] = {kBaggage};
    return kFields;
  }

 protected:
  void do_inject(const Context& context,
                 CarrierWriter& carrier) const noexcept override;
  Context do_extract(const CarrierReader& carrier,
                     const Context& base) const noexcept override;
};

// Baggage in a Context.
namespace baggage {

// The baggage of `context` (empty when it has none): a copy, one counted
// reference to the same entries, so it never dangles.
Baggage from(const Context& context) noexcept;
// `context` with `baggage` as its baggage (none when it is empty).
Context with(const Context& context, Baggage baggage) noexcept;

// The value of `key` in the baggage of `context`; a copy, safe to keep.
std::optional<std::string> get(const Context& context,
                               std::string_view key) noexcept;
// `context` with `key` set to `value` (and `metadata`) in its baggage.
Context set(const Context& context, std::string_view key,
            std::string_view value, std::string_view metadata = {}) noexcept;
// `context` without `key` in its baggage.
Context remove(const Context& context, std::string_view key) noexcept;

// The same, on this thread's current context (weft::Context::current()).
Baggage current() noexcept;
std::optional<std::string> get(std::string_view key) noexcept;

// Members dropped so far in this process because of the W3C limits, on
// extract and on inject (also: entries whose name is not an HTTP token, left
// out on inject; and input beyond Baggage::kMaxInputSize, one per carrier).
// Malformed members skipped on extract are not counted.
std::uint64_t dropped_members() noexcept;

}  // namespace baggage

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

// Character classes of the baggage grammar, one table lookup each.
enum BaggageCharClass : unsigned char {
  kTokenChar = 1,     // HTTP token (RFC 9110, 5.6.2): keys
  kBaggageOctet = 2,  // printable ASCII but '"', ',', ';' and '\\': values
  kKeptAsIs = 4,      // written without percent-encoding: octets but '%'
};

struct BaggageCharClasses {
  unsigned char of[256] = {};

  constexpr BaggageCharClasses() {
    for (int c = 0x21; c <= 0x7e; ++c) {
      if (c != '"' && c != ',' && c != ';' && c != '\\') {
        of[c] |= kBaggageOctet;
        if (c != '%') of[c] |= kKeptAsIs;
      }
      const bool alphanumeric = (c >= 'a' && c <= 'z') ||
                                (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9');
      if (alphanumeric) of[c] |= kTokenChar;
    }
    for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_',
                   '`', '|', '~'}) {
      of[static_cast<unsigned char>(c)] |= kTokenChar;
    }
  }
};

inline constexpr BaggageCharClasses kBaggageCharClasses{};

constexpr bool has_class(char c, BaggageCharClass char_class) noexcept {
  return (kBaggageCharClasses.of[static_cast<unsigned char>(c)] & char_class) !=
         0;
}

inline bool all_of_class(std::string_view text,
                         BaggageCharClass char_class) noexcept {
  for (char c : text) {
    if (!has_class(c, char_class)) return false;
  }
  return true;
}

inline bool is_token(std::string_view text) noexcept {
  return !text.empty() && all_of_class(text, kTokenChar);
}

inline bool are_baggage_octets(std::string_view text) noexcept {
  return all_of_class(text, kBaggageOctet);
}

// What inject percent-encodes: every byte outside baggage-octet, and '%'
// itself (UTF-8 is encoded byte by byte, so it decodes intact).
constexpr bool needs_percent_encoding(char c) noexcept {
  return !has_class(c, kKeptAsIs);
}

inline std::size_t percent_encoded_size(std::string_view text) noexcept {
  std::size_t size = text.size();
  for (char c : text) {
    if (needs_percent_encoding(c)) size += 2;
  }
  return size;
}

inline void append_percent_encoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const std::size_t start = out.size();
  out.resize(start + percent_encoded_size(text));  // one growth, no appends
  char* write = &out[start];
  for (char c : text) {
    if (!needs_percent_encoding(c)) {
      *write++ = c;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    *write++ = '%';
    *write++ = kHex[u >> 4];
    *write++ = kHex[u & 0xf];
  }
}

// Replaces each maximal invalid subpart of UTF-8 in `text` with U+FFFD (the
// Unicode "best practice" the W3C text points to).
inline std::string replace_invalid_utf8(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;  // range of the second byte
    unsigned char high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;   // no overlong forms
      if (lead == 0xed) high = 0x9f;  // no surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;  // nothing above U+10FFFF
    }
    std::size_t end = i + 1;
    while (length != 0 && end < i + length && end < text.size()) {
      const auto c = static_cast<unsigned char>(text[end]);
      const bool valid =
          end == i + 1 ? c >= low && c <= high : c >= 0x80 && c <= 0xbf;
      if (!valid) break;
      ++end;
    }
    if (length != 0 && end == i + length) {
      out.append(text.substr(i, length));
    } else {
      out.append(kReplacement);
    }
    i = end;
  }
  return out;
}

// Appends the percent-decoding of `text` (baggage-octets) to `out`, with
// decoded bytes that are not UTF-8 replaced by U+FFFD; false when an escape
// is not '%' and two hex digits.
inline bool append_baggage_value_decoded(std::string& out,
                                         std::string_view text) {
  if (text.find('%') == std::string_view::npos) {
    out.append(text);
    return true;
  }
  const std::size_t start = out.size();
  if (!append_percent_decoded(out, text)) return false;
  const std::string_view decoded =
      std::string_view(out).substr(start, out.size() - start);
  // baggage-octets are ASCII: a byte of 0x80 or more came from an escape.
  for (const char c : decoded) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      std::string valid = replace_invalid_utf8(decoded);
      out.resize(start);
      out.append(valid);
      break;
    }
  }
  return true;
}

// Appends the W3C property list `text` (what follows a member's first ';':
// `property *( OWS ";" OWS property )`, property = key [OWS "=" OWS value])
// to `out` without its optional whitespace; false when it is malformed.
inline bool append_properties(std::string& out, std::string_view text) {
  while (true) {
    const std::size_t semicolon = text.find(';');
    const std::string_view property = text.substr(0, semicolon);
    const std::size_t equals = property.find('=');
    const std::string_view key =
        trim_optional_whitespace(property.substr(0, equals));
    if (!is_token(key)) return false;
    out.append(key);
    if (equals != std::string_view::npos) {
      const std::string_view value =
          trim_optional_whitespace(property.substr(equals + 1));
      if (!are_baggage_octets(value)) return false;
      out.append(1, '=').append(value);
    }
    if (semicolon == std::string_view::npos) return true;
    out.push_back(';');
    text.remove_prefix(semicolon + 1);
  }
}

// Parses one list-member (a piece between commas, OWS included) into
// `entry`; false when it is malformed.
inline bool parse_baggage_member(std::string_view member, BaggageEntry& entry) {
  const std::size_t equals = member.find('=');
  if (equals == std::string_view::npos) return false;
  const std::string_view key =
      trim_optional_whitespace(member.substr(0, equals));
  if (!is_token(key)) return false;
  const std::string_view rest = member.substr(equals + 1);
  const std::size_t semicolon = rest.find(';');
  const std::string_view value =
      trim_optional_whitespace(rest.substr(0, semicolon));
  if (!are_baggage_octets(value)) return false;
  entry.key.assign(key);
  entry.value.clear();
  if (!append_baggage_value_decoded(entry.value, value)) return false;
  entry.metadata.clear();
  return semicolon == std::string_view::npos ||
         append_properties(entry.metadata, rest.substr(semicolon + 1));
}

// Size of `entry` as to_header() writes it, when its metadata is written
// as stored (true of every parsed entry).
inline std::size_t serialized_size(const BaggageEntry& entry) noexcept {
  return entry.key.size() + 1 + percent_encoded_size(entry.value) +
         (entry.metadata.empty() ? 0 : 1 + entry.metadata.size());
}

inline std::atomic<std::uint64_t>& baggage_dropped_counter() noexcept {
  static std::atomic<std::uint64_t> dropped{0};
  return dropped;
}
// Whether each kind of drop was reported (tests reset them).
inline std::atomic<bool>& baggage_limits_reported() noexcept {
  static std::atomic<bool> reported{false};
  return reported;
}
inline std::atomic<bool>& baggage_key_reported() noexcept {
  static std::atomic<bool> reported{false};
  return reported;
}

inline void count_dropped_baggage_members(std::size_t count) noexcept {
  if (count == 0) return;
  baggage_dropped_counter().fetch_add(count, std::memory_order_relaxed);
  report_diagnostic_once(
      baggage_limits_reported(),
      "baggage over the W3C limits (64 members, 8192 bytes): members were "
      "dropped (weft::baggage::dropped_members() counts them)");
}

inline void count_unwritable_baggage_keys(std::size_t count) noexcept {
  if (count == 0) return;
  baggage_dropped_counter().fetch_add(count, std::memory_order_relaxed);
  report_diagnostic_once(
      baggage_key_reported(),
      "a baggage entry whose name is not an HTTP token cannot be written to "
      "the W3C baggage header: left out (weft::baggage::dropped_members() "
      "counts it)");
}

// Reads baggage-strings, one at a time (the values of a carrier's `baggage`
// headers), into one list under the limits. A value need only live during
// its call.
class BaggageParser {
 public:
  void operator()(std::string_view header) {
    if (input_size_ >= Baggage::kMaxInputSize) {
      truncated_ = true;
      return;
    }
    const std::size_t room = Baggage::kMaxInputSize - input_size_;
    input_size_ += header.size() + 1;
    if (header.size() > room) {
      // Read whole members only: up to the last comma that fits.
      truncated_ = true;
      const std::size_t comma = header.substr(0, room).rfind(',');
      header = header.substr(0, comma == std::string_view::npos ? 0 : comma);
    }
    if (entries_.capacity() == 0) reserve_for(header);
    while (!header.empty()) {
      const std::size_t comma = header.find(',');
      const std::string_view member = header.substr(0, comma);
      header.remove_prefix(comma == std::string_view::npos ? header.size()
                                                           : comma + 1);
      // Parsed in place at the end of the list, then kept or taken back.
      if (!parse_baggage_member(member, entries_.emplace_back()) ||
          !keep_last()) {
        entries_.pop_back();
      }
    }
  }

  // The baggage read; counts and reports what was dropped.
  Baggage take() {
    count_dropped_baggage_members(dropped_ + (truncated_ ? 1 : 0));
    if (entries_.empty()) return {};
    return Baggage(std::move(entries_));
  }

 private:
  void reserve_for(std::string_view header) {
    std::size_t members = 1;
    for (std::size_t comma = header.find(',');
         comma != std::string_view::npos && members <= Baggage::kMaxMembers;
         comma = header.find(',', comma + 1)) {
      ++members;
    }
    entries_.reserve(members);
  }

  // Decides on the member just parsed into the last place: the last
  // occurrence of a name wins, in the place of the first; what would pass a
  // limit is dropped. False when the last place is to be taken back.
  bool keep_last() {
    BaggageEntry& entry = entries_.back();
    const std::size_t size = serialized_size(entry);
    const std::size_t count = entries_.size() - 1;
    for (std::size_t i = 0; i < count; ++i) {
      BaggageEntry& existing = entries_[i];
      if (existing.key != entry.key) continue;
      const std::size_t old_size = serialized_size(existing);
      if (bytes_ - old_size + size > Baggage::kMaxBytes) {
        ++dropped_;
      } else {
        bytes_ = bytes_ - old_size + size;
        existing.value.swap(entry.value);
        existing.metadata.swap(entry.metadata);
      }
      return false;
    }
    const std::size_t separator = count == 0 ? 0 : 1;
    if (count == Baggage::kMaxMembers ||
        bytes_ + separator + size > Baggage::kMaxBytes) {
      ++dropped_;
      return false;
    }
    bytes_ += separator + size;
    return true;
  }

  std::vector<BaggageEntry> entries_;
  std::size_t bytes_ = 0;  // of the list as to_header() would write it
  std::size_t input_size_ = 0;
  std::size_t dropped_ = 0;
  bool truncated_ = false;
};

// The key of the baggage in a Context. Its value is a BaggageStorage, held
// as it is (ContextAccess): never read it with Context::get.
inline const void* baggage_context_key() noexcept {
  static const ContextKey<BaggageStorage> key("weft.baggage");
  return &key;
}

struct BaggageAccess {
  static const std::shared_ptr<const BaggageStorage>& storage(
      const Baggage& baggage) noexcept {
    return baggage.storage_;
  }
  // The baggage of `context`, without copying it (null when none).
  static const BaggageStorage* find(const Context& context) noexcept {
    const std::shared_ptr<const ContextValue>* value =
        ContextAccess::find_value(context, baggage_context_key());
    return value != nullptr ? static_cast<const BaggageStorage*>(value->get())
                            : nullptr;
  }
  static Baggage from(const Context& context) noexcept {
    const std::shared_ptr<const ContextValue>* value =
        ContextAccess::find_value(context, baggage_context_key());
    if (value == nullptr) return {};
    return Baggage(std::static_pointer_cast<const BaggageStorage>(*value));
  }
};

}  // namespace detail

inline Baggage Baggage::parse(std::string_view header) noexcept {
  try {
    detail::BaggageParser parser;
    parser(header);
    return parser.take();
  } catch (...) {
    return {};
  }
}

namespace detail {

// Writes `entries` as a header value into `header` (replacing what it held),
// within the W3C limits. The propagator writes into a buffer it reuses.
inline void write_baggage_header(ArrayView<BaggageEntry> entries,
                                 std::string& header) noexcept {
  header.clear();
  try {
    std::size_t written = 0;
    std::size_t dropped = 0;
    std::size_t unwritable = 0;
    for (const BaggageEntry& entry : entries) {
      if (!is_token(entry.key)) {
        ++unwritable;
        continue;
      }
      if (written == Baggage::kMaxMembers) {
        ++dropped;
        continue;
      }
      const std::size_t start = header.size();
      if (written != 0) header.push_back(',');
      header.append(entry.key).push_back('=');
      append_percent_encoded(header, entry.value);
      if (!entry.metadata.empty()) {
        const std::size_t before_metadata = header.size();
        header.push_back(';');
        if (!append_properties(header,
                               trim_optional_whitespace(entry.metadata))) {
          header.resize(before_metadata);
        }
      }
      if (header.size() > Baggage::kMaxBytes) {
        header.resize(start);
        ++dropped;
        continue;
      }
      ++written;
    }
    count_unwritable_baggage_keys(unwritable);
    count_dropped_baggage_members(dropped);
  } catch (...) {
    header.clear();
  }
}

}  // namespace detail

inline std::string Baggage::to_header() const noexcept {
  std::string header;
  detail::write_baggage_header(entries(), header);
  return header;
}

inline const BaggageEntry* Baggage::find(std::string_view key) const noexcept {
  for (const BaggageEntry& entry : entries()) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

inline Baggage Baggage::set(std::string_view key, std::string_view value,
                            std::string_view metadata) const noexcept {
  if (key.empty()) return *this;
  try {
    Entries entries;
    entries.reserve(size() + 1);
    bool replaced = false;
    for (const BaggageEntry& entry : this->entries()) {
      if (entry.key == key) {
        entries.push_back(
            {entry.key, std::string(value), std::string(metadata)});
        replaced = true;
      } else {
        entries.push_back(entry);
      }
    }
    if (!replaced) {
      entries.push_back(
          {std::string(key), std::string(value), std::string(metadata)});
    }
    return Baggage(std::move(entries));
  } catch (...) {
    return *this;
  }
}

inline Baggage Baggage::remove(std::string_view key) const noexcept {
  if (find(key) == nullptr) return *this;
  try {
    Entries entries;
    entries.reserve(size() - 1);
    for (const BaggageEntry& entry : this->entries()) {
      if (entry.key != key) entries.push_back(entry);
    }
    if (entries.empty()) return {};
    return Baggage(std::move(entries));
  } catch (...) {
    return *this;
  }
}

inline void BaggagePropagator::do_inject(
    const Context& context, CarrierWriter& carrier) const noexcept {
  const detail::BaggageStorage* baggage = detail::BaggageAccess::find(context);
  if (baggage == nullptr) return;
  // Reused by every inject on this thread: no allocation once it has grown
  // to the largest header written (at most kMaxBytes and one member).
  thread_local std::string header;
  detail::write_baggage_header(baggage->entries, header);
  if (header.empty()) return;
  try {
    carrier.set(kBaggage, header);
  } catch (...) {
    // The carrier failed; what it holds is up to it.
  }
}

inline Context BaggagePropagator::do_extract(
    const CarrierReader& carrier, const Context& base) const noexcept {
  try {
    detail::BaggageParser parser;
    carrier.get_all(kBaggage, parser);
    Baggage baggage = parser.take();
    if (baggage.empty()) return base;
    return baggage::with(base, std::move(baggage));
  } catch (...) {
    return base;
  }
}

namespace baggage {

inline Baggage from(const Context& context) noexcept {
  return detail::BaggageAccess::from(context);
}

inline Context with(const Context& context, Baggage baggage) noexcept {
  try {
    return detail::ContextAccess::with_value(
        context, detail::baggage_context_key(),
        detail::BaggageAccess::storage(baggage));
  } catch (...) {
    return context;
  }
}

inline std::optional<std::string> get(const Context& context,
                                      std::string_view key) noexcept {
  try {
    const std::optional<std::string_view> value = from(context).get(key);
    if (!value) return std::nullopt;
    return std::string(*value);
  } catch (...) {
    return std::nullopt;
  }
}

inline Context set(const Context& context, std::string_view key,
                   std::string_view value, std::string_view metadata) noexcept {
  return with(context, from(context).set(key, value, metadata));
}

inline Context remove(const Context& context, std::string_view key) noexcept {
  const Baggage& baggage = from(context);
  if (baggage.find(key) == nullptr) return context;
  return with(context, baggage.remove(key));
}

inline Baggage current() noexcept { return from(Scope::current_context()); }

inline std::optional<std::string> get(std::string_view key) noexcept {
  return get(Scope::current_context(), key);
}

inline std::uint64_t dropped_members() noexcept {
  return detail::baggage_dropped_counter().load(std::memory_order_relaxed);
}

}  // namespace baggage

}  // namespace weft
