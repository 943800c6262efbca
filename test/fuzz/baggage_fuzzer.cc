// libFuzzer target: W3C Baggage parsing (weft/baggage.h) and the combining
// of several `baggage` headers by BaggagePropagator.
//
// The input is split at '\n' into header values. Properties checked for every
// input:
//   - a parsed Baggage has at most 64 entries with unique token names, and its
//     header is at most 8192 bytes and parses back to the same Baggage;
//   - set() of a new entry keeps the others and get() finds it;
//   - several headers extract to the parse of their ','-joined text (when
//     within the input bound), and the drop counter never goes down.
// Run by test/fuzz/run; see that script for the time budget.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "header_lines.h"
#include "weft/baggage.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_baggage(const weft::Baggage& baggage) {
  check(baggage.size() <= weft::Baggage::kMaxMembers);
  check(baggage.empty() == (baggage.size() == 0));
  std::set<std::string_view> keys;
  for (const weft::BaggageEntry& entry : baggage.entries()) {
    check(weft::detail::is_token(entry.key));
    check(keys.insert(entry.key).second);
    check(baggage.find(entry.key) == &entry);
  }
  const std::string header = baggage.to_header();
  check(header.size() <= weft::Baggage::kMaxBytes);
  check(header.empty() == baggage.empty());
  check(weft::Baggage::parse(header) == baggage);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  // Quiet: the first drop would be reported on stderr.
  weft::set_diagnostic_handler([](std::string_view) noexcept {});
  const std::uint64_t dropped_before = weft::baggage::dropped_members();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const weft::Baggage whole = weft::Baggage::parse(input);
  check_baggage(whole);
  const weft::Baggage updated = whole.remove("weft").set("weft", "fu zz", "p");
  check(updated.size() == whole.remove("weft").size() + 1);
  check(updated.get("weft") == std::optional<std::string_view>("fu zz"));
  check(updated.entries().back().key == "weft");

  // Several headers: one per line.
  weft::fuzzing::Headers headers;
  const auto [joined, total] =
      weft::fuzzing::append_header_lines(headers, input, "baggage", "Baggage");
  const weft::Context context = weft::BaggagePropagator().extract(headers);
  const weft::Baggage& combined = weft::baggage::from(context);
  check_baggage(combined);
  if (total <= weft::Baggage::kMaxInputSize) {
    check(combined == weft::Baggage::parse(joined));
  }
  check(weft::baggage::dropped_members() >= dropped_before);
  return 0;
}
