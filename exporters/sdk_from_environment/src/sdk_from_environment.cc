#include "weft/exporters/sdk_from_environment.h"

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "exporter_choice.h"
#include "otlp_config.h"
#include "weft/exporters/console_exporter.h"
#include "weft/provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/propagators.h"

#ifdef WEFT_HAVE_OTLP_GRPC
#include "weft/exporters/otlp_grpc_exporter.h"
#endif
#ifdef WEFT_HAVE_OTLP_HTTP
#include "weft/exporters/otlp_http_exporter.h"
#endif

namespace weft::exporters {
namespace {

// The logger of the second and later batch processors: they read the same
// OTEL_BSP_* variables as the first, which has reported any bad value
// already, so it stays silent until they are built (then forwards all).
class QuietWhileBuilding final : public sdk::Logger {
 public:
  explicit QuietWhileBuilding(std::shared_ptr<sdk::Logger> target)
      : target_(std::move(target)) {}
  void log(sdk::LogLevel level, std::string_view message) noexcept override {
    if (!building_.load(std::memory_order_acquire)) {
      sdk::log(target_, level, message);
    }
  }
  void built() noexcept { building_.store(false, std::memory_order_release); }

 private:
  std::shared_ptr<sdk::Logger> target_;
  std::atomic<bool> building_{true};
};

// An exporter and where it sends spans, for InstalledSdk::destination().
struct MadeExporter {
  std::unique_ptr<sdk::SpanExporter> exporter;
  std::string destination;
};

// Each transport's exporter, or why it is not in this build.
sdk::Expected<MadeExporter> make_otlp_grpc(
    const SdkFromEnvironmentOptions& options,
    const sdk::Environment& environment) {
#ifdef WEFT_HAVE_OTLP_GRPC
  OtlpGrpcExporterOptions grpc;
  grpc.logger = options.logger;
  grpc.environment = &environment;
  auto made = make_otlp_grpc_exporter(std::move(grpc));
  if (!made) return made.error();  // it names the exporter and the cause
  std::string destination = made.value()->target() + " (OTLP/gRPC)";
  return MadeExporter{std::move(made).value(), std::move(destination)};
#else
  (void)options;
  (void)environment;
  return sdk::Error{sdk::Error::kMissingComponent,
                    "the otlp exporter cannot be set up: this build of weft "
                    "has no OTLP/gRPC exporter for protocol grpc "
                    "(OTEL_EXPORTER_OTLP_PROTOCOL)"};
#endif
}

#ifdef WEFT_HAVE_OTLP_HTTP
// The environment without the protocol variables, for the HTTP exporter:
// the protocol is chosen (and a bad value reported) once, here.
class WithoutProtocol final : public sdk::Environment {
 public:
  explicit WithoutProtocol(const sdk::Environment& environment)
      : environment_(environment) {}
  std::optional<std::string> get(std::string_view name) const override {
    if (name == "OTEL_EXPORTER_OTLP_PROTOCOL" ||
        name == "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") {
      return std::nullopt;
    }
    return environment_.get(name);
  }

