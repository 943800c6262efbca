// The set-up every sample shares: the SDK built from the environment
// (weft/exporters/sdk_from_environment.h) that prints spans to the console,
// or exports them over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set or
// `--otlp ENDPOINT` is given (OTEL_TRACES_EXPORTER and
// OTEL_EXPORTER_OTLP_PROTOCOL choose otherwise when set), and that is
// flushed and shut down before the sample exits. The global propagator
// (inject_context, extract_context) is the one OTEL_PROPAGATORS names (W3C
// Trace Context and Baggage by default).
//
// A sample's main() declares its own options on a tools::CommandLine, then
// hands it, argv and its pattern to run_sample(), which adds --otlp, parses
// the command line and returns the exit code: 0 only when every span was
// exported, 1 when some were not, 2 for a bad command line. One thread: call
// it from main().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "command_line.h"
#include "weft/sdk/span_limits.h"
#include "weft/tracer.h"

namespace weft::samples {

struct SampleInfo {
  std::string_view program;       // the folder and executable name
  std::string_view service_name;  // service.name (OTEL_SERVICE_NAME wins)
  std::string_view summary;       // one line for --help
  std::string_view options_help;  // the sample's own flags, for --help
};

// What a sample's pattern runs with: a tracer named after the service and
// the span limits in force (after OTEL_* variables applied).
using SampleBody =
    std::function<bool(weft::Tracer& tracer, const sdk::SpanLimits& limits)>;

// The flags every sample understands.
struct CommonFlags {
  // The --otlp value, else OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT; empty: print
  // to the console (unless OTEL_TRACES_EXPORTER says otherwise).
  std::string otlp_endpoint;
  std::string otlp_flag;  // the --otlp value alone (empty when not given)
};

// Adds --otlp to the sample's options in `command_line` and parses argv.
// Returns false when the program should exit now with `exit_code` (after
// --help: 0; after a bad command line, reported on stderr: 2).
bool parse_common_flags(const SampleInfo& info,
                        tools::CommandLine& command_line, int argc, char** argv,
                        CommonFlags& flags, int& exit_code);

// Builds the provider, runs `body` (false from it means the pattern failed:
// exit 1), then flushes and shuts down; 0 only when every span was exported.
int run_sample(const SampleInfo& info, const CommonFlags& flags,
               const SampleBody& body);

// parse_common_flags() then run_sample(): the usual main().
int run_sample(const SampleInfo& info, tools::CommandLine& command_line,
               int argc, char** argv, const SampleBody& body);

// Where run_sample() would export to: the --otlp value, else
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT, else
// empty (console). Exposed for the tests.
std::string otlp_endpoint(const std::string& flag_value);

}  // namespace weft::samples
