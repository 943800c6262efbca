// The OTEL_EXPORTER_OTLP_(TRACES_)* settings every OTLP transport shares:
// certificates, headers, timeout, compression, protocol and the endpoint's
// text, over the code's OtlpExporterOptions, over the defaults. Each
// transport then adds its own (the gRPC target and INSECURE, the HTTP URL)
// in its finalize function; only those make a transport's configuration, so
// an exporter never runs with an invalid setting.
//
// Used by the OTLP/gRPC and OTLP/HTTP exporters (and their tests).
// Stateless functions; OtlpCommonConfig is a thread-compatible value.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "header_rules.h"
#include "weft/exporters/otlp_exporter.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/expected.h"

namespace weft::otlp {

// The variable an exporter reads for `suffix` ("ENDPOINT", "HEADERS", ...):
// OTEL_EXPORTER_OTLP_TRACES_<suffix> when it is set, else
// OTEL_EXPORTER_OTLP_<suffix>.
std::string setting_name(const sdk::EnvironmentReader& reader,
                         std::string_view suffix);

// One variable that is set: its name and its value (trimmed).
struct Setting {
  std::string name;
  std::string value;
};

// The value of the variable setting_name() picks, or nullopt when unset.
std::optional<Setting> read_setting(const sdk::EnvironmentReader& reader,
                                    std::string_view suffix);

// The environment `options` name (the process environment when null).
const sdk::Environment& environment_of(
    const exporters::OtlpExporterOptions& options) noexcept;

// Parses OTEL_EXPORTER_OTLP_HEADERS text: `key=value,key2=value2` (see
// sdk::parse_key_value_list: values percent-decoded), keys lowercased, and
// only the entries `transport` can carry kept (sdk::header_problem); each
// dropped entry is described in `rejected`.
sdk::Headers parse_headers(std::string_view text,
                           sdk::HeaderTransport transport,
                           std::vector<std::string>& rejected);

// OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: `grpc`, `http/protobuf` or
// `http/json`; nullopt when unset or invalid (reported, naming the variable
// and the value).
std::optional<exporters::OtlpProtocol> read_protocol(
    const sdk::EnvironmentReader& reader);

// "grpc", "http/protobuf", "http/json".
std::string_view protocol_name(exporters::OtlpProtocol protocol) noexcept;

// The shared settings after the environment applied, validated.
struct OtlpCommonConfig {
  // OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT when set: the transport validates
  // it (reporting a bad value naming the variable, then using the code's
  // endpoint or its default) and decides what the signal-specific variable
  // means (HTTP uses it as it is, and appends /v1/traces to the general one).
  std::optional<Setting> endpoint_variable;
  bool endpoint_variable_is_traces = false;  // ..._TRACES_ENDPOINT
  std::string root_certificates_pem;         // empty: system roots
  std::string client_certificate_pem;        // with its key, or neither
  std::string client_key_pem;
  sdk::Headers headers;  // lowercased keys, all carried by the transport
  std::chrono::milliseconds timeout{10000};
  exporters::OtlpCompression compression = exporters::OtlpCompression::kNone;
  std::chrono::milliseconds retry_initial_backoff{1000};
  std::chrono::milliseconds retry_max_backoff{5000};
  std::size_t max_request_bytes = 4 << 20;
};

// The least max_request_bytes accepted: room for a request of one small
// span, so that a typo does not drop every span.
inline constexpr std::size_t kMinRequestBytes = 1024;

// Environment (traces-specific, then general) over `options` over defaults,
// for the fields of OtlpExporterOptions. Headers that `transport` cannot
// carry are dropped with one warning per source (`options_name`, e.g.
// "OtlpGrpcExporterOptions", names the code's). An Error when the exporter
// cannot work: an unreadable certificate file, a client certificate without
// its key, a non-positive timeout, inconsistent backoffs, a
// max_request_bytes below kMinRequestBytes.
sdk::Expected<OtlpCommonConfig> finalize_otlp_common_config(
    const exporters::OtlpExporterOptions& options,
    const sdk::EnvironmentReader& reader, sdk::HeaderTransport transport,
    std::string_view options_name);

}  // namespace weft::otlp
