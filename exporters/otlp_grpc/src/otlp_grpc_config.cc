#include "otlp_grpc_config.h"

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include "weft/sdk/environment.h"

namespace weft::otlp {
namespace {

using exporters::OtlpCompression;
using sdk::Error;

constexpr std::string_view kDefaultEndpoint = "http://localhost:4317";
constexpr std::string_view kDefaultPort = "4317";

// Reads OTEL_EXPORTER_OTLP_TRACES_<suffix>, then OTEL_EXPORTER_OTLP_<suffix>;
// returns the value and the name of the variable it came from.
struct Setting {
  std::string name;
  std::string value;
};

std::optional<Setting> read_setting(const sdk::EnvironmentReader& reader,
                                    std::string_view suffix) {
  for (std::string_view prefix :
       {"OTEL_EXPORTER_OTLP_TRACES_", "OTEL_EXPORTER_OTLP_"}) {
    std::string name(prefix);
    name.append(suffix);
    if (std::optional<std::string> value = reader.text(name)) {
      return Setting{std::move(name), std::move(*value)};
    }
  }
  return std::nullopt;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

std::string trim(std::string_view text) {
  while (!text.empty() &&
         std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        result.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    result.push_back(text[i]);
  }
  return result;
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

void warn(const exporters::OtlpGrpcExporterOptions& options,
          const Setting& setting, std::string_view expected,
          std::string_view fallback) {
  std::string message = "ignoring " + setting.name + "='" + setting.value +
                        "': expected " + std::string(expected) + "; using " +
                        std::string(fallback);
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
    std::string_view text, std::string* invalid) {
  std::vector<std::pair<std::string, std::string>> headers;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    text.remove_prefix(comma == std::string_view::npos ? text.size()
                                                       : comma + 1);
    const std::string trimmed = trim(entry);
    if (trimmed.empty()) continue;
    const std::size_t equals = trimmed.find('=');
    std::string key = lower(
        trim(percent_decode(std::string_view(trimmed).substr(0, equals))));
    if (equals == std::string::npos || key.empty()) {
      if (invalid != nullptr) {
        if (!invalid->empty()) invalid->append(", ");
        invalid->append("'").append(trimmed).append("'");
      }
      continue;
    }
    headers.emplace_back(
        std::move(key),
        trim(percent_decode(std::string_view(trimmed).substr(equals + 1))));
  }
  return headers;
}

bool parse_endpoint(std::string_view endpoint, bool insecure,
                    std::string& target, bool& use_tls, std::string& problem) {
  std::string_view rest = endpoint;
  use_tls = !insecure;
  const std::size_t scheme_end = rest.find("://");
  if (scheme_end != std::string_view::npos) {
    const std::string scheme = lower(rest.substr(0, scheme_end));
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
    if (port.empty() || port.size() > 5) {
      problem = "the port must be a number from 1 to 65535";
      return false;
    }
    for (char c : port) {
      if (c < '0' || c > '9') {
        problem = "the port must be a number from 1 to 65535";
        return false;
      }
    }
    const long value = std::stol(std::string(port));
    if (value < 1 || value > 65535) {
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
  if (std::optional<Setting> setting = read_setting(reader, "INSECURE")) {
    const std::string value = lower(setting->value);
    if (value == "true") {
      insecure = true;
    } else if (value == "false") {
      insecure = false;
    } else {
      warn(options, *setting, "true or false", insecure ? "true" : "false");
    }
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
      warn(options, *setting,
           "http://host:port or https://host:port (" + problem + ")",
           "'" + code_endpoint + "'");
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

  for (const auto& [key, value] : options.headers) {
    config.headers.emplace_back(lower(key), value);
  }
  if (std::optional<Setting> setting = read_setting(reader, "HEADERS")) {
    std::string invalid;
    auto headers = parse_headers(setting->value, &invalid);
    if (!invalid.empty()) {
      warn(options, *setting, "key=value pairs separated by ','",
           "the valid entries only (skipped " + invalid + ")");
    }
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
  if (std::optional<Setting> setting = read_setting(reader, "TIMEOUT")) {
    char* end = nullptr;
    const long long value = std::strtoll(setting->value.c_str(), &end, 10);
    if (end == setting->value.c_str() + setting->value.size() && value > 0 &&
        value <= 3600000) {
      config.timeout = std::chrono::milliseconds(value);
    } else {
      warn(options, *setting,
           "a whole number of milliseconds from 1 to 3600000",
           std::to_string(config.timeout.count()) + " ms");
    }
  }

  config.compression = options.compression.value_or(OtlpCompression::kNone);
  if (std::optional<Setting> setting = read_setting(reader, "COMPRESSION")) {
    const std::string value = lower(setting->value);
    if (value == "gzip") {
      config.compression = OtlpCompression::kGzip;
    } else if (value == "none") {
      config.compression = OtlpCompression::kNone;
    } else {
      warn(options, *setting, "gzip or none",
           config.compression == OtlpCompression::kGzip ? "gzip" : "none");
    }
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
