#include "weft/sdk/environment.h"

#include <cstdlib>
#include <string>

#include "text.h"

namespace weft::sdk {
namespace {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> get(std::string_view name) const override {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  }
};

}  // namespace

std::optional<std::string> EnvironmentReader::text(
    std::string_view name) const {
  std::optional<std::string> value = environment_.get(name);
  if (!value) return std::nullopt;
  const std::string_view kept = trim(*value);
  if (kept.empty()) return std::nullopt;
  return std::string(kept);
}

std::optional<std::string> EnvironmentReader::keyword(
    std::string_view name) const {
  std::optional<std::string> value = text(name);
  if (!value) return std::nullopt;
  return to_lower_ascii(*value);
}

std::optional<std::string> EnvironmentReader::one_of(
    std::string_view name,
    std::initializer_list<std::string_view> choices) const {
  std::optional<std::string> value = keyword(name);
  if (!value) return std::nullopt;
  std::string valid;
  for (std::string_view choice : choices) {
    if (*value == choice) return value;
    if (!valid.empty()) valid.append(", ");
    valid.append(choice);
  }
  report_invalid(name, *text(name), "one of " + valid);
  return std::nullopt;
}

std::optional<std::string_view> EnvironmentReader::first_set(
    std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) {
    if (text(name)) return name;
  }
  return std::nullopt;
}

void EnvironmentReader::report_invalid(std::string_view name,
                                       std::string_view value,
                                       std::string_view valid) const {
  std::string message;
  message.append("ignoring ").append(name).append("='");
  message.append(printable(value));
  message.append("': expected ").append(valid).append("; using the default");
  log(logger_, LogLevel::kWarning, message);
}

std::optional<std::uint32_t> EnvironmentReader::count(
    std::string_view name) const {
  const std::optional<std::string> value = text(name);
  if (!value) return std::nullopt;
  const std::optional<std::uint32_t> result =
      parse_unsigned<std::uint32_t>(*value);
  if (!result) {
    report_invalid(name, *value, "a whole number from 0 to 4294967295");
  }
  return result;
}

std::optional<std::chrono::milliseconds> EnvironmentReader::milliseconds(
    std::string_view name) const {
  const std::optional<std::uint32_t> value = count(name);
  if (!value) return std::nullopt;
  return std::chrono::milliseconds(*value);
}

std::optional<std::chrono::milliseconds> EnvironmentReader::milliseconds(
    std::string_view name, std::chrono::milliseconds least,
    std::chrono::milliseconds most) const {
  const std::optional<std::string> value = text(name);
  if (!value) return std::nullopt;
  const auto result = parse_unsigned<std::uint64_t>(*value);
  if (!result || *result < static_cast<std::uint64_t>(least.count()) ||
      *result > static_cast<std::uint64_t>(most.count())) {
    report_invalid(name, *value,
                   "a whole number of milliseconds from " +
                       std::to_string(least.count()) + " to " +
                       std::to_string(most.count()));
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(*result));
}

std::optional<bool> EnvironmentReader::boolean(std::string_view name) const {
  const std::optional<std::string> value = keyword(name);
  if (!value) return std::nullopt;
  if (*value == "true") return true;
  if (*value == "false") return false;
  report_invalid(name, *text(name), "true or false");
  return std::nullopt;
}

std::optional<double> EnvironmentReader::ratio(std::string_view name) const {
  const std::optional<std::string> value = text(name);
  if (!value) return std::nullopt;
  const std::optional<double> result = parse_decimal(*value);
  if (!result || *result < 0.0 || *result > 1.0) {
    report_invalid(name, *value, "a number from 0 to 1");
    return std::nullopt;
  }
  return result;
}

const Environment& Environment::process() noexcept {
  static const ProcessEnvironment environment;
  return environment;
}

