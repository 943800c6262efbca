#include "otlp_config.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "text.h"

namespace weft::otlp {
namespace {

using exporters::OtlpCompression;
using exporters::OtlpProtocol;
using sdk::Error;

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return contents.str();
}

std::string_view header_rule(sdk::HeaderTransport transport) noexcept {
  switch (transport) {
    case sdk::HeaderTransport::kGrpc:
      return "keys of [0-9a-z_.-] not starting with grpc-, values of "
             "printable ASCII (any bytes for a key ending in -bin; "
             "percent-encoded in the environment)";
    case sdk::HeaderTransport::kHttp:
      break;
  }
  return "keys that are HTTP tokens, values without control characters "
         "other than tab (percent-encoded in the environment)";
}

// Logs, once, the header entries that were dropped and where they came from.
void report_dropped_headers(const exporters::OtlpExporterOptions& options,
                            sdk::HeaderTransport transport,
                            std::string_view source,
                            const std::vector<std::string>& rejected) {
  if (rejected.empty()) return;
  std::string message = "ignoring ";
  message.append(source).append(rejected.size() == 1 ? " entry " : " entries ");
  constexpr std::size_t kNamed = 8;  // a bounded line, whatever the input
  for (std::size_t i = 0; i < rejected.size() && i < kNamed; ++i) {
    if (i > 0) message.append(", ");
    message.append(rejected[i]);
  }
  if (rejected.size() > kNamed) {
    message.append(" and ")
        .append(std::to_string(rejected.size() - kNamed))
        .append(" more");
  }
  message.append(": expected key=value pairs separated by ',', ")
      .append(header_rule(transport))
      .append("; the other headers are used");
  sdk::log(options.logger, sdk::LogLevel::kWarning, message);
}

// Loads one PEM file named by the environment or the code into `out`.
std::optional<Error> load_pem(const sdk::EnvironmentReader& reader,
                              std::string_view suffix,
                              const std::string& code_path, std::string& out,
                              std::string_view what) {
  std::string source = "the exporter options";
  std::string path = code_path;
  if (std::optional<Setting> setting = read_setting(reader, suffix)) {
    source = setting->name;
    path = setting->value;
  }
  if (path.empty()) return std::nullopt;
  std::optional<std::string> contents = read_file(path);
  if (!contents || contents->empty()) {
    return Error{Error::kExporterSetupFailed,
                 "OTLP exporter: cannot read the " + std::string(what) +
                     " file '" + path + "' (from " + source +
                     "): expected a readable PEM file"};
  }
  out = std::move(*contents);
  return std::nullopt;
}

}  // namespace

std::string setting_name(const sdk::EnvironmentReader& reader,
                         std::string_view suffix) {
  const std::string traces = "OTEL_EXPORTER_OTLP_TRACES_" + std::string(suffix);
  const std::string general = "OTEL_EXPORTER_OTLP_" + std::string(suffix);
  return std::string(reader.first_set({traces, general}).value_or(general));
}

std::optional<Setting> read_setting(const sdk::EnvironmentReader& reader,
                                    std::string_view suffix) {
  std::string name = setting_name(reader, suffix);
  std::optional<std::string> value = reader.text(name);
  if (!value) return std::nullopt;
  return Setting{std::move(name), std::move(*value)};
}

const sdk::Environment& environment_of(
    const exporters::OtlpExporterOptions& options) noexcept {
  return options.environment != nullptr ? *options.environment
                                        : sdk::Environment::process();
}

sdk::Headers parse_headers(std::string_view text,
                           sdk::HeaderTransport transport,
                           std::vector<std::string>& rejected) {
  sdk::KeyValueList list = sdk::parse_key_value_list(text);
  for (const std::string& entry : list.rejected) {
    rejected.push_back("'" + sdk::printable(entry) +
                       "' (no '=', an empty key or a malformed %-escape)");
  }
  return sdk::checked_headers(transport, list.entries, rejected);
}

std::optional<OtlpProtocol> read_protocol(
    const sdk::EnvironmentReader& reader) {
  const std::optional<std::string> value = reader.one_of(
      setting_name(reader, "PROTOCOL"), {"grpc", "http/protobuf", "http/json"});
  if (!value) return std::nullopt;
  if (*value == "grpc") return OtlpProtocol::kGrpc;
  if (*value == "http/json") return OtlpProtocol::kHttpJson;
  return OtlpProtocol::kHttpProtobuf;
}

