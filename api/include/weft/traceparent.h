// traceparent parsing and formatting, and storable forms of a SpanContext.
//
// The W3C Trace Context propagator (weft/propagation.h) uses the traceparent
// helpers; applications use them on their own, and use the compact string and
// JSON forms to store a SpanContext (a job queue row, a message body) and link
// to it later:
//
//   compact form  00-<trace-id>-<span-id>-<flags>[;<tracestate>]
//                 the version-00 traceparent, then, when the tracestate is not
//                 empty, ';' and the tracestate header value. Example:
//                 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;congo=t61rcWkgMzE
//   JSON form     {"traceId":"<32 hex>","spanId":"<16 hex>","flags":<0-255>,
//                  "traceState":"<tracestate>"}
//                 the field names and encodings of an OTLP/JSON span link.
//
// Parsers are strict, never throw, run in time proportional to their input and
// allocate at most a bounded amount. Free functions without state: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "weft/ids.h"
#include "weft/span_context.h"
#include "weft/trace_state.h"

namespace weft {

// Length of a version-00 traceparent value.
inline constexpr std::size_t kTraceparentSize = 55;
// The flag bits weft keeps from a traceparent: sampled and (Level 2) random.
inline constexpr std::uint8_t kKnownTraceFlags =
    TraceFlags::kSampled | TraceFlags::kRandom;
// Longest JSON form parse_span_context_json() accepts (ample for 32 members).
inline constexpr std::size_t kMaxSpanContextJsonSize = 64 * 1024;

// Parses a traceparent header value per W3C Trace Context: lowercase hex only;
// version ff is invalid; version 00 is exactly 55 characters; a higher version
// is at least 55 characters and, when longer, continues with '-' (the fields
// after it are ignored); all-zero trace id or parent id is invalid. Flags keep
// only the sampled and random bits. The value must not carry surrounding
// whitespace (the propagator trims HTTP's optional whitespace first). Returns
// a remote SpanContext with an empty tracestate, or nullopt when invalid.
std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept;

// Writes the version-00 traceparent of `context` (flags limited to sampled
// and random) into out[0, kTraceparentSize). `context` should be valid.
void write_traceparent(const SpanContext& context, char* out) noexcept;

// The version-00 traceparent of `context`; empty when `context` is invalid.
std::string format_traceparent(const SpanContext& context) noexcept;

// The compact form (see above); empty when `context` is invalid.
std::string format_span_context(const SpanContext& context) noexcept;
// Parses the compact form: a version-00 traceparent, optionally followed by
// ';' and a valid, non-empty tracestate. The result is remote.
std::optional<SpanContext> parse_span_context(std::string_view text) noexcept;

// The JSON form (see above); empty when `context` is invalid.
std::string format_span_context_json(const SpanContext& context) noexcept;
// Parses the JSON form: one object, members in any order, "traceId" and
// "spanId" required, "flags" (an integer 0-255) and "traceState" optional,
// other members ignored when they are strings or integers. Duplicate members,
// an invalid id or tracestate, or input over kMaxSpanContextJsonSize: nullopt.
// The result is remote.
std::optional<SpanContext> parse_span_context_json(
    std::string_view json) noexcept;

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

// The byte of two lowercase hex characters, or -1.
constexpr int lower_hex_byte(char high, char low) noexcept {
  const int h = lower_hex_value(high);
  const int l = lower_hex_value(low);
  return h < 0 || l < 0 ? -1 : (h << 4 | l);
}

// Digit values of lowercase hex characters; 0x10 marks every other byte.
struct LowerHexTable {
  std::uint8_t value[256];
  constexpr LowerHexTable() : value() {
    for (int c = 0; c < 256; ++c) {
      const int v = lower_hex_value(static_cast<char>(c));
      value[c] = static_cast<std::uint8_t>(v < 0 ? 0x10 : v);
    }
  }
};
inline constexpr LowerHexTable kLowerHexTable{};

// Decodes 2*Id::kSize lowercase hex characters into a valid (non-zero) id:
// the traceparent hot path, without a branch per character.
template <class Id>
std::optional<Id> decode_lower_hex_id(const char* hex) noexcept {
  std::array<std::uint8_t, Id::kSize> bytes{};
  unsigned invalid = 0;
  unsigned any = 0;
  for (std::size_t i = 0; i < Id::kSize; ++i) {
    const unsigned high =
        kLowerHexTable.value[static_cast<unsigned char>(hex[2 * i])];
    const unsigned low =
        kLowerHexTable.value[static_cast<unsigned char>(hex[2 * i + 1])];
    invalid |= high | low;
    bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
    any |= bytes[i];
  }
  if ((invalid & 0x10) != 0 || any == 0) return std::nullopt;
  return Id(bytes);
}

// A strict reader of the JSON form: one object whose members are strings or
// non-negative integers. Linear in the input; decodes only what it is asked.
class SpanContextJsonReader {
 public:
  explicit SpanContextJsonReader(std::string_view input) noexcept
      : input_(input) {}

