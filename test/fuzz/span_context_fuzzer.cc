// libFuzzer target: the storable forms of a SpanContext (weft/traceparent.h),
// compact string and JSON, which applications read back from queues and
// message bodies. Checks that whatever parses is valid and round-trips
// through its own format.
// Run by test/fuzz/run; see that script for the time budget.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "weft/traceparent.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_round_trip(const weft::SpanContext& context) {
  check(context.is_valid());
  check(context.is_remote());
  check((context.flags().bits() & ~weft::kKnownTraceFlags) == 0);
  const auto compact =
      weft::parse_span_context(weft::format_span_context(context));
  check(compact && *compact == context);
  const auto json =
      weft::parse_span_context_json(weft::format_span_context_json(context));
  check(json && *json == context);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto compact = weft::parse_span_context(input)) {
    check_round_trip(*compact);
  }
  if (const auto json = weft::parse_span_context_json(input)) {
    check_round_trip(*json);
  }
  return 0;
}
