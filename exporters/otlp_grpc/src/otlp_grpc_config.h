// OtlpGrpcConfig: the exporter's settings after the environment applied and
// everything was validated; only finalize_otlp_grpc_config() makes one, so an
// exporter never runs with an invalid setting.
//
// Used by the OTLP/gRPC exporter (and its tests). Thread-compatible value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/exporters/otlp_grpc_exporter.h"
#include "weft/sdk/expected.h"

namespace weft::otlp {

struct OtlpGrpcConfig {
  std::string target;  // gRPC target, host:port
  bool use_tls = false;
  std::string root_certificates_pem;  // empty: system roots
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};
  exporters::OtlpCompression compression = exporters::OtlpCompression::kNone;
  std::chrono::milliseconds retry_initial_backoff{1000};
  std::chrono::milliseconds retry_max_backoff{5000};
  std::uint32_t max_concurrent_exports = 2;  // at least 1
  std::size_t max_queued_bytes = 0;
};

// Environment (traces-specific, then general) over `options` over defaults.
sdk::Expected<OtlpGrpcConfig> finalize_otlp_grpc_config(
    const exporters::OtlpGrpcExporterOptions& options);

// Parses OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2` (see
// sdk::parse_key_value_list: values percent-decoded), keys lowercased, and
// only entries valid as gRPC metadata kept (sdk::header_problem); each
// dropped entry is described in `rejected`.
std::vector<std::pair<std::string, std::string>> parse_headers(
    std::string_view text, std::vector<std::string>& rejected);

// The gRPC target and TLS choice for `endpoint`; false (with `problem`) when
// the endpoint cannot be used.
bool parse_endpoint(std::string_view endpoint, bool insecure,
                    std::string& target, bool& use_tls, std::string& problem);

}  // namespace weft::otlp
