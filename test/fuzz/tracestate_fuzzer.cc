// libFuzzer target: tracestate parsing (weft/trace_state.h) and the combining
// of several tracestate headers by the W3C propagator (weft/propagation.h).
//
// The input is split at '\n' into header values. Properties checked for every
// input:
//   - a parsed state has 1-32 members with valid, unique keys and valid values,
//     and its canonical header parses to itself;
//   - set() of a new member keeps the state valid and puts it first;
//   - a repeated key keeps its first member: a valid input followed by ','
//     and itself again parses to the same state;
//   - several headers combine to the parse of their ','-joined text (when
//     within the propagator's input bound), and a single header to its parse.
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
#include "weft/propagation.h"
#include "weft/trace_state.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_state(const weft::TraceState& state) {
  if (state.empty()) {
    check(state.header().empty());
    return;
  }
  std::set<std::string_view> keys;
  std::size_t count = 0;
  state.for_each([&](std::string_view key, std::string_view value) {
    check(weft::TraceState::is_valid_key(key));
    check(weft::TraceState::is_valid_value(value));
    check(keys.insert(key).second);
    ++count;
  });
  check(count >= 1 && count <= weft::TraceState::kMaxMembers);
  check(count == state.size());
  check(weft::TraceState::parse(state.header()) == state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const weft::TraceState whole = weft::TraceState::parse(input);
  check_state(whole);
  if (!whole.empty()) {
    const weft::TraceState updated = whole.set("weft", "fuzz");
    check_state(updated);
    const std::string_view header = updated.header();
    check(header.substr(0, 9) == "weft=fuzz" &&
          (header.size() == 9 || header[9] == ','));
    check(updated.get("weft") == std::optional<std::string_view>("fuzz"));
    std::string twice(input);
    twice.append(1, ',').append(input);
    check(weft::TraceState::parse(twice) == whole);
  }

  // Several headers: one per line.
  weft::fuzzing::Headers headers = {
      {"traceparent",
       "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}};
  const auto [joined, total] = weft::fuzzing::append_header_lines(
      headers, input, "tracestate", "TraceState");
  const weft::Context context = weft::TraceContextPropagator().extract(headers);
  check(context.span_context().is_valid());
  const weft::TraceState& combined = context.span_context().trace_state();
  check_state(combined);
  if (total <= weft::TraceContextPropagator::kMaxTraceStateInput) {
    check(combined == weft::TraceState::parse(joined));
  } else {
    check(combined.empty());
  }
  return 0;
}
