#include "otlp_http_config.h"

#include <cstdint>

#include "text.h"

namespace weft::otlp {
namespace {

using exporters::OtlpProtocol;
using sdk::Error;

constexpr std::string_view kDefaultUrl = "http://localhost:4318/v1/traces";
constexpr std::string_view kTracesPath = "/v1/traces";

}  // namespace

std::optional<std::string> traces_url(std::string_view endpoint,
                                      EndpointSource source, bool& use_tls,
                                      std::string& problem) {
  endpoint = sdk::trim(endpoint);
  const std::size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string_view::npos) {
    problem = "no scheme";
    return std::nullopt;
  }
  const std::string scheme =
      sdk::to_lower_ascii(endpoint.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    problem = "the scheme must be http or https";
    return std::nullopt;
  }
  use_tls = scheme == "https";
  const std::string_view rest = endpoint.substr(scheme_end + 3);
  const std::size_t path_start = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos
                              ? std::string_view()
                              : rest.substr(path_start);
  if (authority.empty() || authority.front() == ':' ||
      authority.find_first_of(" \t@") != std::string_view::npos) {
    problem = "no host";
    return std::nullopt;
  }
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos &&
      (bracket == std::string_view::npos || colon > bracket)) {
    const auto port =
        sdk::parse_unsigned<std::uint16_t>(authority.substr(colon + 1));
    if (!port || *port == 0) {
      problem = "the port must be a number from 1 to 65535";
      return std::nullopt;
    }
  }
  if (path.find_first_of(" \t\r\n") != std::string_view::npos) {
    problem = "a space in the path";
    return std::nullopt;
  }
  std::string url = scheme + "://" + std::string(authority);
  const bool append =
      source == EndpointSource::kGeneral ||
      (source == EndpointSource::kCode && (path.empty() || path == "/"));
  if (append) {
    // http://host:4318/base/ and http://host:4318/base both give
    // http://host:4318/base/v1/traces.
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    url.append(path).append(kTracesPath);
  } else {
    url.append(path);
  }
  return url;
}

sdk::Expected<OtlpHttpConfig> finalize_otlp_http_config(
    const exporters::OtlpHttpExporterOptions& options) {
  const sdk::EnvironmentReader reader(environment_of(options), options.logger);
  OtlpHttpConfig config;
  auto common = finalize_otlp_common_config(
      options, reader, sdk::HeaderTransport::kHttp, "OtlpHttpExporterOptions");
  if (!common) return common.error();
  config.common = std::move(common.value());

  std::string problem;
  bool endpoint_set = false;
  if (const std::optional<Setting>& setting = config.common.endpoint_variable) {
    const EndpointSource source = config.common.endpoint_variable_is_traces
                                      ? EndpointSource::kTraces
                                      : EndpointSource::kGeneral;
    if (auto url =
            traces_url(setting->value, source, config.use_tls, problem)) {
      config.url = std::move(*url);
      endpoint_set = true;
    } else {
      reader.report_invalid(
          setting->name, setting->value,
          "a URL, http://host:port or https://host:port with an optional "
          "path (" +
              problem + ")");
    }
  }
  if (!endpoint_set) {
    const std::string_view code_endpoint =
        options.endpoint.empty() ? kDefaultUrl
                                 : std::string_view(options.endpoint);
    auto url = traces_url(code_endpoint, EndpointSource::kCode, config.use_tls,
                          problem);
    if (!url) {
      return Error{Error::kInvalidOption,
                   "OTLP/HTTP exporter: invalid endpoint '" +
                       std::string(code_endpoint) + "': " + problem +
                       " (expected http://host:port or https://host:port, "
                       "with an optional path)"};
    }
    config.url = std::move(*url);
  }

  const OtlpProtocol code_protocol =
      options.protocol.value_or(OtlpProtocol::kHttpProtobuf);
  if (code_protocol == OtlpProtocol::kGrpc) {
    return Error{Error::kInvalidOption,
                 "OTLP/HTTP exporter: protocol grpc is not HTTP (expected "
                 "http/protobuf or http/json; for grpc use the OTLP/gRPC "
                 "exporter)"};
  }
  config.protocol = code_protocol;
  // `grpc` in the environment chooses the other transport (the SDK's
  // set-up from the environment reads it); an HTTP exporter made in code
  // keeps its own protocol then.
  if (const auto protocol = read_protocol(reader);
      protocol && *protocol != OtlpProtocol::kGrpc) {
    config.protocol = *protocol;
  }
  return config;
}

}  // namespace weft::otlp
