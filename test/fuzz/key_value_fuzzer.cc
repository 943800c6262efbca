// libFuzzer target: the text parsers of configuration (sdk/src/text.h) and
// the header rules of the OTLP transports (sdk/src/header_rules.h), i.e.
// what OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS go through.
//
// Properties checked for every input:
//   - parse_key_value_list keeps entries with a non-empty key, trimmed, and
//     every non-blank entry is either kept or rejected;
//   - checked_headers keeps only entries the transport accepts, keys
//     lowercased, and accounts for every entry;
//   - percent-encoding any bytes and decoding gives them back;
//   - parse_unsigned and parse_decimal never read past the text, and a
//     number they accept prints back to the same value;
//   - printable output is printable ASCII and bounded.
// Run by test/fuzz/run; see that script for the time budget.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "header_rules.h"
#include "text.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

std::string percent_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

void check_headers(weft::sdk::HeaderTransport transport,
                   const weft::sdk::Headers& entries) {
  std::vector<std::string> rejected;
  const weft::sdk::Headers kept =
      weft::sdk::checked_headers(transport, entries, rejected);
  check(kept.size() + rejected.size() == entries.size());
  for (const auto& [key, value] : kept) {
    check(!weft::sdk::header_problem(transport, key, value));
    check(weft::sdk::to_lower_ascii(key) == key);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const weft::sdk::KeyValueList list = weft::sdk::parse_key_value_list(text);
  std::size_t non_blank = 0;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (!weft::sdk::trim(text.substr(start, comma - start)).empty()) {
      ++non_blank;
    }
    start = comma + 1;
  }
  check(list.entries.size() + list.rejected.size() == non_blank);
  for (const auto& [key, value] : list.entries) {
    check(!key.empty());
    check(weft::sdk::trim(key) == key);
  }
  check_headers(weft::sdk::HeaderTransport::kGrpc, list.entries);
  check_headers(weft::sdk::HeaderTransport::kHttp, list.entries);

  check(weft::sdk::percent_decode(percent_encode(text)) == std::string(text));
  if (const auto decoded = weft::sdk::percent_decode(text)) {
    check(decoded->size() <= text.size());
  }

  if (const auto number = weft::sdk::parse_unsigned<std::uint64_t>(text)) {
    const std::string printed = std::to_string(*number);
    check(weft::sdk::parse_unsigned<std::uint64_t>(printed) == number);
  }
  if (const auto number = weft::sdk::parse_decimal(text)) {
    check(weft::sdk::parse_decimal(std::to_string(*number)).has_value());
  }

  const std::string shown = weft::sdk::printable(text, 64);
  for (char c : shown) check(c >= 0x20 && c <= 0x7e);
  check(shown.size() <= 4 * 64 + 32);

  if (const auto bytes = weft::sdk::base64_decode(text)) {
    check(bytes->size() <= text.size());
  }
  return 0;
}
