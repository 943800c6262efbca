// The SDK-wide logger's threshold, as tests reach it: the SDK reads
// OTEL_LOG_LEVEL once, from the process environment, on first use (see
// logger.h); tests set it again from a fake environment. And the route of
// the API's diagnostics into that logger. Internal to the SDK. Thread-safe.
#pragma once

#include "weft/sdk/environment.h"

namespace weft::sdk {

// Sets the SDK-wide threshold from OTEL_LOG_LEVEL in `environment`
// (unset: `warn`); a value that is not a level is reported once, naming it,
// and `warn` is used.
void read_log_level(const Environment& environment) noexcept;

// Sends the API's diagnostics (weft/diagnostics.h: a Scope closed out of
// order, baggage over its limits) to the SDK-wide logger as warnings. Called
// when a provider is made and when the logger is set.
void route_api_diagnostics() noexcept;

}  // namespace weft::sdk
