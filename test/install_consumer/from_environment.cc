// The same application as main.cc, set up in one call from the environment
// (weft::sdk_from_environment, which links every exporter and so their
// dependencies): proves that the installed package carries them. The
// console exporter prints the span at shutdown.
#include <chrono>
#include <cstdio>
#include <utility>

#include "weft/exporters/sdk_from_environment.h"

int main() {
  weft::exporters::SdkFromEnvironmentOptions options;
  options.service_name = "install_consumer";
  options.traces_exporter = "console";  // OTEL_TRACES_EXPORTER wins if set
  auto sdk = weft::exporters::install_sdk_from_environment(std::move(options));
  if (!sdk) {
    std::fprintf(stderr, "install_consumer: %s\n", sdk.error().message.c_str());
    return 1;
  }

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

  return sdk->shutdown(std::chrono::seconds(10)) ? 0 : 1;
}
