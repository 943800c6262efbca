// For the fuzz targets that combine several headers of one name: the input
// split at '\n' into header values, as a carrier holding them would.
// One thread (each fuzz target's own).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::fuzzing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HeaderLines {
  std::string joined;     // the values joined with ',' (one list)
  std::size_t total = 0;  // the values' bytes, plus one per value
};

// Appends one header per line of `input` to `headers`, named alternately
// `name` and `other_spelling` (carriers match names case-insensitively), and
// returns the lines joined and measured.
inline HeaderLines append_header_lines(Headers& headers, std::string_view input,
                                       std::string_view name,
                                       std::string_view other_spelling) {
  HeaderLines lines;
  std::string_view rest = input;
  for (bool first = true;; first = false) {
    const std::size_t newline = rest.find('\n');
    const std::string_view value = rest.substr(0, newline);
    headers.emplace_back(headers.size() % 2 ? name : other_spelling,
                         std::string(value));
    if (!first) lines.joined += ',';
    lines.joined.append(value);
    lines.total += value.size() + 1;
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return lines;
}

}  // namespace weft::fuzzing
