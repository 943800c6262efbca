// OtlpHttpConfig: the OTLP/HTTP exporter's settings after the environment
// applied and everything was validated; only finalize_otlp_http_config()
// makes one, so an exporter never runs with an invalid setting. The shared
// OTEL_EXPORTER_OTLP_* settings come from otlp_common; this adds the URL
// (the specification's endpoint rules) and the encoding.
//
// Used by the OTLP/HTTP exporter (and its tests). Thread-compatible value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "otlp_config.h"
#include "weft/exporters/otlp_http_exporter.h"
#include "weft/sdk/expected.h"

namespace weft::otlp {

struct OtlpHttpConfig {
  OtlpCommonConfig common;
  std::string url;  // where requests are POSTed
  bool use_tls = false;
  exporters::OtlpProtocol protocol = exporters::OtlpProtocol::kHttpProtobuf;
};

// Where an endpoint comes from, which decides what its path means.
enum class EndpointSource {
  kGeneral,  // OTEL_EXPORTER_OTLP_ENDPOINT: /v1/traces is always appended
  kTraces,   // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the URL as it is
  kCode,     // options.endpoint: /v1/traces appended when it has no path
};

// The URL requests go to for `endpoint` (http:// or https://, a host, an
// optional port of 1-65535, an optional path), or nullopt with `problem`
// saying what is wrong. `use_tls` tells https.
std::optional<std::string> traces_url(std::string_view endpoint,
                                      EndpointSource source, bool& use_tls,
                                      std::string& problem);

// Environment (traces-specific, then general) over `options` over defaults.
sdk::Expected<OtlpHttpConfig> finalize_otlp_http_config(
    const exporters::OtlpHttpExporterOptions& options);

}  // namespace weft::otlp
