#include "terminal_text.h"

#include <cstdint>
#include <string_view>

#include "text.h"

namespace weft::tools::view {
namespace {

void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  const char bytes[] = {static_cast<char>(byte)};
  sdk::append_hex(out, std::string_view(bytes, 1));
}

void append_code_point_escape(std::string& out, std::uint32_t code_point) {
  out += "\\u";
  const char bytes[] = {static_cast<char>((code_point >> 8) & 0xff),
                        static_cast<char>(code_point & 0xff)};
  sdk::append_hex(out, std::string_view(bytes, 2));
}

// Format characters that change how a line is drawn: C1 controls, the
// Arabic letter mark, the bidirectional marks, embeddings, overrides and
// isolates (text shown in another order than it is stored), and the line
// and paragraph separators.
bool is_format_control(std::uint32_t code_point) {
  return (code_point >= 0x80 && code_point <= 0x9f) || code_point == 0x61c ||
         code_point == 0x200e || code_point == 0x200f ||
         (code_point >= 0x2028 && code_point <= 0x202e) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

// The length of the valid UTF-8 sequence of two to four bytes at the start
// of `text`, and its code point; 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::uint32_t& code_point) {
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  std::uint32_t minimum = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    minimum = 0x80;
    code_point = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    minimum = 0x800;
    code_point = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    minimum = 0x10000;
    code_point = lead & 0x07;
  } else {
    return 0;  // ASCII is not asked for; 0x80..0xc1 and 0xf5.. never lead
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff) return 0;  // overlong
  if (code_point >= 0xd800 && code_point <= 0xdfff) return 0;   // surrogate
  return length;
}

}  // namespace

std::string terminal_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
      ++at;
      continue;
    }
    if (byte < 0x80) {  // C0 controls and DEL
      switch (byte) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          append_byte_escape(out, byte);
      }
      ++at;
      continue;
    }
    std::uint32_t code_point = 0;
    const std::size_t length = utf8_sequence(text.substr(at), code_point);
    if (length == 0) {
      append_byte_escape(out, byte);
      ++at;
    } else if (is_format_control(code_point)) {
      append_code_point_escape(out, code_point);
      at += length;
    } else {
      out.append(text.substr(at, length));
      at += length;
    }
  }
  return out;
}

}  // namespace weft::tools::view
