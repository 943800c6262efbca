// OTLP/JSON (exporters/otlp_common otlp_json.h) without a network:
// from_otlp_json reads back what to_otlp_json writes, field for field, and
// reads what else the OTLP/JSON mapping allows (ids in hex of either case,
// enums as names, 64-bit integers as numbers, the .proto's field names, unknown
// fields); it refuses what is not such a message with a reason.
#include "otlp_json.h"

#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "otlp_test_spans.h"
#include "test_provider.h"

namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using weft::otlp::from_otlp_json;
using weft::otlp::to_otlp_json;

// A request with every kind of field: the varied spans and a span with 64
// links (32 kept), as the exporter encodes them.
ExportTraceServiceRequest recorded_request() {
  weft::testing::TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  for (auto& span : weft::testing::record_span_with_64_links(provider)) {
    spans.push_back(std::move(span));
  }
  weft::otlp::RequestEncoder encoder;
  std::string bytes;
  REQUIRE(encoder.encode(spans, bytes) == 5);
  ExportTraceServiceRequest request;
  REQUIRE(request.ParseFromString(bytes));
  return request;
}

bool same(const google::protobuf::Message& a,
          const google::protobuf::Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  INFO(differences);
  return differencer.Compare(a, b);
}

}  // namespace

TEST_CASE("from_otlp_json reads back every field that to_otlp_json wrote",
          "[otlp][json]") {
  const ExportTraceServiceRequest request = recorded_request();
  const std::string json = to_otlp_json(request);
  REQUIRE_FALSE(json.empty());
  ExportTraceServiceRequest decoded;
  std::string problem;
  REQUIRE(from_otlp_json(json, decoded, &problem));
  CHECK(problem.empty());
  CHECK(same(decoded, request));
  // And the protobuf bytes are the same too.
  CHECK(decoded.SerializeAsString() == request.SerializeAsString());
}

TEST_CASE("from_otlp_json reads what the OTLP/JSON mapping allows",
          "[otlp][json]") {
  // Upper-case hex, an empty parent id, enum names and integers, 64-bit
  // integers as numbers and strings, a snake_case key, unknown fields.
  const std::string json = R"({
    "resourceSpans": [{
      "resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "checkout"}}]},
      "scopeSpans": [{
        "scope": {"name": "orders", "version": "1.2"},
        "spans": [{
          "traceId": "5B8EFFF798038103D269B633813FC60C",
          "spanId": "EEE19B7EC3C1B174",
          "parentSpanId": "",
          "name": "charge",
          "kind": "SPAN_KIND_SERVER",
          "start_time_unix_nano": 1544712660000000000,
          "endTimeUnixNano": "1544712661000000000",
          "attributes": [{"key": "n", "value": {"intValue": 42}},
                         {"key": "b", "value": {"bytesValue": "AAE="}}],
          "links": [{"traceId": "00000000000000000000000000000001",
                     "span_id": "0000000000000002", "flags": 769}],
          "status": {"code": 2, "message": "declined"},
          "somethingNew": {"nested": [1, 2, 3]}
        }]
      }]
    }],
    "aFieldFromTheFuture": true
  })";
  ExportTraceServiceRequest request;
  std::string problem;
  REQUIRE(from_otlp_json(json, request, &problem));
  INFO(problem);
  const auto& span = request.resource_spans(0).scope_spans(0).spans(0);
  CHECK(span.trace_id() ==
        std::string("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f"
                    "\xc6\x0c",
                    16));
  CHECK(span.span_id() == std::string("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8));
  CHECK(span.parent_span_id().empty());
  CHECK(span.kind() == opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  CHECK(span.start_time_unix_nano() == 1544712660000000000u);
  CHECK(span.end_time_unix_nano() == 1544712661000000000u);
  CHECK(span.attributes(0).value().int_value() == 42);
  CHECK(span.attributes(1).value().bytes_value() == std::string("\0\1", 2));
  CHECK(span.links(0).trace_id() == std::string(15, '\0') + "\x01");
  CHECK(span.links(0).span_id() == std::string(7, '\0') + "\x02");
  CHECK(span.links(0).flags() == 769);
  CHECK(span.status().code() == 2);

  // Written back in the canonical form, and read again to the same message.
  const std::string canonical = to_otlp_json(request);
  CHECK_THAT(canonical, Catch::Contains(
                            R"("traceId":"5b8efff798038103d269b633813fc60c")"));
  CHECK_THAT(canonical, Catch::Contains(R"("kind":2)"));
  CHECK_THAT(canonical,
             Catch::Contains(R"("startTimeUnixNano":"1544712660000000000")"));
  ExportTraceServiceRequest again;
  REQUIRE(from_otlp_json(canonical, again));
  CHECK(same(again, request));
}

TEST_CASE("from_otlp_json reads and writes responses and their partial success",
          "[otlp][json]") {
  ExportTraceServiceResponse response;
  REQUIRE(from_otlp_json("{}", response));
  CHECK_FALSE(response.has_partial_success());
  REQUIRE(from_otlp_json(
      R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"}})",
      response));
  CHECK(response.partial_success().rejected_spans() == 3);
  CHECK(response.partial_success().error_message() == "too old");
  CHECK(to_otlp_json(response) ==
        R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"}})");
}

TEST_CASE(
    "from_otlp_json refuses what is not an OTLP/JSON message and says why",
    "[otlp][json]") {
  struct Row {
    int line;
    std::string json;
    std::string problem;
  };
  const std::string deep = std::string(101, '[') + std::string(101, ']');
  const Row row = GENERATE_COPY(
      Row{__LINE__, "", "not JSON"}, Row{__LINE__, "{", "not JSON"},
      Row{__LINE__, "{\"resourceSpans\":[]} trailing", "not JSON"},
      Row{__LINE__, "[]", ""},
      Row{__LINE__,
          R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]})",
          "traceId is not a hex string: \"xyz\""},
      Row{__LINE__,
          R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"abc"}]}]}]})",
          "spanId is not a hex string"},
      Row{__LINE__,
          R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":7}]}]}]})",
          "traceId is not a hex string: 7"},
      Row{__LINE__,
          R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"links":[{"spanId":"zz"}]}]}]}]})",
          "spanId is not a hex string"},
      Row{__LINE__, R"({"resourceSpans":[1]})", ""},
      Row{__LINE__,
          R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_SERVER","startTimeUnixNano":"soon"}]}]}]})",
          ""},
      Row{__LINE__, "{\"resourceSpans\":" + deep + "}",
          "nested more than 100 levels deep"});
  CAPTURE(row.line, row.json);
  ExportTraceServiceRequest request;
  request.add_resource_spans();  // cleared, even when refused
  std::string problem;
  CHECK_FALSE(from_otlp_json(row.json, request, &problem));
  CHECK_FALSE(problem.empty());
  CHECK_THAT(problem, Catch::Contains(row.problem));
  CHECK(request.resource_spans_size() == 0);
}
