// Text helpers shared by the SDK, the OTLP exporters and the tools: the one
// home of trimming, ASCII case, hex, base64, percent-decoding, `key=value`
// lists and locale-free numbers, so that each has one rule.
//
// Internal (not installed): weft's own targets reach it through
// WEFT_SDK_INTERNAL_INCLUDE_DIR. Stateless functions, thread-safe.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/percent_encoding.h"

namespace weft::sdk {

// `text` without the spaces and tabs around it (W3C's optional whitespace;
// the rule of every header and `key=value` list weft reads).
std::string_view trim(std::string_view text) noexcept;

// `text` with A-Z lowercased; other bytes (non-ASCII included) unchanged.
std::string to_lower_ascii(std::string_view text);

// The value (0..15) of a hex digit in either case, or -1 (the API's).
using weft::detail::hex_digit_value;

// True when `text` is made of hex digits only (either case; empty is true).
bool is_hex(std::string_view text) noexcept;

// Appends the bytes of `bytes` to `out` as lowercase hex, two digits each.
void append_hex(std::string& out, std::string_view bytes);

// The bytes that `text` spells in hex, two digits (either case) a byte;
// nullopt for an odd length or a character that is not a hex digit.
std::optional<std::string> hex_decode(std::string_view text);

// Appends `bytes` to `out` in standard base64 ('+', '/', '=' padding).
void append_base64(std::string& out, std::string_view bytes);

// Decodes base64 of the standard ('+', '/') or URL-safe ('-', '_')
// alphabet, with or without '=' padding at the end; nullopt when another
// character appears, or anything follows the padding.
std::optional<std::string> base64_decode(std::string_view text);

// Percent-decodes `text` (RFC 3986: "%XX" with two hex digits of either
// case is the byte XX; every other byte stands for itself). Strict: nullopt
// when a '%' is not followed by two hex digits, so that a malformed value is
// reported rather than guessed at.
std::optional<std::string> percent_decode(std::string_view text);

// A `key=value,key2=value2` list, as in OTEL_RESOURCE_ATTRIBUTES and
// OTEL_EXPORTER_OTLP_HEADERS (the W3C Baggage form without properties).
struct KeyValueList {
  std::vector<std::pair<std::string, std::string>> entries;  // in order
  std::vector<std::string> rejected;  // malformed entries, trimmed, as written
};

// Splits `text` at ','; whitespace around entries, keys and values is
// ignored and empty entries are skipped; a value is percent-decoded (see
// percent_decode), a key taken as written. An entry with no '=', an empty
// key or a malformed escape goes to `rejected`.
KeyValueList parse_key_value_list(std::string_view text);

// A comma list of names, as in OTEL_PROPAGATORS and OTEL_TRACES_EXPORTER:
// each entry trimmed and lowercased (OpenTelemetry's names are
// case-insensitive), empty entries skipped, a repeated name kept once, in
// the order of first appearance.
std::vector<std::string> parse_name_list(std::string_view text);

// `text` made safe and short for a log line: printable ASCII is kept, other
// bytes become \xNN, and past `limit` bytes the rest is cut and counted.
std::string printable(std::string_view text, std::size_t limit = 128);

// The whole of `text` as a decimal number of type T, without sign, spaces or
// locale (std::from_chars); nullopt when malformed or out of T's range.
template <class T>
std::optional<T> parse_unsigned(std::string_view text) noexcept {
  static_assert(std::is_unsigned_v<T>);
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  T value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// The whole of `text` as a finite decimal number ("0.25", "1", "2.5e-1"),
// whatever the C or C++ locale says about the decimal separator
// (std::from_chars); nullopt when malformed, infinite or NaN.
std::optional<double> parse_decimal(std::string_view text) noexcept;

}  // namespace weft::sdk
