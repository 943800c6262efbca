// Spans for the OTLP tests, recorded through the real SDK (TestProvider):
// every attribute type, events, links with tracestate, flags and
// attributes, remote and local parents, statuses, kinds, two scopes, and a
// span offered 64 links (32 kept, 32 dropped). One test thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "test_provider.h"
#include "weft/sdk/span_data.h"
#include "weft/tracer.h"

namespace weft::testing {

inline TraceId test_trace_id(std::uint8_t seed) {
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(seed + i * 7 + 1);
  }
  return TraceId(bytes);
}

inline SpanId test_span_id(std::uint8_t seed) {
  std::array<std::uint8_t, 8> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(seed + i * 13 + 1);
  }
  return SpanId(bytes);
}

// Records the varied spans on `provider` and returns them, in end order.
inline sdk::SpanBatch record_varied_spans(TestProvider& provider) {
  const std::vector<bool> flags = {true, false, true};
  const std::vector<std::int64_t> numbers = {-1, 0, 9007199254740993};
  const std::vector<double> ratios = {0.5, -2.25};
  const std::vector<std::string> words = {"alpha", "", "gamma"};
  const Link links[] = {
      make_link(SpanContext(test_trace_id(1), test_span_id(1), TraceFlags(0x03),
                            TraceState::parse("a=1,b=2"),
                            /*is_remote=*/true),
                "triggered_by", {{"queue", std::string("orders")}}),
      Link{SpanContext(test_trace_id(2), test_span_id(2), TraceFlags(0x00)),
           {{"attempt", std::int64_t{2}}, {"ok", false}}},
  };
  {
    Span span = provider.tracer->start_span("batch.process",
                                            StartSpanOptions()
                                                .as_root()
                                                .with_kind(SpanKind::kServer)
                                                .with_borrowed_links(links),
                                            {{"order.id", "ORD-0001"},
                                             {"count", 42},
                                             {"ratio", 0.25},
                                             {"sampled", true},
                                             {"flags", flags},
                                             {"numbers", numbers},
                                             {"ratios", ratios},
                                             {"words", words}});
    span.add_event("cache.miss", {{"key", "k1"}, {"size", 7}});
    span.add_event("no.attributes");
    span.set_status(StatusCode::kError, "timed out");
  }
  {
    const SpanContext remote_parent(test_trace_id(3), test_span_id(3),
                                    TraceFlags(0x01),
                                    TraceState::parse("vendor=x"),
                                    /*is_remote=*/true);
    Span span = provider.tracer->start_span(
        "message.consume", StartSpanOptions()
                               .with_parent(remote_parent)
                               .with_kind(SpanKind::kConsumer));
    span.set_status(StatusCode::kOk);
  }
  {
    auto other = provider.provider->get_tracer("weft.other", "0.9",
                                               "https://example.com/schema");
    Span parent = other->start_span("parent", StartSpanOptions().as_root());
    Span child = other->start_span("child", StartSpanOptions()
                                                .with_parent(parent.context())
                                                .with_kind(SpanKind::kClient));
    child.end();
    parent.end();
  }
  return provider.take_all();
}

// One span offered 64 links (each with 3 attributes); the SDK's default
// limit keeps 32 and counts 32 dropped.
inline sdk::SpanBatch record_span_with_64_links(TestProvider& provider) {
  std::vector<Link> links;
  for (int i = 0; i < 64; ++i) {
    links.push_back(
        make_link(SpanContext(test_trace_id(static_cast<std::uint8_t>(i)),
                              test_span_id(static_cast<std::uint8_t>(i)),
                              TraceFlags(0x01)),
                  "batch_member",
                  {{"index", std::int64_t{i}},
                   {"order.id", "ORD-" + std::to_string(i)}}));
  }
  provider.tracer
      ->start_span("batch",
                   StartSpanOptions().as_root().with_links(std::move(links)))
      .end();
  return provider.take_all();
}

}  // namespace weft::testing
