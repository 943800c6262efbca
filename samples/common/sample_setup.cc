#include "common/sample_setup.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "weft/exporters/sdk_from_environment.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/tracer_provider.h"

namespace weft::samples {
namespace {

constexpr std::chrono::seconds kShutdownTimeout{10};

// The process environment, except that the endpoint given with --otlp wins
// over OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT: a flag is the most explicit. It
// stands for the general variable (the traces one is hidden), so that
// OTLP/HTTP appends /v1/traces to it.
class FlagEnvironment final : public sdk::Environment {
 public:
  explicit FlagEnvironment(std::string flag_endpoint)
      : flag_endpoint_(std::move(flag_endpoint)) {}

  std::optional<std::string> get(std::string_view name) const override {
    if (!flag_endpoint_.empty()) {
      if (name == "OTEL_EXPORTER_OTLP_ENDPOINT") return flag_endpoint_;
      if (name == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") return std::nullopt;
    }
    return sdk::Environment::process().get(name);
  }

 private:
  std::string flag_endpoint_;
};

void print_usage(const SampleInfo& info, std::FILE* out) {
  std::fprintf(out,
               "usage: %.*s [options]\n%.*s\n\noptions:\n%.*s"
               "  --otlp ENDPOINT   export over OTLP (e.g. "
               "http://127.0.0.1:4317) instead of printing;\n"
               "                    OTEL_EXPORTER_OTLP_ENDPOINT does the "
               "same. gRPC unless\n"
               "                    OTEL_EXPORTER_OTLP_PROTOCOL is "
               "http/protobuf or http/json\n"
               "                    (port 4318); OTEL_TRACES_EXPORTER "
               "chooses the exporters\n"
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
  if (!flag_endpoint.empty()) flags.otlp_flag = flags.otlp_endpoint;
  return true;
}

int run_sample(const SampleInfo& info, const CommonFlags& flags,
               const SampleBody& body) {
  const std::string program(info.program);
  FlagEnvironment environment(flags.otlp_flag);
  exporters::SdkFromEnvironmentOptions options;
  options.service_name = std::string(info.service_name);
  options.environment = &environment;
  // Without an endpoint the spans are printed (OTEL_TRACES_EXPORTER wins).
  options.traces_exporter = flags.otlp_endpoint.empty() ? "console" : "otlp";
  options.shutdown_timeout = kShutdownTimeout;
  auto installed = exporters::install_sdk_from_environment(std::move(options));
  if (!installed) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(),
                 installed.error().message.c_str());
    return 2;
  }
  const std::string destination = installed->destination();
  const std::shared_ptr<sdk::TracerProvider> provider = installed->provider();
  std::shared_ptr<weft::Tracer> tracer =
      provider->get_tracer(info.service_name, "0.1.0");

  bool pattern_ok = false;
  try {
    pattern_ok = body(*tracer, provider->config().limits());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), error.what());
  }
  std::fflush(stdout);

  const bool complete = installed->shutdown(kShutdownTimeout);
  const sdk::TracerStats stats = provider->stats();
  const std::uint64_t lost = stats.spans_dropped + stats.spans_export_failed;
  // Each exporter's processor counts every span it exported.
  const std::uint64_t expected =
      stats.spans_ended * installed->exporters().size();
  if (!complete || lost != 0 || stats.spans_exported < expected) {
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
