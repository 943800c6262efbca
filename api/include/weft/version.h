// weft's version, reported as the telemetry.sdk.version resource attribute.
#pragma once

#include <string_view>

namespace weft {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace weft
