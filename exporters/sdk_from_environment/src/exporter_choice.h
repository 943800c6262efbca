// Exporter choice: which exporters OTEL_TRACES_EXPORTER (or the code value)
// names, and which protocol OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL gives the
// OTLP one. The rules are written at the top of
// weft/exporters/sdk_from_environment.h.
//
// Internal to weft::sdk_from_environment (and its tests). Stateless
// functions, thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/exporters/otlp_exporter.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/expected.h"

namespace weft::exporters {

inline constexpr std::string_view kTracesExporterVariable =
    "OTEL_TRACES_EXPORTER";
// The valid names, in the order the documentation lists them.
inline constexpr std::string_view kTracesExporterNames[] = {"otlp", "console",
                                                            "none"};

// The exporters a code value names ("otlp", "console", ...; empty for
// none); empty text means the default, otlp. An unknown name, or `none`
// beside others, is an error: code is checked strictly.
sdk::Expected<std::vector<std::string>> parse_traces_exporter_option(
    std::string_view text);

// The exporters OTEL_TRACES_EXPORTER names, or `code_choice` when it is
// unset or blank; problems are reported in one warning and skipped (see the
// header).
std::vector<std::string> choose_traces_exporters(
    const sdk::Environment& environment,
    const std::shared_ptr<sdk::Logger>& logger,
    const std::vector<std::string>& code_choice);

// The protocol OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else
// OTEL_EXPORTER_OTLP_PROTOCOL, names (otlp::read_protocol: a bad value is
// reported naming the variable and the value), else `code_choice`, else
// grpc, weft's default.
OtlpProtocol choose_otlp_protocol(const sdk::Environment& environment,
                                  const std::shared_ptr<sdk::Logger>& logger,
                                  std::optional<OtlpProtocol> code_choice);

}  // namespace weft::exporters
