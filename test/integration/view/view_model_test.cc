#include "view_model.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "terminal_text.h"
#include "view_test_data.h"

namespace weft::testing {

using tools::view::read_otlp_json_lines;
using tools::view::SpanRecord;
using tools::view::TraceSet;

namespace {

// The spans read from one_span_line(fields), which must parse into one.
std::vector<SpanRecord> parse_one_span(const std::string& fields) {
  std::vector<SpanRecord> spans;
  std::string error;
  REQUIRE(tools::view::parse_otlp_json_line(one_span_line(fields), 1, spans,
                                            error));
  REQUIRE(spans.size() == 1);
  return spans;
}

}  // namespace

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
          // OTLP enums are open (any 32-bit number is read), but a number
          // in a string, a fraction, a number past 32 bits or an unknown
          // name is no enum value.
          {__LINE__, one_span_line(R"("kind":"9")"),
           "spans[0].kind: not a known value (a name or an integer): \"9\""},
          {__LINE__, one_span_line(R"("kind":2.5)"),
           "spans[0].kind: not a known value (a name or an integer): 2.5"},
          {__LINE__, one_span_line(R"("kind":4294967298)"),
           "spans[0].kind: not a 32-bit enum value: 4294967298"},
          {__LINE__, one_span_line(R"("kind":-2147483649)"),
           "spans[0].kind: not a 32-bit enum value: -2147483649"},
          {__LINE__, one_span_line(R"("kind":"SPAN_KIND_TELEPATHIC")"),
           "spans[0].kind: not a known value (a name or an integer): "
           "\"SPAN_KIND_TELEPATHIC\""},
          {__LINE__, one_span_line(R"("status":{"code":"STATUS_CODE_MAYBE"})"),
           "spans[0].status.code: not a known value (a name or an integer): "
           "\"STATUS_CODE_MAYBE\""},
          {__LINE__, one_span_line(R"("status":{"code":true})"),
           "spans[0].status.code: not a known value (a name or an integer): "
           "true"},
          // What a message quotes of the input is escaped for the terminal:
          // a bad id (decoded from JSON escapes), a bad value (C1 CSI), the
          // bytes the JSON parser stopped at (raw, not UTF-8).
          {__LINE__,
           "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
           "\"\\u001b[2J\\u001b]0;pwned\\u0007\",\"spanId\":"
           "\"b7ad6b7169203331\"}]}]}]}",
           "spans[0].traceId: expected 32 hex digits (or base64 of 16 bytes), "
           "found \"\\x1b[2J\\x1b]0;pwned\\x07\""},
          {__LINE__, one_span_line(R"("kind":"\u009b31m")"),
           "spans[0].kind: not a known value (a name or an integer): "
           "\"\\u009b31m\""},
          {__LINE__, "{\"a\":\xff\xfe\x1b}", "\\xff"},
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
  CHECK(error == tools::view::terminal_text(error));  // nothing to escape
  CHECK(spans.empty());
}

TEST_CASE(
    "weft view reads span kinds and status codes as numbers, known or not "
    "(OTLP enums are open), or as their names",
    "[view][model]") {
  const auto [line, fields, kind,
              status_code] = GENERATE(table<int, std::string, int, int>({
      {__LINE__, "", 0, 0},
      {__LINE__, R"("kind":3,"status":{"code":1})", 3, 1},
      {__LINE__, R"("kind":"SPAN_KIND_CONSUMER")", 5, 0},
      {__LINE__, R"("status":{"code":"STATUS_CODE_ERROR"})", 0, 2},
      // From a client newer than weft: a file stays readable.
      {__LINE__, R"("kind":9,"status":{"code":7})", 9, 7},
      {__LINE__, R"("kind":-3,"status":{"code":2147483647})", -3, 2147483647},
      {__LINE__, R"("kind":-2147483648)", INT32_MIN, 0},
  }));
  CAPTURE(line, fields);
  std::vector<SpanRecord> spans = parse_one_span(fields);
  CHECK(spans[0].kind == kind);
  CHECK(spans[0].status_code == status_code);
}

TEST_CASE(
    "weft view's traces never end before they start, also when their spans "
    "do",
    "[view][model]") {
  const auto [line, fields, duration,
              ends_before_start] = GENERATE(table<int, std::string,
                                                  std::uint64_t, bool>({
      {__LINE__, R"("startTimeUnixNano":"5","endTimeUnixNano":"9")", 4, false},
      {__LINE__, R"("startTimeUnixNano":"5","endTimeUnixNano":"5")", 0, false},
      // Not ended (end left at 0), or a clock that went back.
      {__LINE__, R"("startTimeUnixNano":"1700000000000000000")", 0, true},
      {__LINE__,
       R"("startTimeUnixNano":"18446744073709551615","endTimeUnixNano":"1")", 0,
       true},
  }));
  CAPTURE(line, fields);
  std::vector<SpanRecord> spans = parse_one_span(fields);
  CHECK(spans[0].duration_ns() == duration);
  CHECK(spans[0].ends_before_start() == ends_before_start);
  const TraceSet traces(std::move(spans));
  REQUIRE(traces.traces().size() == 1);
  const TraceSet::Trace& trace = traces.traces()[0];
  CHECK(trace.end_ns >= trace.start_ns);
  CHECK(trace.duration_ns() == duration);
}

}  // namespace weft::testing
