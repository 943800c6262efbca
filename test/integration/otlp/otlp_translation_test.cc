// The OTLP translation (SpanData -> ExportTraceServiceRequest wire bytes),
// checked by decoding the bytes with the protobuf classes generated from
// weft's OTLP protos: every field arrives as recorded.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "otlp_span_checks.h"
#include "otlp_test_spans.h"
#include "test_provider.h"

namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using weft::otlp::RequestEncoder;
using weft::testing::TestProvider;

ExportTraceServiceRequest encode_and_decode(const weft::sdk::SpanBatch& spans,
                                            std::size_t* encoded = nullptr) {
  RequestEncoder encoder;
  std::string bytes;
  const std::size_t count = encoder.encode(spans, bytes);
  if (encoded != nullptr) *encoded = count;
  ExportTraceServiceRequest request;
  REQUIRE(request.ParseFromString(bytes));
  // The generated serializer writes the same bytes: the encoding is
  // canonical (field order, minimal varints, defaults left out).
  CHECK(request.SerializeAsString() == bytes);
  return request;
}

}  // namespace

TEST_CASE("every span field decodes as recorded", "[otlp][translation]") {
  weft::sdk::TracerProviderOptions options;
  options.service_name = "checkout";
  options.resource_attributes = {
      {"deployment.environment", std::string("test")},
      {"host.cpus", std::int64_t{2}}};
  TestProvider provider(std::move(options));
  const weft::sdk::SpanBatch spans =
      weft::testing::record_varied_spans(provider);
  REQUIRE(spans.size() == 4);

  std::size_t encoded = 0;
  const ExportTraceServiceRequest request = encode_and_decode(spans, &encoded);
  CHECK(encoded == 4);

  // One resource (one provider), two scopes (two tracers).
  REQUIRE(request.resource_spans_size() == 1);
  const auto& resource_spans = request.resource_spans(0);
  const auto& resource = *spans.front()->tracer->resource;
  REQUIRE(
      static_cast<std::size_t>(resource_spans.resource().attributes_size()) ==
      resource.attributes.size());
  for (std::size_t i = 0; i < resource.attributes.size(); ++i) {
    const auto& decoded =
        resource_spans.resource().attributes(static_cast<int>(i));
    CHECK(decoded.key() == resource.attributes[i].first);
    weft::testing::check_value(resource.attributes[i].second, decoded.value());
  }
  REQUIRE(resource_spans.scope_spans_size() == 2);
  std::map<std::string, const opentelemetry::proto::trace::v1::ScopeSpans*>
      scopes;
  for (const auto& scope_spans : resource_spans.scope_spans()) {
    scopes[scope_spans.scope().name()] = &scope_spans;
  }
  REQUIRE(scopes.count("weft.test") == 1);
  REQUIRE(scopes.count("weft.other") == 1);
  CHECK(scopes["weft.test"]->scope().version() == "1.2.3");
  CHECK(scopes["weft.other"]->scope().version() == "0.9");
  CHECK(scopes["weft.other"]->schema_url() == "https://example.com/schema");

  // Spans keep their order within a scope.
  std::map<std::string,
           std::vector<const opentelemetry::proto::trace::v1::Span*>>
      decoded_by_scope;
  for (const auto& [name, scope_spans] : scopes) {
    for (const auto& span : scope_spans->spans()) {
      decoded_by_scope[name].push_back(&span);
    }
  }
  std::map<std::string, std::size_t> next;
  for (const auto& span : spans) {
    const std::string scope = span->tracer->scope.name;
    REQUIRE(next[scope] < decoded_by_scope[scope].size());
    weft::testing::check_span(*span, *decoded_by_scope[scope][next[scope]++]);
  }
}

TEST_CASE(
    "the flags carry the W3C byte and whether the parent and each link "
    "are remote",
    "[otlp][translation]") {
  TestProvider provider;
  const weft::sdk::SpanBatch spans =
      weft::testing::record_varied_spans(provider);
  const ExportTraceServiceRequest request = encode_and_decode(spans);
  const auto& test_scope = request.resource_spans(0).scope_spans(0);
  REQUIRE(test_scope.scope().name() == "weft.test");
  const auto& batch = test_scope.spans(0);
  const auto& consume = test_scope.spans(1);
  // Root span: is-remote known (0x100), not remote, sampled.
  CHECK((batch.flags() & 0x300u) == 0x100u);
  CHECK((batch.flags() & 0x01u) == 0x01u);
  // Child of a remote parent: 0x100 | 0x200.
  CHECK((consume.flags() & 0x300u) == 0x300u);
  CHECK(consume.trace_state() == "vendor=x");
  // Link 0 is remote with flags 0x03 and a tracestate; link 1 is local.
  CHECK(batch.links(0).flags() == 0x303u);
  CHECK(batch.links(0).trace_state() == "a=1,b=2");
  CHECK(batch.links(1).flags() == 0x100u);
}

TEST_CASE("a span offered 64 links carries 32 and a dropped count of 32",
          "[otlp][translation]") {
  TestProvider provider;
  const weft::sdk::SpanBatch spans =
      weft::testing::record_span_with_64_links(provider);
  REQUIRE(spans.size() == 1);
  const ExportTraceServiceRequest request = encode_and_decode(spans);
  const auto& span = request.resource_spans(0).scope_spans(0).spans(0);
  CHECK(span.links_size() == 32);
  CHECK(span.dropped_links_count() == 32);
  weft::testing::check_span(*spans.front(), span);
}

TEST_CASE("spans without a tracer identity and empty batches encode",
          "[otlp][translation]") {
  SECTION("an empty batch is an empty request") {
    const ExportTraceServiceRequest request =
        encode_and_decode(weft::sdk::SpanBatch{});
    CHECK(request.resource_spans_size() == 0);
  }
  SECTION("a hand-built span without tracer has no resource and no scope") {
    weft::sdk::SpanBatch spans;
    spans.push_back(std::make_unique<weft::sdk::SpanData>());
    weft::sdk::SpanData& span = *spans.back();
    span.trace_id = weft::testing::test_trace_id(9);
    span.span_id = weft::testing::test_span_id(9);
    span.name = span.arena.copy("hand.built");
    span.attributes.push_back(
        span.arena,
        weft::sdk::Attribute{span.arena.copy("empty"), std::string_view()});
    spans.push_back(nullptr);  // skipped
    std::size_t encoded = 0;
    const ExportTraceServiceRequest request =
        encode_and_decode(spans, &encoded);
    CHECK(encoded == 1);
    REQUIRE(request.resource_spans_size() == 1);
    CHECK_FALSE(request.resource_spans(0).has_resource());
    REQUIRE(request.resource_spans(0).scope_spans_size() == 1);
    CHECK_FALSE(request.resource_spans(0).scope_spans(0).has_scope());
    weft::testing::check_span(
        span, request.resource_spans(0).scope_spans(0).spans(0));
  }
}

TEST_CASE("the encoder reuses its buffers across requests",
          "[otlp][translation]") {
  TestProvider provider;
  RequestEncoder encoder;
  std::string first;
  std::string second;
  const weft::sdk::SpanBatch many =
      weft::testing::record_varied_spans(provider);
  const weft::sdk::SpanBatch one =
      weft::testing::record_span_with_64_links(provider);
  encoder.encode(many, first);
  encoder.encode(one, second);
  ExportTraceServiceRequest request;
  REQUIRE(request.ParseFromString(second));
  REQUIRE(request.resource_spans(0).scope_spans(0).spans_size() == 1);
  CHECK(request.resource_spans(0).scope_spans(0).spans(0).name() == "batch");
}
