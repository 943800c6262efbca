// The SDK-wide logger's threshold, as tests reach it: the SDK reads
// OTEL_LOG_LEVEL once, from the process environment, on first use (see
// logger.h); tests set it again from a fake environment. Internal to the
// SDK. Thread-safe.
#pragma once

#include "weft/sdk/environment.h"

namespace weft::sdk {

// Sets the SDK-wide threshold from OTEL_LOG_LEVEL in `environment`
// (unset: `warn`); a value that is not a level is reported once, naming it,
// and `warn` is used.
void read_log_level(const Environment& environment) noexcept;

}  // namespace weft::sdk