 private:
  const sdk::Environment& environment_;
};
#endif

sdk::Expected<MadeExporter> make_otlp_http(
    const SdkFromEnvironmentOptions& options,
    const sdk::Environment& environment, OtlpProtocol protocol) {
#ifdef WEFT_HAVE_OTLP_HTTP
  const WithoutProtocol without_protocol(environment);
  OtlpHttpExporterOptions http;
  http.logger = options.logger;
  http.environment = &without_protocol;  // read while it is made
  http.protocol = protocol;
  auto made = make_otlp_http_exporter(std::move(http));
  if (!made) return made.error();  // it names the exporter and the cause
  std::string destination = made.value()->url() + " (OTLP/HTTP, " +
                            std::string(otlp::protocol_name(protocol)) + ")";
  return MadeExporter{std::move(made).value(), std::move(destination)};
#else
  (void)options;
  (void)environment;
  return sdk::Error{sdk::Error::kMissingComponent,
                    "the otlp exporter cannot be set up: this build of weft "
                    "has no OTLP/HTTP exporter for protocol " +
                        std::string(otlp::protocol_name(protocol)) +
                        " (OTEL_EXPORTER_OTLP_PROTOCOL); use grpc"};
#endif
}

sdk::Expected<MadeExporter> make_named_exporter(
    const std::string& name, const SdkFromEnvironmentOptions& options,
    const sdk::Environment& environment) {
  if (name == "console") {
    return MadeExporter{std::make_unique<ConsoleExporter>(options.console),
                        "the console"};
  }
  const OtlpProtocol protocol =
      choose_otlp_protocol(environment, options.logger, options.otlp_protocol);
  if (protocol == OtlpProtocol::kGrpc) {
    return make_otlp_grpc(options, environment);
  }
  return make_otlp_http(options, environment, protocol);
}

// One batch processor per exporter of `names`, and where they send spans.
struct ExportingProcessors {
  std::vector<std::unique_ptr<sdk::SpanProcessor>> processors;
  std::string destination;
};

sdk::Expected<ExportingProcessors> make_exporting_processors(
    const std::vector<std::string>& names,
    const SdkFromEnvironmentOptions& options,
    const sdk::Environment& environment) {
  ExportingProcessors made;
  std::vector<std::shared_ptr<QuietWhileBuilding>> quiet_loggers;
  for (const std::string& name : names) {
    auto exporter = make_named_exporter(name, options, environment);
    if (!exporter) return exporter.error();
    sdk::BatchOptions batch;
    batch.environment = &environment;
    batch.logger = options.logger;
    if (&name != &names.front()) {
      quiet_loggers.push_back(
          std::make_shared<QuietWhileBuilding>(options.logger));
      batch.logger = quiet_loggers.back();
    }
    auto processor =
        sdk::make_batch_processor(std::move(exporter.value().exporter), batch);
    if (!processor) return processor.error();
    made.processors.push_back(std::move(processor).value());
    if (!made.destination.empty()) made.destination.append(" and ");
    made.destination.append(exporter.value().destination);
  }
  for (const auto& logger : quiet_loggers) logger->built();
  if (made.destination.empty()) made.destination = "no exporter";
  return made;
}

// OTEL_SDK_DISABLED as the tracer provider reads it. A malformed value is
// reported by the provider, once; this read stays quiet.
bool sdk_disabled(const sdk::Environment& environment) {
  struct Quiet final : sdk::Logger {
    void log(sdk::LogLevel, std::string_view) noexcept override {}
  };
  const sdk::EnvironmentReader reader(environment, std::make_shared<Quiet>());
  return reader.boolean("OTEL_SDK_DISABLED").value_or(false);
}

}  // namespace

InstalledSdk::InstalledSdk(std::shared_ptr<sdk::TracerProvider> provider,
                           std::vector<std::string> exporters,
                           std::string destination,
                           std::chrono::milliseconds shutdown_timeout,
                           std::shared_ptr<sdk::Logger> logger)
    : provider_(std::move(provider)),
      exporters_(std::move(exporters)),
      destination_(std::move(destination)),
      shutdown_timeout_(shutdown_timeout),
      logger_(std::move(logger)) {}

InstalledSdk::InstalledSdk(InstalledSdk&& other) noexcept = default;
InstalledSdk& InstalledSdk::operator=(InstalledSdk&& other) noexcept {
  if (this != &other) {
    if (provider_) shutdown(shutdown_timeout_);
    provider_ = std::move(other.provider_);
    exporters_ = std::move(other.exporters_);
    destination_ = std::move(other.destination_);
    shutdown_timeout_ = other.shutdown_timeout_;
    logger_ = std::move(other.logger_);
  }
  return *this;
}

InstalledSdk::~InstalledSdk() {
  if (provider_) shutdown(shutdown_timeout_);
}

bool InstalledSdk::shutdown(std::chrono::milliseconds timeout) {
  if (!provider_) return true;
  const bool complete = provider_->shutdown(timeout);
  if (!complete) {
    sdk::log(logger_, sdk::LogLevel::kWarning,
             "shutdown: spans were still being exported to " + destination_ +
                 " after " + std::to_string(timeout.count()) +
                 " ms; they are dropped");
  }
  return complete;
}

sdk::Expected<InstalledSdk> install_sdk_from_environment(
    SdkFromEnvironmentOptions options) {
  const sdk::Environment& environment = options.environment != nullptr
                                            ? *options.environment
                                            : sdk::Environment::process();
  auto code_choice = parse_traces_exporter_option(options.traces_exporter);
  if (!code_choice) return code_choice.error();
  // Disabled: spans are non-recording, so no exporter is built (no batch
  // thread, no connection).
  const std::vector<std::string> names =
      sdk_disabled(environment)
          ? std::vector<std::string>()
          : choose_traces_exporters(environment, options.logger, *code_choice);

  sdk::TracerProviderOptions provider_options;
  provider_options.service_name = options.service_name;
  provider_options.processors = std::move(options.processors);
  provider_options.logger = options.logger;
  provider_options.environment = &environment;

  auto exporting = make_exporting_processors(names, options, environment);
  if (!exporting) return exporting.error();
  for (auto& processor : exporting.value().processors) {
    provider_options.processors.push_back(std::move(processor));
  }

  auto provider = sdk::make_tracer_provider(std::move(provider_options));
  if (!provider) return provider.error();
  weft::set_tracer_provider(provider.value());
  sdk::PropagatorOptions propagation;
  propagation.environment = &environment;
  propagation.logger = options.logger;
  sdk::install_propagator_from_environment(propagation);
  return InstalledSdk(std::move(provider).value(), names,
                      std::move(exporting.value().destination),
                      options.shutdown_timeout, options.logger);
}

}  // namespace weft::exporters
