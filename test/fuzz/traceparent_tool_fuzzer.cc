// libFuzzer target: `weft traceparent` (tools/weft/traceparent.cc), the
// explanation it adds on top of the propagators' parsers.
//
// The input is split at its first two newlines into a traceparent, a
// tracestate and a baggage value (a NUL ends a value: they travel as
// command-line arguments). Besides "no crash, no sanitizer report", it checks
// that the tool never disagrees with the parsers:
//   - the exit status is 0 or 1 (never a usage error: the values follow `--`
//     and the option values are taken as they are);
//   - for a traceparent alone, without ':' and surrounding whitespace, exit
//     status 0 exactly when weft::parse_traceparent accepts it;
//   - when the tracestate is not blank and TraceState::parse rejects it (and
//     it is within the propagator's input bound), the status is 1.
// Run by test/fuzz/run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "subcommands.h"
#include "weft/propagation.h"
#include "weft/trace_state.h"
#include "weft/traceparent.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// `text` up to its first NUL, as a command-line argument holds it.
std::string argument(std::string_view text) {
  return std::string(text.substr(0, text.find('\0')));
}

int run(std::vector<std::string> arguments) {
  std::vector<char*> argv;
  for (std::string& value : arguments) argv.push_back(value.data());
  argv.push_back(nullptr);
  return weft::tools::run_traceparent(static_cast<int>(arguments.size()),
                                      argv.data());
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t,") == std::string_view::npos;
}

}  // namespace

// The tool's output goes to /dev/null: the C streams `stdout` and `stderr`
// are pointed there, while file descriptors 1 and 2 stay as they are, so
// libFuzzer (which took its own copy of `stderr` before this runs) and the
// sanitizers (which write to fd 2) still report.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::FILE* null = std::fopen("/dev/null", "w");
  if (null == nullptr) std::abort();
  stdout = null;
  stderr = null;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t first = input.find('\n');
  const std::string traceparent = argument(input.substr(0, first));
  if (first == std::string_view::npos) {
    const int status = run({"traceparent", "--", traceparent});
    check(status == 0 || status == 1);
    const std::string_view trimmed =
        weft::detail::trim_optional_whitespace(traceparent);
    if (traceparent.find(':') == std::string::npos && trimmed == traceparent) {
      check((status == 0) == weft::parse_traceparent(traceparent).has_value());
    }
    return 0;
  }
  const std::string_view rest = input.substr(first + 1);
  const std::size_t second = rest.find('\n');
  const std::string tracestate = argument(rest.substr(0, second));
  const std::string baggage = second == std::string_view::npos
                                  ? std::string()
                                  : argument(rest.substr(second + 1));
  const int status = run({"traceparent", "--tracestate=" + tracestate,
                          "--baggage=" + baggage, "--", traceparent});
  check(status == 0 || status == 1);
  if (tracestate.find(':') == std::string::npos && !is_blank(tracestate) &&
      tracestate.size() <= weft::TraceContextPropagator::kMaxTraceStateInput &&
      weft::TraceState::parse(tracestate).empty()) {
    check(status == 1);
  }
  return 0;
}
