#include "otlp_grpc_config.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "header_rules.h"
#include "text.h"
#include "weft/sdk/environment.h"

namespace weft::otlp {
namespace {

using exporters::OtlpCompression;
using sdk::Error;

constexpr std::string_view kDefaultEndpoint = "http://localhost:4317";
constexpr std::string_view kDefaultPort = "4317";

// The name of OTEL_EXPORTER_OTLP_TRACES_<suffix> when it is set, else of
// OTEL_EXPORTER_OTLP_<suffix>: the variable the exporter reads.
std::string setting_name(const sdk::EnvironmentReader& reader,
                         std::string_view suffix) {
  const std::string traces = "OTEL_EXPORTER_OTLP_TRACES_" + std::string(suffix);
  const std::string general = "OTEL_EXPORTER_OTLP_" + std::string(suffix);
  return std::string(reader.first_set({traces, general}).value_or(general));
}

struct Setting {
  std::string name;
  std::string value;
};

// The value of the variable setting_name() picks, or nullopt when unset.
std::optional<Setting> read_setting(const sdk::EnvironmentReader& reader,
                                    std::string_view suffix) {
  std::string name = setting_name(reader, suffix);
  std::optional<std::string> value = reader.text(name);
  if (!value) return std::nullopt;
  return Setting{std::move(name), std::move(*value)};
}

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return contents.str();
}

// Logs, once, the header entries that were dropped and where they came from.
void report_dropped_headers(const exporters::OtlpGrpcExporterOptions& options,
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
  message.append(
      ": expected key=value pairs separated by ',', keys of [0-9a-z_.-] not "
      "starting with grpc-, values of printable ASCII (any bytes for a key "
      "ending in -bin; percent-encoded in the environment); the other "
      "headers are used");
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

std::vector<std::pair<std::string, std::string>> parse_headers(
    std::string_view text, std::vector<std::string>& rejected) {
  sdk::KeyValueList list = sdk::parse_key_value_list(text);
  for (const std::string& entry : list.rejected) {
    rejected.push_back("'" + sdk::printable(entry) +
                       "' (no '=', an empty key or a malformed %-escape)");
  }
  return sdk::checked_headers(sdk::HeaderTransport::kGrpc, list.entries,
                              rejected);
}

bool parse_endpoint(std::string_view endpoint, bool insecure,
                    std::string& target, bool& use_tls, std::string& problem) {
  std::string_view rest = endpoint;
  use_tls = !insecure;
  const std::size_t scheme_end = rest.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::string scheme = sdk::to_lower_ascii(rest.substr(0, scheme_end));
    if (scheme == "http") {
      use_tls = false;
    } else if (scheme == "https") {
      use_tls = true;
    } else {
      problem = "the scheme must be http or https";
      return false;
    }
    rest.remove_prefix(scheme_end + 3);
  }
  // gRPC ignores any path; keep host[:port].
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty() || rest.front() == ':') {
    problem = "no host";
    return false;
  }
  target.assign(rest);
  const std::size_t bracket = target.rfind(']');
  const std::size_t colon = target.rfind(':');
  const bool has_port = colon != std::string::npos &&
                        (bracket == std::string::npos || colon > bracket);
  if (has_port) {
    const std::string_view port = std::string_view(target).substr(colon + 1);
    const auto value = sdk::parse_unsigned<std::uint16_t>(port);
    if (!value || *value == 0) {
      problem = "the port must be a number from 1 to 65535";
      return false;
    }
  } else {
    target.append(":").append(kDefaultPort);
  }
  return true;
}

sdk::Expected<OtlpGrpcConfig> finalize_otlp_grpc_config(
    const exporters::OtlpGrpcExporterOptions& options) {
  const sdk::Environment& environment = options.environment != nullptr
                                            ? *options.environment
                                            : sdk::Environment::process();
  const sdk::EnvironmentReader reader(environment, options.logger);
  OtlpGrpcConfig config;

  // INSECURE first: the endpoint's scheme (if any) overrides it.
  bool insecure = options.insecure.value_or(false);
  if (const auto value = reader.boolean(setting_name(reader, "INSECURE"))) {
    insecure = *value;
  }

  std::string problem;
  const std::string code_endpoint = options.endpoint.empty()
                                        ? std::string(kDefaultEndpoint)
                                        : options.endpoint;
  bool endpoint_set = false;
  if (std::optional<Setting> setting = read_setting(reader, "ENDPOINT")) {
    if (parse_endpoint(setting->value, insecure, config.target, config.use_tls,
                       problem)) {
      endpoint_set = true;
    } else {
      reader.report_invalid(
          setting->name, setting->value,
          "http://host:port or https://host:port (" + problem + ")");
    }
  }
  if (!endpoint_set && !parse_endpoint(code_endpoint, insecure, config.target,
                                       config.use_tls, problem)) {
    return Error{Error::kInvalidOption,
                 "OTLP exporter: invalid endpoint '" + code_endpoint +
                     "': " + problem +
                     " (expected http://host:port or https://host:port)"};
  }

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
  config.headers = sdk::checked_headers(sdk::HeaderTransport::kGrpc,
                                        options.headers, rejected);
  report_dropped_headers(options, "OtlpGrpcExporterOptions::headers", rejected);
  if (std::optional<Setting> setting = read_setting(reader, "HEADERS")) {
    rejected.clear();
    auto headers = parse_headers(setting->value, rejected);
    report_dropped_headers(options, setting->name, rejected);
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
  if (options.max_concurrent_exports == 0) {
    return Error{Error::kInvalidOption,
                 "OTLP exporter: max_concurrent_exports must be at least 1"};
  }
  config.max_concurrent_exports = options.max_concurrent_exports;
  config.max_queued_bytes = options.max_queued_bytes;
  return config;
}

}  // namespace weft::otlp
