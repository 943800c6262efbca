// OtlpGrpcConfig: the OTLP/gRPC exporter's settings after the environment
// applied and everything was validated; only finalize_otlp_grpc_config()
// makes one, so an exporter never runs with an invalid setting. The settings
// every transport shares come from otlp_common (otlp_config.h); the gRPC
// target, INSECURE and the request slots are added here.
//
// Used by the OTLP/gRPC exporter (and its tests). Thread-compatible value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp_config.h"
#include "weft/exporters/otlp_grpc_exporter.h"
#include "weft/sdk/expected.h"

namespace weft::otlp {

struct OtlpGrpcConfig : OtlpCommonConfig {
  std::string target;  // gRPC target, host:port
  bool use_tls = false;
  std::uint32_t max_concurrent_exports = 2;  // at least 1
  std::size_t max_queued_bytes = 0;
};

// Environment (traces-specific, then general) over `options` over defaults.
sdk::Expected<OtlpGrpcConfig> finalize_otlp_grpc_config(
    const exporters::OtlpGrpcExporterOptions& options);

// Parses OTEL_EXPORTER_OTLP_HEADERS for gRPC: parse_headers() of
// otlp_config.h keeping only the entries valid as gRPC metadata.
std::vector<std::pair<std::string, std::string>> parse_headers(
    std::string_view text, std::vector<std::string>& rejected);

// The gRPC target and TLS choice for `endpoint`; false (with `problem`) when
// the endpoint cannot be used.
bool parse_endpoint(std::string_view endpoint, bool insecure,
                    std::string& target, bool& use_tls, std::string& problem);

}  // namespace weft::otlp
