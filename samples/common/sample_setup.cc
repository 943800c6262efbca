#include "common/sample_setup.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "weft/exporters/console_exporter.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/propagators.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"

#ifdef WEFT_SAMPLES_HAVE_OTLP
#include "weft/exporters/otlp_grpc_exporter.h"
#endif

namespace weft::samples {
namespace {

constexpr std::chrono::seconds kShutdownTimeout{10};

// The process environment, except that the endpoint given with --otlp wins
// over OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT: a flag is the most explicit.
class FlagEnvironment final : public sdk::Environment {
 public:
  explicit FlagEnvironment(std::string endpoint)
      : endpoint_(std::move(endpoint)) {}

  std::optional<std::string> get(std::string_view name) const override {
    if (!endpoint_.empty() && (name == "OTEL_EXPORTER_OTLP_ENDPOINT" ||
                               name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
      return endpoint_;
    }
    return sdk::Environment::process().get(name);
  }

 private:
  std::string endpoint_;
};

void print_usage(const SampleInfo& info, std::FILE* out) {
  std::fprintf(out,
               "usage: %.*s [options]\n%.*s\n\noptions:\n%.*s"
               "  --otlp ENDPOINT   export over OTLP/gRPC (e.g. "
               "http://127.0.0.1:4317)\n"
               "                    instead of printing; "
               "OTEL_EXPORTER_OTLP_ENDPOINT does the same\n"
               "  --help            this text\n",
               static_cast<int>(info.program.size()), info.program.data(),
               static_cast<int>(info.summary.size()), info.summary.data(),
               static_cast<int>(info.options_help.size()),
               info.options_help.data());
}

}  // namespace

std::string otlp_endpoint(const std::string& flag_value) {
  if (!flag_value.empty()) {
    // A bare host:port on the command line means a local plaintext collector.
    if (flag_value.find("://") == std::string::npos) {
      return "http://" + flag_value;
    }
    return flag_value;
  }
  // Read as the exporter reads them: traces-specific first.
  const sdk::EnvironmentReader reader(sdk::Environment::process(), nullptr);
  for (std::string_view name :
       {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"}) {
    if (auto value = reader.text(name)) return *value;
  }
  return {};
}

bool parse_common_flags(const SampleInfo& info,
                        tools::CommandLine& command_line, int argc, char** argv,
                        CommonFlags& flags, int& exit_code) {
  std::string flag_endpoint;
  command_line.add_text("otlp", flag_endpoint);
  if (!command_line.parse(argc, argv)) {
    std::fprintf(stderr, "%s\n", command_line.error().c_str());
    exit_code = 2;
    return false;
  }
  if (command_line.help()) {
    print_usage(info, stdout);
    exit_code = 0;
    return false;
  }
  flags.otlp_endpoint = otlp_endpoint(flag_endpoint);
  return true;
}

int run_sample(const SampleInfo& info, const CommonFlags& flags,
               const SampleBody& body) {
  const std::string program(info.program);
  sdk::TracerProviderOptions options;
  options.service_name = std::string(info.service_name);

  std::string destination = "the console";
  FlagEnvironment environment(flags.otlp_endpoint);
  // What inject_context and extract_context use (OTEL_PROPAGATORS).
  sdk::PropagatorOptions propagation;
  propagation.environment = &environment;
  sdk::install_propagator_from_environment(propagation);
  if (flags.otlp_endpoint.empty()) {
    options.processors.push_back(sdk::make_simple_processor(
        std::make_unique<exporters::ConsoleExporter>(stdout)));
  } else {
#ifdef WEFT_SAMPLES_HAVE_OTLP
    exporters::OtlpGrpcExporterOptions otlp;
    otlp.environment = &environment;
    auto exporter = exporters::make_otlp_grpc_exporter(std::move(otlp));
    if (!exporter) {
      std::fprintf(stderr, "%s: cannot export to %s: %s\n", program.c_str(),
                   flags.otlp_endpoint.c_str(),
                   exporter.error().message.c_str());
      return 2;
    }
    destination = exporter.value()->target();
    sdk::BatchOptions batch;
    auto processor =
        sdk::make_batch_processor(std::move(exporter).value(), batch);
    if (!processor) {
      std::fprintf(stderr, "%s: %s\n", program.c_str(),
                   processor.error().message.c_str());
      return 2;
    }
    options.processors.push_back(std::move(processor).value());
#else
    std::fprintf(stderr,
                 "%s: built without the OTLP/gRPC exporter; cannot export "
                 "to %s\n",
                 program.c_str(), flags.otlp_endpoint.c_str());
    return 2;
#endif
  }

  auto made = sdk::make_tracer_provider(std::move(options));
  if (!made) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(),
                 made.error().message.c_str());
    return 2;
  }
  std::shared_ptr<sdk::TracerProvider> provider = std::move(made).value();
  std::shared_ptr<weft::Tracer> tracer =
      provider->get_tracer(info.service_name, "0.1.0");

  bool pattern_ok = false;
  try {
    pattern_ok = body(*tracer, provider->config().limits());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.what());
  }
  std::fflush(stdout);

  const bool complete = provider->shutdown(kShutdownTimeout);
  const sdk::TracerStats stats = provider->stats();
  const std::uint64_t lost = stats.spans_dropped + stats.spans_export_failed;
  if (!complete || lost != 0 || stats.spans_exported < stats.spans_ended) {
    std::fprintf(stderr,
                 "%s: spans were not flushed to %s: %llu ended, %llu "
                 "exported, %llu dropped, %llu failed%s\n",
                 program.c_str(), destination.c_str(),
                 static_cast<unsigned long long>(stats.spans_ended),
                 static_cast<unsigned long long>(stats.spans_exported),
                 static_cast<unsigned long long>(stats.spans_dropped),
                 static_cast<unsigned long long>(stats.spans_export_failed),
                 complete ? "" : " (shutdown timed out)");
    return 1;
  }
  std::fprintf(stderr, "%s: %llu spans exported to %s\n", program.c_str(),
               static_cast<unsigned long long>(stats.spans_exported),
               destination.c_str());
  return pattern_ok ? 0 : 1;
}

int run_sample(const SampleInfo& info, tools::CommandLine& command_line,
               int argc, char** argv, const SampleBody& body) {
  CommonFlags flags;
  int exit_code = 0;
  if (!parse_common_flags(info, command_line, argc, argv, flags, exit_code)) {
    return exit_code;
  }
  return run_sample(info, flags, body);
}

}  // namespace weft::samples