  std::optional<SpanContext> read() {
    std::optional<std::string> trace_id, span_id, trace_state;
    std::optional<std::uint64_t> flags;
    skip_whitespace();
    if (!consume('{')) return std::nullopt;
    skip_whitespace();
    if (!consume('}')) {
      while (true) {
        skip_whitespace();
        std::string key;
        if (!read_string(&key)) return std::nullopt;
        skip_whitespace();
        if (!consume(':')) return std::nullopt;
        skip_whitespace();
        bool ok = false;
        if (key == "traceId") {
          ok = !trace_id && read_string(&trace_id.emplace());
        } else if (key == "spanId") {
          ok = !span_id && read_string(&span_id.emplace());
        } else if (key == "traceState") {
          ok = !trace_state && read_string(&trace_state.emplace());
        } else if (key == "flags") {
          ok = !flags && read_integer(&flags.emplace());
        } else {
          std::uint64_t ignored = 0;
          ok = peek() == '"' ? read_string(nullptr) : read_integer(&ignored);
        }
        if (!ok) return std::nullopt;
        skip_whitespace();
        if (consume('}')) break;
        if (!consume(',')) return std::nullopt;
      }
    }
    skip_whitespace();
    if (position_ != input_.size() || !trace_id || !span_id) {
      return std::nullopt;
    }
    const auto trace = TraceId::from_hex(*trace_id);
    const auto span = SpanId::from_hex(*span_id);
    if (!trace || !span || !trace->is_valid() || !span->is_valid()) {
      return std::nullopt;
    }
    if (flags.value_or(0) > 0xff) return std::nullopt;
    TraceState state;
    if (trace_state && !trace_state->empty()) {
      state = TraceState::parse(*trace_state);
      if (state.empty()) return std::nullopt;
    }
    const auto bits = static_cast<std::uint8_t>(flags.value_or(0));
    return SpanContext(*trace, *span, TraceFlags(bits & kKnownTraceFlags),
                       std::move(state), /*is_remote=*/true);
  }

 private:
  char peek() const noexcept {
    return position_ < input_.size() ? input_[position_] : '\0';
  }
  bool consume(char c) noexcept {
    if (peek() != c || position_ == input_.size()) return false;
    ++position_;
    return true;
  }
  void skip_whitespace() noexcept {
    while (position_ < input_.size()) {
      const char c = input_[position_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++position_;
    }
  }
  // Decodes a JSON string into `out` (or only validates it when null).
  // Escaped code points above 0x7f become '\x01', which no field accepts.
  bool read_string(std::string* out) {
    if (!consume('"')) return false;
    while (position_ < input_.size()) {
      const char c = input_[position_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      char decoded = c;
      if (c == '\\') {
        if (position_ == input_.size()) return false;
        switch (input_[position_++]) {
          case '"':
            decoded = '"';
            break;
          case '\\':
            decoded = '\\';
            break;
          case '/':
            decoded = '/';
            break;
          case 'b':
            decoded = '\b';
            break;
          case 'f':
            decoded = '\f';
            break;
          case 'n':
            decoded = '\n';
            break;
          case 'r':
            decoded = '\r';
            break;
          case 't':
            decoded = '\t';
            break;
          case 'u': {
            if (input_.size() - position_ < 4) return false;
            unsigned code = 0;
            for (int i = 0; i < 4; ++i) {
              const char h = input_[position_++];
              int v = lower_hex_value(h);
              if (v < 0 && h >= 'A' && h <= 'F') v = h - 'A' + 10;
              if (v < 0) return false;
              code = code << 4 | static_cast<unsigned>(v);
            }
            decoded = code < 0x80 ? static_cast<char>(code) : '\x01';
            break;
          }
          default:
            return false;
        }
      }
      if (out) out->push_back(decoded);
    }
    return false;
  }
  // A non-negative integer without sign, fraction or exponent.
  bool read_integer(std::uint64_t* out) noexcept {
    const std::size_t start = position_;
    std::uint64_t value = 0;
    while (position_ < input_.size() && detail::is_digit(input_[position_])) {
      if (value > 0xffffffffu) return false;  // far beyond any valid value
      value = value * 10 + static_cast<std::uint64_t>(input_[position_] - '0');
      ++position_;
    }
    const std::size_t digits = position_ - start;
    if (digits == 0 || (digits > 1 && input_[start] == '0')) return false;
    *out = value;
    return true;
  }

  std::string_view input_;
  std::size_t position_ = 0;
};

inline void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);  // tracestate and hex are printable ASCII
  }
  out.push_back('"');
}

}  // namespace detail

