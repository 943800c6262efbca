// libFuzzer target: traceparent parsing (weft/traceparent.h) and extraction
// through the W3C propagator (weft/propagation.h).
//
// Besides "no crash, no sanitizer report", it checks properties that must
// hold for every input:
//   - a parsed traceparent is valid, remote, and keeps only known flags;
//   - formatting it and parsing again gives the same SpanContext;
//   - the propagator agrees with the parser (after optional whitespace);
//   - the compact and JSON forms of the result round-trip.
// Run by test/fuzz/run; see that script for the time budget.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "weft/propagation.h"
#include "weft/traceparent.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const auto parsed = weft::parse_traceparent(input);
  if (parsed) {
    check(parsed->is_valid());
    check(parsed->is_remote());
    check((parsed->flags().bits() & ~weft::kKnownTraceFlags) == 0);
    check(input.size() >= weft::kTraceparentSize);
    const std::string formatted = weft::format_traceparent(*parsed);
    check(formatted.size() == weft::kTraceparentSize);
    const auto again = weft::parse_traceparent(formatted);
    check(again && *again == *parsed);
    // A version 00 value is only accepted in its canonical form (modulo the
    // ignored flag bits).
    if (input[0] == '0' && input[1] == '0') {
      check(formatted.substr(0, 53) == input.substr(0, 53));
    }
    const auto compact =
        weft::parse_span_context(weft::format_span_context(*parsed));
    check(compact && *compact == *parsed);
    const auto json =
        weft::parse_span_context_json(weft::format_span_context_json(*parsed));
    check(json && *json == *parsed);
  }

  const std::map<std::string, std::string> carrier = {
      {"traceparent", std::string(input)}};
  const weft::Context context = weft::TraceContextPropagator().extract(carrier);
  const auto trimmed =
      weft::parse_traceparent(weft::detail::trim_optional_whitespace(input));
  check(context.span_context().is_valid() == trimmed.has_value());
  if (trimmed) check(context.span_context() == *trimmed);
  return 0;
}
