// The SDK from the environment: one call that builds weft's whole SDK from
// the standard OTEL_* variables and installs it, for applications that want
// OpenTelemetry's usual switches rather than wiring exporters in code.
//
// A program instruments itself in three lines (this header includes the
// whole API, weft/weft.h) and keeps `sdk` until it exits (a local of
// main()); when the call fails, the program runs on untraced:
//
//   #include <weft/exporters/sdk_from_environment.h>
//   auto sdk = weft::exporters::install_sdk_from_environment();
//   if (!sdk) std::fprintf(stderr, "%s\n", sdk.error().message.c_str());
//
// What it builds, each part reading its own variables as it does when built
// by hand (environment over code over defaults; a bad value is reported
// once, naming the variable and the value, and the code value or default
// is used):
// - the tracer provider (sdk::make_tracer_provider): resource
//   (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), sampler
//   (OTEL_TRACES_SAMPLER(_ARG)), limits (OTEL_*_LIMIT), OTEL_SDK_DISABLED;
// - the global propagator (OTEL_PROPAGATORS, sdk/propagators.h);
// - one batch processor (OTEL_BSP_*) per exporter that OTEL_TRACES_EXPORTER
//   names, in its order, after the processors given in code:
//     otlp     (default) OTLP over the protocol that
//              OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else
//              OTEL_EXPORTER_OTLP_PROTOCOL, names: `grpc` (weft's default,
//              to OTEL_EXPORTER_OTLP_ENDPOINT, default
//              http://localhost:4317), `http/protobuf` or `http/json`
//              (POST to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, default
//              http://localhost:4318), configured by OTEL_EXPORTER_OTLP_*;
//     console  spans printed readably (ConsoleExporter) on stdout;
//     none     no exporter: spans are recorded (and propagated) but not
//              exported.
//   A comma list chooses several (`otlp,console`); names are trimmed and
//   case-insensitive, a repeated one counts once. Unknown names are
//   reported (one warning naming the variable and the value) and skipped;
//   when no known name is left, the code value or the default is used.
//   `none` beside other names is reported and ignored (as in
//   OTEL_PROPAGATORS): `none,console` exports to the console.
// weft's default protocol stays `grpc`, where OpenTelemetry's is
// `http/protobuf`: existing weft deployments point
// OTEL_EXPORTER_OTLP_ENDPOINT at a Collector's gRPC port 4317. To reach a
// Collector's HTTP port instead, set both:
//   OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318
//
// With OTEL_SDK_DISABLED=true no exporter is built (spans are
// non-recording): exporters() is empty and nothing connects.
//
// Nothing is installed unless everything could be built; the error (e.g. an
// unreadable OTEL_EXPORTER_OTLP_CERTIFICATE) says what and why.
//
// Thread-safety: call install_sdk_from_environment() once, from main(),
// before other threads start spans. An InstalledSdk is thread-compatible;
// the provider it holds is thread-safe.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weft/exporters/otlp_exporter.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/expected.h"
#include "weft/sdk/logger.h"
#include "weft/sdk/span_processor.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/weft.h"

namespace weft::exporters {

// What the application may set in code; the environment wins over each.
struct SdkFromEnvironmentOptions {
  // service.name when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES
  // sets it; empty: unknown_service.
  std::string service_name;
  // The exporters when OTEL_TRACES_EXPORTER is unset, in its syntax
  // ("console", "otlp,console", "none"); empty: otlp. An unknown name here
  // is an error.
  std::string traces_exporter;
  // The otlp exporter's protocol when neither OTEL_EXPORTER_OTLP_PROTOCOL
  // nor OTEL_EXPORTER_OTLP_TRACES_PROTOCOL is set; default grpc.
  std::optional<OtlpProtocol> otlp_protocol;
  // Processors that see every span before the exporters' batch processors
  // (e.g. a simple processor over an in-memory exporter, in tests).
  std::vector<std::unique_ptr<sdk::SpanProcessor>> processors;
  // Where the console exporter prints; not closed.
  std::FILE* console = stdout;
  // How long destroying the InstalledSdk waits for the last spans.
  std::chrono::milliseconds shutdown_timeout{10000};
  // Reports bad variables and export failures; null: the SDK-wide logger.
  std::shared_ptr<sdk::Logger> logger;
  // Where every variable is read from; null means the process environment.
  const sdk::Environment* environment = nullptr;
};

// The installed SDK. Keep it for the life of the program (a local in
// main()): destroying it flushes the spans recorded so far and shuts the
// provider down, within SdkFromEnvironmentOptions::shutdown_timeout. The
// provider stays the global one afterwards, recording nothing. A program
// that leaves through std::exit() skips the destructor of a local: call
// shutdown() first. Move-only.
class InstalledSdk {
 public:
  InstalledSdk(InstalledSdk&& other) noexcept;
  InstalledSdk& operator=(InstalledSdk&& other) noexcept;
  InstalledSdk(const InstalledSdk&) = delete;
  InstalledSdk& operator=(const InstalledSdk&) = delete;
  ~InstalledSdk();

  // The installed provider (weft::tracer_provider() too): its stats(),
  // config() and force_flush().
  const std::shared_ptr<sdk::TracerProvider>& provider() const noexcept {
    return provider_;
  }
  // The exporters in force, as OTEL_TRACES_EXPORTER names them, in order
  // ({"otlp"}, {"otlp", "console"}; empty for none).
  const std::vector<std::string>& exporters() const noexcept {
    return exporters_;
  }
  // Where spans go, for a person: "localhost:4317 (OTLP/gRPC)",
  // "the console", several joined with " and ", or "no exporter".
  const std::string& destination() const noexcept { return destination_; }
  // Flushes and shuts down now; false when `timeout` ran out first. The
  // destructor then does nothing more.
  bool shutdown(std::chrono::milliseconds timeout);

 private:
  friend sdk::Expected<InstalledSdk> install_sdk_from_environment(
      SdkFromEnvironmentOptions options);
  InstalledSdk(std::shared_ptr<sdk::TracerProvider> provider,
               std::vector<std::string> exporters, std::string destination,
               std::chrono::milliseconds shutdown_timeout,
               std::shared_ptr<sdk::Logger> logger);

  std::shared_ptr<sdk::TracerProvider> provider_;
  std::vector<std::string> exporters_;
  std::string destination_;
  std::chrono::milliseconds shutdown_timeout_;
  std::shared_ptr<sdk::Logger> logger_;
};

// Builds the SDK described at the top of this file and installs it
// (weft::set_tracer_provider, sdk::install_propagator_from_environment).
// An Error, and nothing installed, when a part cannot work: an exporter
// that cannot be set up (unreadable certificate file, a client certificate
// without its key), a protocol this build has no exporter for, an invalid
// code option.
sdk::Expected<InstalledSdk> install_sdk_from_environment(
    SdkFromEnvironmentOptions options = {});

}  // namespace weft::exporters
