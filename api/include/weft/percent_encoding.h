// Hex digits and percent-decoding: the one implementation that the API's
// propagators (W3C Baggage values) and the SDK's configuration parsing
// (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS) share. Internal
// helpers of weft (namespace weft::detail); pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace weft::detail {

// The value (0..15) of a hex digit in either case, or -1.
constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `text` to `out` with every "%XY" (two hex digits, either case)
// replaced by its byte. False, with `out` holding part of the result, when a
// '%' is not followed by two hex digits. The bytes are not checked for UTF-8.
inline bool append_percent_decoded(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (text.size() - i < 3) return false;
    const int high = hex_digit_value(text[i + 1]);
    const int low = hex_digit_value(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out.push_back(static_cast<char>(high << 4 | low));
    i += 2;
  }
  return true;
}

}  // namespace weft::detail