inline std::optional<SpanContext> parse_traceparent(
    std::string_view value) noexcept {
  if (value.size() < kTraceparentSize) return std::nullopt;
  const int version = detail::lower_hex_byte(value[0], value[1]);
  if (version < 0 || version == 0xff) return std::nullopt;
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  if (version == 0
          ? value.size() != kTraceparentSize
          : value.size() > kTraceparentSize && value[kTraceparentSize] != '-') {
    return std::nullopt;
  }
  const int flags = detail::lower_hex_byte(value[53], value[54]);
  if (flags < 0) return std::nullopt;
  const auto trace_id = detail::decode_lower_hex_id<TraceId>(value.data() + 3);
  const auto span_id = detail::decode_lower_hex_id<SpanId>(value.data() + 36);
  if (!trace_id || !span_id) return std::nullopt;
  return SpanContext(
      *trace_id, *span_id,
      TraceFlags(static_cast<std::uint8_t>(flags) & kKnownTraceFlags),
      TraceState(), /*is_remote=*/true);
}

inline void write_traceparent(const SpanContext& context, char* out) noexcept {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  context.trace_id().write_hex(out + 3);
  out[35] = '-';
  context.span_id().write_hex(out + 36);
  out[52] = '-';
  const std::uint8_t flags = context.flags().bits() & kKnownTraceFlags;
  out[53] = detail::kHexDigits[flags >> 4];
  out[54] = detail::kHexDigits[flags & 0xf];
}

inline std::string format_traceparent(const SpanContext& context) noexcept {
  if (!context.is_valid()) return {};
  try {
    std::string out(kTraceparentSize, '0');
    write_traceparent(context, out.data());
    return out;
  } catch (...) {
    return {};
  }
}

inline std::string format_span_context(const SpanContext& context) noexcept {
  if (!context.is_valid()) return {};
  try {
    const std::string_view state = context.trace_state().header();
    std::string out(kTraceparentSize, '0');
    write_traceparent(context, out.data());
    if (!state.empty()) out.append(1, ';').append(state);
    return out;
  } catch (...) {
    return {};
  }
}

inline std::optional<SpanContext> parse_span_context(
    std::string_view text) noexcept {
  if (text.size() < kTraceparentSize || text[0] != '0' || text[1] != '0') {
    return std::nullopt;
  }
  auto context = parse_traceparent(text.substr(0, kTraceparentSize));
  if (!context || text.size() == kTraceparentSize) return context;
  if (text[kTraceparentSize] != ';') return std::nullopt;
  TraceState state = TraceState::parse(text.substr(kTraceparentSize + 1));
  if (state.empty()) return std::nullopt;
  return context->with_trace_state(std::move(state));
}

inline std::string format_span_context_json(
    const SpanContext& context) noexcept {
  if (!context.is_valid()) return {};
  try {
    char trace_id[TraceId::kHexSize];
    char span_id[SpanId::kHexSize];
    context.trace_id().write_hex(trace_id);
    context.span_id().write_hex(span_id);
    std::string out;
    out.reserve(96 + 2 * context.trace_state().header().size());
    out.append("{\"traceId\":\"").append(trace_id, sizeof trace_id);
    out.append("\",\"spanId\":\"").append(span_id, sizeof span_id);
    out.append("\",\"flags\":");
    out.append(std::to_string(context.flags().bits() & kKnownTraceFlags));
    out.append(",\"traceState\":");
    detail::append_json_string(out, context.trace_state().header());
    out.push_back('}');
    return out;
  } catch (...) {
    return {};
  }
}

inline std::optional<SpanContext> parse_span_context_json(
    std::string_view json) noexcept {
  if (json.size() > kMaxSpanContextJsonSize) return std::nullopt;
  try {
    return detail::SpanContextJsonReader(json).read();
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace weft
