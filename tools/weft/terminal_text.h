// Text taken from untrusted input (span names, attribute keys and values,
// service names, status messages, pieces of bad input in error messages)
// made safe to print on a terminal: `weft view` passes every such text
// through terminal_text() before it is printed, so that a span named
// "\x1b]0;pwned\x07" shows as that text instead of retitling the terminal.
// Stateless, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace weft::tools::view {

// `text` with what a terminal would act on replaced by visible escapes:
// C0 controls as \n, \r, \t or \xNN (\x1b for ESC), DEL as \x7f, C1
// controls (U+0080..U+009F, which some terminals read as ESC sequences) and
// the bidirectional and line-separator format characters (which reorder or
// break what is shown) as \uNNNN, and each byte that is not part of valid
// UTF-8 (bad lead, truncated, overlong, surrogate, past U+10FFFF) as \xNN.
// Printable ASCII and valid UTF-8 otherwise stay as they are, backslashes
// included; the result is valid UTF-8 without control characters.
std::string terminal_text(std::string_view text);

}  // namespace weft::tools::view
