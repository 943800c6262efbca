#include "terminal_text.h"

#include <catch2/catch.hpp>
#include <string>

namespace weft::testing {
namespace {

// No C0 control, no DEL, no C1 control (U+0080..U+009F as UTF-8).
bool has_no_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) return false;
    if (byte == 0xc2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE(
    "terminal_text shows control characters and invalid UTF-8 as escapes and "
    "keeps printable UTF-8",
    "[view][terminal_text]") {
  const auto [line, text, expected] =
      GENERATE(table<int, std::string, std::string>({
          {__LINE__, "", ""},
          {__LINE__, "process-batch", "process-batch"},
          {__LINE__, "C:\\dir\\x1b", "C:\\dir\\x1b"},  // backslashes as is
          {__LINE__, "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5 \xf0\x9f\x98\x80",
           "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5 \xf0\x9f\x98\x80"},
          // Terminal escape sequences: colours, clear screen, window title.
          {__LINE__, "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
          {__LINE__, "\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"},
          {__LINE__, "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},
          {__LINE__, "a\nb\tc\rd", "a\\nb\\tc\\rd"},
          {__LINE__, std::string("nul\0x", 5), "nul\\x00x"},
          {__LINE__, "del\x7f", "del\\x7f"},
          // C1 controls: CSI (U+009B) is ESC [ on some terminals.
          {__LINE__,
           "\xc2\x9b"
           "31m",
           "\\u009b31m"},
          {__LINE__, "\xc2\x85", "\\u0085"},
          {__LINE__, "\xc2\xa0", "\xc2\xa0"},  // U+00A0 is printable
          // Bidirectional overrides and isolates, line separators.
          {__LINE__,
           "\xe2\x80\xae"
           "evil",
           "\\u202eevil"},
          {__LINE__, "\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069"},
          {__LINE__, "\xe2\x80\xa8", "\\u2028"},
          // Invalid UTF-8: each bad byte on its own.
          {__LINE__, "\xff\xfe", "\\xff\\xfe"},
          {__LINE__, "\x80", "\\x80"},
          {__LINE__, "ab\xe2\x82", "ab\\xe2\\x82"},                // truncated
          {__LINE__, "\xe2\x82z", "\\xe2\\x82z"},                  // cut short
          {__LINE__, "\xc0\xaf", "\\xc0\\xaf"},                    // overlong
          {__LINE__, "\xe0\x80\xaf", "\\xe0\\x80\\xaf"},           // overlong
          {__LINE__, "\xed\xa0\x80", "\\xed\\xa0\\x80"},           // surrogate
          {__LINE__, "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},  // > U+10FFFF
          {__LINE__, "\xf0\x9f\x98", "\\xf0\\x9f\\x98"},
      }));
  CAPTURE(line, text);
  const std::string shown = tools::view::terminal_text(text);
  CHECK(shown == expected);
  CHECK(has_no_control(shown));
  CHECK(tools::view::terminal_text(shown) == shown);  // escaping is stable
}

}  // namespace weft::testing