std::string_view protocol_name(OtlpProtocol protocol) noexcept {
  switch (protocol) {
    case OtlpProtocol::kGrpc:
      return "grpc";
    case OtlpProtocol::kHttpProtobuf:
      return "http/protobuf";
    case OtlpProtocol::kHttpJson:
      return "http/json";
  }
  return "grpc";
}

sdk::Expected<OtlpCommonConfig> finalize_otlp_common_config(
    const exporters::OtlpExporterOptions& options,
    const sdk::EnvironmentReader& reader, sdk::HeaderTransport transport,
    std::string_view options_name) {
  OtlpCommonConfig config;
  config.endpoint_variable = read_setting(reader, "ENDPOINT");
  config.endpoint_variable_is_traces =
      config.endpoint_variable &&
      config.endpoint_variable->name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

  if (std::optional<Error> error =
          load_pem(reader, "CERTIFICATE", options.certificate_file,
                   config.root_certificates_pem, "CA certificate")) {
    return *error;
  }
  if (std::optional<Error> error = load_pem(
          reader, "CLIENT_CERTIFICATE", options.client_certificate_file,
          config.client_certificate_pem, "client certificate")) {
    return *error;
  }
  if (std::optional<Error> error =
          load_pem(reader, "CLIENT_KEY", options.client_key_file,
                   config.client_key_pem, "client key")) {
    return *error;
  }
  if (config.client_certificate_pem.empty() != config.client_key_pem.empty()) {
    return Error{Error::kInvalidOption,
                 "OTLP exporter: a client certificate needs its client key "
                 "and the other way round (OTEL_EXPORTER_OTLP_CLIENT_"
                 "CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY)"};
  }

  std::vector<std::string> rejected;
  config.headers = sdk::checked_headers(transport, options.headers, rejected);
  report_dropped_headers(options, transport,
                         std::string(options_name) + "::headers", rejected);
  if (std::optional<Setting> setting = read_setting(reader, "HEADERS")) {
    rejected.clear();
    sdk::Headers headers = parse_headers(setting->value, transport, rejected);
    report_dropped_headers(options, transport, setting->name, rejected);
    // The environment's headers replace code headers of the same name.
    for (auto& header : headers) {
      for (auto it = config.headers.begin(); it != config.headers.end();) {
        it = it->first == header.first ? config.headers.erase(it) : it + 1;
      }
    }
    for (auto& header : headers) config.headers.push_back(std::move(header));
  }

  if (options.timeout) {
    if (options.timeout->count() <= 0) {
      return Error{Error::kInvalidOption,
                   "OTLP exporter: timeout must be positive"};
    }
    config.timeout = *options.timeout;
  }
  if (const auto value = reader.milliseconds(
          setting_name(reader, "TIMEOUT"), std::chrono::milliseconds(1),
          std::chrono::milliseconds(3600000))) {
    config.timeout = *value;
  }

  config.compression = options.compression.value_or(OtlpCompression::kNone);
  if (const auto value = reader.one_of(setting_name(reader, "COMPRESSION"),
                                       {"gzip", "none"})) {
    config.compression =
        *value == "gzip" ? OtlpCompression::kGzip : OtlpCompression::kNone;
  }

  if (options.retry_initial_backoff.count() <= 0 ||
      options.retry_max_backoff < options.retry_initial_backoff) {
    return Error{Error::kInvalidOption,
                 "OTLP exporter: retry_initial_backoff must be positive and "
                 "at most retry_max_backoff"};
  }
  config.retry_initial_backoff = options.retry_initial_backoff;
  config.retry_max_backoff = options.retry_max_backoff;

  if (options.max_request_bytes < kMinRequestBytes) {
    return Error{Error::kInvalidOption,
                 "OTLP exporter: max_request_bytes must be at least " +
                     std::to_string(kMinRequestBytes) + " (got " +
                     std::to_string(options.max_request_bytes) + ")"};
  }
  config.max_request_bytes = options.max_request_bytes;
  return config;
}

}  // namespace weft::otlp
