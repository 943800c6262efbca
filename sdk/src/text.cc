#include "text.h"

#include <algorithm>
#include <cmath>

#include "weft/trace_state.h"

namespace weft::sdk {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kBase64Digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The value (0..63) of a base64 digit of either alphabet, or -1.
constexpr int base64_digit(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string_view trim(std::string_view text) noexcept {
  return detail::trim_optional_whitespace(text);
}

std::string to_lower_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

bool is_hex(std::string_view text) noexcept {
  for (char c : text) {
    if (hex_digit_value(c) < 0) return false;
  }
  return true;
}

void append_hex(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + 2 * bytes.size());
  for (char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    out.push_back(kLowerHex[value >> 4]);
    out.push_back(kLowerHex[value & 0xf]);
  }
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_digit_value(text[i]);
    const int low = hex_digit_value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

void append_base64(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned group = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) {
      out.push_back(kBase64Digits[(group >> shift) & 0x3f]);
    }
  }
  const std::size_t left = bytes.size() - i;
  if (left == 0) return;
  unsigned group = static_cast<unsigned char>(bytes[i]) << 16;
  if (left == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
  out.push_back(kBase64Digits[(group >> 18) & 0x3f]);
  out.push_back(kBase64Digits[(group >> 12) & 0x3f]);
  out.push_back(left == 2 ? kBase64Digits[(group >> 6) & 0x3f] : '=');
  out.push_back('=');
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string decoded;
  decoded.reserve(text.size() * 3 / 4);
  unsigned bits = 0;
  int bit_count = 0;
  for (char c : text) {
    const int digit = base64_digit(c);
    if (digit < 0) return std::nullopt;
    bits = (bits << 6 | static_cast<unsigned>(digit)) & 0xffffff;
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      decoded.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  return decoded;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  if (!weft::detail::append_percent_decoded(out, text)) return std::nullopt;
  return out;
}

KeyValueList parse_key_value_list(std::string_view text) {
  KeyValueList list;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view entry = trim(text.substr(0, comma));
    text.remove_prefix(comma == std::string_view::npos ? text.size()
                                                       : comma + 1);
    if (entry.empty()) continue;
    const std::size_t equals = entry.find('=');
    const std::string_view key = trim(entry.substr(0, equals));
    std::optional<std::string> value;
    if (equals != std::string_view::npos && !key.empty()) {
      value = percent_decode(trim(entry.substr(equals + 1)));
    }
    if (value) {
      list.entries.emplace_back(std::string(key), std::move(*value));
    } else {
      list.rejected.emplace_back(entry);
    }
  }
  return list;
}

std::vector<std::string> parse_name_list(std::string_view text) {
  std::vector<std::string> names;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string name = to_lower_ascii(trim(text.substr(0, comma)));
    text.remove_prefix(comma == std::string_view::npos ? text.size()
                                                       : comma + 1);
    if (!name.empty() &&
        std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

std::string printable(std::string_view text, std::size_t limit) {
  std::string out;
  const std::size_t kept = text.size() <= limit ? text.size() : limit;
  for (std::size_t i = 0; i < kept; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c <= 0x7e && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else if (c == '\\') {
      out.append("\\\\");
    } else {
      out.append("\\x");
      out.push_back(kLowerHex[c >> 4]);
      out.push_back(kLowerHex[c & 0xf]);
    }
  }
  if (kept < text.size()) {
    out.append("... (").append(std::to_string(text.size())).append(" bytes)");
  }
  return out;
}

std::optional<double> parse_decimal(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value,
                      std::chars_format::general);
  if (error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace weft::sdk
