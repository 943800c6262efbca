// An application that uses weft from an install prefix: starts a span with a
// link through the API and prints the link, proving that the installed
// headers and CMake package are complete.
#include <cstdio>
#include <string>

#include "weft/weft.h"

int main() {
  auto trace_id = weft::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736");
  auto span_id = weft::SpanId::from_hex("00f067aa0ba902b7");
  if (!trace_id || !span_id) return 1;
  const weft::SpanContext remembered(
      *trace_id, *span_id, weft::TraceFlags(weft::TraceFlags::kSampled), {},
      /*is_remote=*/true);
  const weft::Link links[] = {
      weft::make_link(remembered, weft::relationship::kTriggeredBy)};

  auto tracer = weft::tracer("install_consumer");
  weft::Span span =
      tracer->start_span("consume", weft::StartSpanOptions{}.with_links(links));
  std::printf("span recording=%d link trace_id=%s span_id=%s %s\n",
              span.is_recording() ? 1 : 0,
              links[0].context.trace_id().to_hex().c_str(),
              links[0].context.span_id().to_hex().c_str(),
              std::string(weft::relationship::kTriggeredBy).c_str());
  span.end();
  return 0;
}
