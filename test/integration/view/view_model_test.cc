#include "view_model.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "view_test_data.h"

namespace weft::testing {

using tools::view::read_otlp_json_lines;
using tools::view::SpanRecord;
using tools::view::TraceSet;

TEST_CASE("weft view reads spans, links and dropped counts from OTLP/JSON",
          "[view][model]") {
  std::istringstream in(requests_line() + "\n\n" + batch_line() + "\n");
  std::vector<SpanRecord> spans;
  std::string error;
  REQUIRE(read_otlp_json_lines(in, "spans.jsonl", spans, error));
  REQUIRE(spans.size() == 5);

  const SpanRecord& batch = spans[2];
  CHECK(batch.name == "process-batch");
  CHECK(batch.service == "batcher");
  CHECK(batch.scope == "batcher");
  CHECK(batch.trace_id == kBatchTrace);
  CHECK(batch.parent_span_id.empty());
  CHECK(batch.start_ns == 1002000000);
  CHECK(batch.duration_ns() == 4000000);
  CHECK(batch.line == 3);
  CHECK(batch.dropped_links_count == 2);
  REQUIRE(batch.attributes.size() == 2);
  CHECK(batch.attributes[0].text == "3");
  CHECK(batch.attributes[1].text == R"(["a", "b"])");
  REQUIRE(batch.links.size() == 3);
  CHECK(batch.links[0].relationship() == "batch_member");
  CHECK(batch.links[0].trace_id == kRequestTraceA);
  CHECK(batch.links[1].dropped_attributes_count == 1);
  CHECK(spans[4].status_code == 2);
  CHECK(spans[4].status_message == "disk full");
  CHECK(spans[4].parent_span_id == "a000000000000001");

  const TraceSet traces(std::move(spans));
  CHECK(traces.traces().size() == 3);
  const SpanRecord* request =
      traces.find_span(kRequestTraceA, "00f067aa0ba902b7");
  REQUIRE(request != nullptr);
  REQUIRE(traces.incoming(*request).size() == 1);
  CHECK(traces.incoming(*request)[0].from->name == "process-batch");
}

TEST_CASE("weft view accepts base64 ids and numbers for 64-bit integers",
          "[view][model]") {
  // 0af7651916cd43dd8448eb211c80319c and b7ad6b7169203331 in base64.
  const std::string line =
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"CvdlGRbNQ92ESOshHIAxnA==",)"
      R"("spanId":"t61rcWkgMzE=","name":"x","kind":"SPAN_KIND_SERVER",)"
      R"("startTimeUnixNano":5,"endTimeUnixNano":"9"}]}]}]})";
  std::vector<SpanRecord> spans;
  std::string error;
  REQUIRE(tools::view::parse_otlp_json_line(line, 1, spans, error));
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].trace_id == "0af7651916cd43dd8448eb211c80319c");
  CHECK(spans[0].span_id == "b7ad6b7169203331");
  CHECK(spans[0].kind == 2);
  CHECK(spans[0].duration_ns() == 4);
}

namespace {

// A span whose startTimeUnixNano is `depth` nested arrays: a line of 2 *
// depth bytes that nests deeper than a recursive walk's stack goes.
std::string deeply_nested_start_time(std::size_t depth) {
  return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
         "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":"
         "\"b7ad6b7169203331\",\"startTimeUnixNano\":" +
         std::string(depth, '[') + std::string(depth, ']') + "}]}]}]}";
}

}  // namespace

TEST_CASE("weft view names the line and the field of bad input",
          "[view][model]") {
  const auto [line_number, text, expected] =
      GENERATE(table<int, std::string, std::string>({
          {__LINE__, "", "spans.jsonl: empty: no OTLP/JSON lines"},
          {__LINE__, "\n  \n", "spans.jsonl: empty: no OTLP/JSON lines"},
          {__LINE__, "{}\nnot json\n", "spans.jsonl:2: not JSON (at byte 2)"},
          {__LINE__, "{\"resourceSpans\":[", "spans.jsonl:1: not JSON"},
          {__LINE__, "[1,2]", "spans.jsonl:1: the line: not OTLP/JSON"},
          {__LINE__, "{\"hello\":1}", "spans.jsonl:1: the line: not OTLP/JSON"},
          {__LINE__, "{\"resourceSpans\":{}}",
           "spans.jsonl:1: resourceSpans: expected an array"},
          {__LINE__,
           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
           "\"xyz\",\"spanId\":\"b7ad6b7169203331\"}]}]}]}",
           "spans.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0].traceId: "
           "expected 32 hex digits"},
          {__LINE__,
           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
           "\"0af7651916cd43dd8448eb211c80319c\"}]}]}]}",
           "spans.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0].spanId: "
           "missing"},
          {__LINE__,
           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
           "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":"
           "\"b7ad6b7169203331\",\"startTimeUnixNano\":\"-5\"}]}]}]}",
           "spans[0].startTimeUnixNano: expected an unsigned 64-bit integer"},
          // Found by fuzzing: hex of an 11-byte id read as unpadded base64
          // of 16 bytes, and became another trace id.
          {__LINE__,
           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
           "\"4a05726574727912021001\",\"spanId\":\"b7ad6b7169203331\"}]}]}]}",
           "spans[0].traceId: expected 32 hex digits (or base64 of 16 bytes), "
           "found \"4a05726574727912021001\""},
          // Found by reading while fuzzing: the message dumped the value,
          // recursively, and overflowed the stack.
          {__LINE__, deeply_nested_start_time(200000),
           "spans[0].startTimeUnixNano: expected an unsigned 64-bit integer "
           "(a decimal string), found an array"},
      }));
  CAPTURE(line_number, text);
  std::istringstream in(text);
  std::vector<SpanRecord> spans;
  std::string error;
  CHECK_FALSE(read_otlp_json_lines(in, "spans.jsonl", spans, error));
  CHECK_THAT(error, Catch::Contains(expected));
  CHECK(spans.empty());
}

}  // namespace weft::testing