// The README's configuration table is this list.
const EnvironmentVariable kEnvironmentVariables[] = {
    {"OTEL_SDK_DISABLED", "false",
     "`true` makes every span non-recording (nothing is exported)"},
    {"OTEL_SERVICE_NAME", "unknown_service",
     "the `service.name` resource attribute (over OTEL_RESOURCE_ATTRIBUTES)"},
    {"OTEL_RESOURCE_ATTRIBUTES", "",
     "resource attributes as `key=value,key2=value2` (values percent-decoded)"},
    {"OTEL_TRACES_SAMPLER", "parentbased_always_on",
     "always_on, always_off, traceidratio, parentbased_always_on, "
     "parentbased_always_off, parentbased_traceidratio, and the links-based "
     "parentbased_linksbased_traceidratio (a span linked to a sampled span is "
     "sampled), linksbased_traceidratio, linksbased_parentbased_always_on"},
    {"OTEL_TRACES_SAMPLER_ARG", "1.0",
     "the ratio in [0, 1] of the traceidratio samplers ('.' as decimal "
     "point, whatever the locale)"},
    {"OTEL_PROPAGATORS", "tracecontext,baggage",
     "the global propagator's formats, a comma list run in order: "
     "tracecontext, baggage, b3 (single header), b3multi (x-b3-* headers), "
     "none; read by weft::sdk::install_propagator_from_environment()"},
    {"OTEL_TRACES_EXPORTER", "otlp",
     "the exporters of weft::exporters::install_sdk_from_environment(), a "
     "comma list: otlp, console, none"},
    {"OTEL_SPAN_LINK_COUNT_LIMIT", "32", "links kept per span"},
    {"WEFT_SPAN_LINK_RETENTION", "first",
     "which links a full span keeps: `first` or `latest`; `continue` keeps "
     "the first and records the rest in continuation spans"},
    {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "128", "attributes kept per link"},
    {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "128",
     "attributes kept per span (over OTEL_ATTRIBUTE_COUNT_LIMIT)"},
    {"OTEL_SPAN_EVENT_COUNT_LIMIT", "128", "events kept per span"},
    {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "128", "attributes kept per event"},
    {"OTEL_ATTRIBUTE_COUNT_LIMIT", "128",
     "attributes per span, event and link where no specific limit is set"},
    {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "unlimited",
     "longest string attribute value kept, in bytes (over "
     "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT)"},
    {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "unlimited",
     "longest string attribute value kept, in bytes; longer values are "
     "truncated"},
    {"OTEL_BSP_SCHEDULE_DELAY", "5000",
     "milliseconds between two exports of the batch processor"},
    {"OTEL_BSP_EXPORT_TIMEOUT", "30000",
     "milliseconds a destroyed batch processor waits for its last export "
     "(exporters enforce their own per-export timeout)"},
    {"OTEL_BSP_MAX_QUEUE_SIZE", "2048",
     "spans queued for export; more are dropped and counted (memory is "
     "taken as spans are queued, not up front)"},
    {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "512",
     "spans per export (at most the queue size)"},
    {"OTEL_LOG_LEVEL", "warn",
     "SDK diagnostics at this level and above reach the SDK-wide logger "
     "(stderr unless the application calls weft::sdk::set_logger): none, "
     "error, warn, info, debug; read once, at the first message"},
    {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317",
     "OTLP/gRPC collector address; an https scheme means TLS"},
    {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "",
     "as OTEL_EXPORTER_OTLP_ENDPOINT, for traces only (wins over it)"},
    {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
     "the otlp exporter's protocol in "
     "weft::exporters::install_sdk_from_environment(): grpc, http/protobuf "
     "or http/json (weft keeps grpc, OpenTelemetry's default is "
     "http/protobuf)"},
    {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "", "traces-specific PROTOCOL"},
    {"OTEL_EXPORTER_OTLP_INSECURE", "false",
     "`true`: no TLS for an endpoint without a scheme"},
    {"OTEL_EXPORTER_OTLP_TRACES_INSECURE", "", "traces-specific INSECURE"},
    {"OTEL_EXPORTER_OTLP_CERTIFICATE", "",
     "PEM file of the CA that signs the collector's certificate"},
    {"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "",
     "traces-specific CERTIFICATE"},
    {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "",
     "PEM client certificate for mutual TLS"},
    {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "",
     "traces-specific CLIENT_CERTIFICATE"},
    {"OTEL_EXPORTER_OTLP_CLIENT_KEY", "", "PEM client key for mutual TLS"},
    {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", "", "traces-specific CLIENT_KEY"},
    {"OTEL_EXPORTER_OTLP_HEADERS", "",
     "gRPC metadata as `key=value,...` (values percent-decoded), e.g. "
     "`authorization=Bearer%20x`; keys are lowercased; an entry gRPC cannot "
     "carry (key outside [0-9a-z_.-] or starting with `grpc-`, value outside "
     "printable ASCII unless the key ends in `-bin`, malformed escape) is "
     "dropped with a warning"},
    {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "", "traces-specific HEADERS"},
    {"OTEL_EXPORTER_OTLP_TIMEOUT", "10000",
     "milliseconds for one export, retries included (1 to 3600000)"},
    {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "", "traces-specific TIMEOUT"},
    {"OTEL_EXPORTER_OTLP_COMPRESSION", "none", "`gzip` or `none`"},
    {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "",
     "traces-specific COMPRESSION"},
};

const std::size_t kEnvironmentVariableCount =
    sizeof(kEnvironmentVariables) / sizeof(kEnvironmentVariables[0]);

}  // namespace weft::sdk
