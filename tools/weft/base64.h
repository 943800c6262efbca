// Base64 digits, as the tools read ids that protobuf's JSON mapping writes
// in base64: otlp_json.cc (`weft collect`, turning them into OTLP's hex) and
// view_model.cc (`weft view`, which accepts both forms). Stateless,
// thread-safe.
#pragma once

namespace weft::tools {

// The value (0..63) of a base64 digit, of the standard alphabet ('+', '/')
// or the URL-safe one ('-', '_'); -1 for anything else, '=' padding
// included.
constexpr int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace weft::tools
