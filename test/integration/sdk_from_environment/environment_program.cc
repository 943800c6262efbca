// environment_program: a program configured only by environment variables.
// It instruments itself with the three lines of
// weft/exporters/sdk_from_environment.h, records a request span and a batch
// span linked to it, and exits 0 when the SDK was set up and every span was
// handed over in time (1 otherwise). The integration tests run it as a child
// process with a chosen environment.
#include <chrono>
#include <cstdio>

#include "weft/exporters/sdk_from_environment.h"

int main() {
  auto sdk = weft::exporters::install_sdk_from_environment();
  if (!sdk) {
    std::fprintf(stderr, "%s\n", sdk.error().message.c_str());
    return 1;
  }

  auto tracer = weft::tracer("environment_program", "1.0");
  weft::Span request =
      tracer->start_span("receive-request", weft::StartSpanOptions().as_root());
  const weft::SpanContext request_context = request.context();
  request.end();
  weft::Span batch = tracer->start_span(
      "process-batch",
      weft::StartSpanOptions().as_root().with_links({weft::make_link(
          request_context, weft::relationship::kBatchMember)}));
  batch.end();

  const bool complete = sdk->shutdown(std::chrono::seconds(10));
  const weft::sdk::TracerStats stats = sdk->provider()->stats();
  std::fprintf(stderr, "environment_program: %llu spans exported to %s\n",
               static_cast<unsigned long long>(stats.spans_exported),
               sdk->destination().c_str());
  return complete && stats.spans_export_failed == 0 ? 0 : 1;
}
