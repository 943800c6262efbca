// libFuzzer target: the B3 single-header parser and the B3 propagator
// (weft/b3.h).
//
// Besides "no crash, no sanitizer report", it checks properties that must
// hold for every input:
//   - a parsed value with ids is valid and remote; sampled exactly for the
//     accept and debug states; without ids only a lone state character;
//   - writing it and parsing again gives the same span context and state
//     (defer is written as not sampled);
//   - the propagator agrees with the parser (after optional whitespace), and
//     keeps the debug flag for the extracted trace;
//   - the same input as x-b3-traceid never yields a context it should not.
// Run by test/fuzz/run; see that script for the time budget.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "weft/b3.h"
#include "weft/propagation.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

using weft::detail::B3Sampling;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const auto parsed = weft::detail::parse_b3_single_header(input);
  if (parsed) {
    const weft::SpanContext& context = parsed->span_context;
    const bool sampled = parsed->sampling == B3Sampling::kAccept ||
                         parsed->sampling == B3Sampling::kDebug;
    if (!context.is_valid()) {
      check(input.size() == 1);
      check(parsed->sampling != B3Sampling::kDefer);
    } else {
      check(context.is_remote());
      check(context.is_sampled() == sampled);
      check(context.trace_state().empty());
      check(input.size() >= 16 + 1 + 16);
      char written[weft::detail::kB3SingleHeaderSize];
      weft::detail::write_b3_single_header(
          context, parsed->sampling == B3Sampling::kDebug, written);
      const auto again = weft::detail::parse_b3_single_header(
          std::string_view(written, sizeof written));
      check(again && again->span_context == context);
      check(again->sampling == (parsed->sampling == B3Sampling::kDefer
                                    ? B3Sampling::kDeny
                                    : parsed->sampling));
    }
  }

  const weft::B3Propagator propagator;
  const std::map<std::string, std::string> carrier = {
      {"b3", std::string(input)}};
  const weft::Context extracted = propagator.extract(carrier);
  const auto trimmed = weft::detail::parse_b3_single_header(
      weft::detail::trim_optional_whitespace(input));
  const bool has_ids = trimmed && trimmed->span_context.is_valid();
  check(extracted.span_context().is_valid() == has_ids);
  if (has_ids) {
    check(extracted.span_context() == trimmed->span_context);
    check(weft::B3Propagator::is_debug(extracted) ==
          (trimmed->sampling == B3Sampling::kDebug));
    std::map<std::string, std::string> written;
    propagator.inject(extracted, written);
    check(written.size() == 1);
    check(propagator.extract(written).span_context() ==
          extracted.span_context());
  }

  // The same bytes as a trace id of the multi-header form: valid only when
  // they are 16 or 32 lowercase hex digits (after optional whitespace).
  const std::map<std::string, std::string> multiple = {
      {"x-b3-traceid", std::string(input)},
      {"x-b3-spanid", "e457b5a2e4d86bd1"}};
  const std::string_view id = weft::detail::trim_optional_whitespace(input);
  const bool plausible = id.size() == 16 || id.size() == 32;
  if (propagator.extract(multiple).span_context().is_valid()) {
    check(plausible);
    for (char c : id) check(weft::detail::lower_hex_value(c) >= 0);
  }
  return 0;
}
