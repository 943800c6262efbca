// Propagators from the environment: the global propagator that
// OTEL_PROPAGATORS names, as OpenTelemetry SDKs build it.
//
// OTEL_PROPAGATORS is a comma list of names, run in the order given (inject
// writes every format; extract hands each one's context to the next, so a
// later one wins where both find a parent):
//   tracecontext  W3C Trace Context (traceparent, tracestate)
//   baggage       W3C Baggage (baggage)
//   b3            B3, single header (b3)
//   b3multi       B3, multiple headers (x-b3-*)
//   none          no propagation
// Unset or blank: the code value, else tracecontext,baggage. Names are
// case-insensitive and trimmed; a repeated name counts once. Unknown names
// are reported (one warning naming the variable, the value and the valid
// names) and skipped; when no known name is left, the code value, else the
// default, is used.
// `none` alone propagates nothing; beside other names it is reported and
// ignored.
//
// Call install_propagator_from_environment() once at start-up, where the
// tracer provider is installed and before threads propagate. Thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "weft/propagation.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/logger.h"

namespace weft::sdk {

struct PropagatorOptions {
  // The application's choice in code, used when OTEL_PROPAGATORS is unset;
  // null means the default, tracecontext,baggage.
  std::shared_ptr<const TextMapPropagator> propagator;
  // Where OTEL_PROPAGATORS is read; null means the process environment.
  const Environment* environment = nullptr;
  // Where problems are reported; null means the SDK-wide logger.
  std::shared_ptr<Logger> logger;
};

// The valid OTEL_PROPAGATORS names, in the order the README lists them.
inline constexpr std::string_view kPropagatorNames[] = {
    "tracecontext", "baggage", "b3", "b3multi", "none"};

// The propagator of one OTEL_PROPAGATORS name (lowercase); null when the
// name is unknown. `none` gives a propagator that does nothing.
std::shared_ptr<const TextMapPropagator> make_named_propagator(
    std::string_view name);

// The propagator OTEL_PROPAGATORS names (see above); never null.
std::shared_ptr<const TextMapPropagator> make_propagator_from_environment(
    const PropagatorOptions& options = {});

// Makes make_propagator_from_environment(options) weft's global propagator
// (weft::set_global_propagator), which inject_context and extract_context
// use.
void install_propagator_from_environment(const PropagatorOptions& options = {});

}  // namespace weft::sdk
