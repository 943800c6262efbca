// An application that uses weft from an install prefix (ctest
// `install_consumer`): installs the SDK with the console exporter, starts a
// span with a link and lets the exporter print it, proving that the installed
// headers, libraries and CMake package are complete.
#include <cstdio>
#include <memory>
#include <utility>

#include "weft/exporters/console_exporter.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/weft.h"

int main() {
  weft::sdk::TracerProviderOptions options;
  options.service_name = "install_consumer";
  options.processors.push_back(weft::sdk::make_simple_processor(
      std::make_unique<weft::exporters::ConsoleExporter>(stdout)));
  auto provider = weft::sdk::make_tracer_provider(std::move(options));
  if (!provider) {
    std::fprintf(stderr, "install_consumer: %s\n",
                 provider.error().message.c_str());
    return 1;
  }
  weft::set_tracer_provider(*provider);

  auto trace_id = weft::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  auto span_id = weft::SpanId::from_hex("00f067aa0ba902b7");
  if (!trace_id || !span_id) return 1;
  const weft::SpanContext remembered(
      *trace_id, *span_id, weft::TraceFlags(weft::TraceFlags::kSampled), {},
      /*is_remote=*/true);
  auto tracer = weft::tracer("install_consumer", "1.0");
  weft::Span span = tracer->start_span(
      "consume", weft::StartSpanOptions{}.with_links({weft::make_link(
                     remembered, weft::relationship::kTriggeredBy)}));
  if (!span.is_recording()) return 1;
  span.end();

  weft::set_tracer_provider(nullptr);
  return (*provider)->shutdown() ? 0 : 1;
}
