#include "otlp_grpc_config.h"

#include <optional>

#include "header_rules.h"
#include "text.h"
#include "weft/sdk/environment.h"

namespace weft::otlp {
namespace {

using sdk::Error;

constexpr std::string_view kDefaultEndpoint = "http://localhost:4317";
constexpr std::string_view kDefaultPort = "4317";

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_headers(
    std::string_view text, std::vector<std::string>& rejected) {
  return parse_headers(text, sdk::HeaderTransport::kGrpc, rejected);
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
  const sdk::EnvironmentReader reader(environment_of(options), options.logger);
  sdk::Expected<OtlpCommonConfig> common = finalize_otlp_common_config(
      options, reader, sdk::HeaderTransport::kGrpc, "OtlpGrpcExporterOptions");
  if (!common) return common.error();
  OtlpGrpcConfig config;
  static_cast<OtlpCommonConfig&>(config) = std::move(common.value());

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
  if (const std::optional<Setting>& setting = config.endpoint_variable) {
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

  if (options.max_concurrent_exports == 0) {
    return Error{Error::kInvalidOption,
                 "OTLP exporter: max_concurrent_exports must be at least 1"};
  }
  config.max_concurrent_exports = options.max_concurrent_exports;
  config.max_queued_bytes = options.max_queued_bytes;
  return config;
}

}  // namespace weft::otlp
