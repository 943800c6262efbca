#include "view_render.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>

#include "view_test_data.h"

namespace weft::testing {
namespace {

using namespace tools::view;

std::vector<SpanRecord> test_spans() {
  std::istringstream in(requests_line() + "\n" + batch_line() + "\n");
  std::vector<SpanRecord> spans;
  std::string error;
  REQUIRE(read_otlp_json_lines(in, "test", spans, error));
  return spans;
}

std::string span_id(std::size_t number) {
  char text[17];
  std::snprintf(text, sizeof text, "%016zx", number);
  return text;
}

std::vector<std::string> ids_of(
    const std::vector<const TraceSet::Trace*>& shown) {
  std::vector<std::string> ids;
  for (const auto* trace : shown) ids.push_back(trace->trace_id);
  return ids;
}

}  // namespace

TEST_CASE(
    "weft view draws each trace as a tree with its links in both directions "
    "and the dropped counts",
    "[view][render]") {
  const TraceSet traces(test_spans());
  const std::string text =
      render_waterfall(traces, select_traces(traces, {}), {});
  CHECK_THAT(text, Catch::StartsWith(
                       "3 traces, 5 spans, 3 links (3 across traces, 1 to "
                       "spans not in the input, 2 dropped by link limits)"));
  CHECK_THAT(text, Catch::Contains("trace 2cf7651916cd43dd8448eb211c80319c  "
                                   "batcher  3 spans, 4.00ms, 3 links"));
  CHECK_THAT(text, Catch::Contains("process-batch\n"));
  CHECK_THAT(text, Catch::Contains("├─ process-item\n"));
  CHECK_THAT(text, Catch::Contains("ERROR  └─ process-item  ✗ disk full"));
  CHECK_THAT(text, Catch::Contains("⤷ batch_member → receive-item in trace "
                                   "0af76519  batch.item.index=0\n"));
  CHECK_THAT(text, Catch::Contains("(+1 attributes dropped)"));
  CHECK_THAT(text, Catch::Contains("⤷ batch_member → span 22f067aa in trace "
                                   "3df76519 (not in the input)"));
  CHECK_THAT(text, Catch::Contains("⚠ dropped: 2 links (over the link limit; "
                                   "3 kept)"));
  CHECK_THAT(text, Catch::Contains("⤶ linked from process-batch in trace "
                                   "2cf76519 as batch_member"));
  // Traces come in start order; the child spans follow their parent.
  CHECK(text.find("0af7651916cd43dd8448eb211c80319c") <
        text.find("2cf7651916cd43dd8448eb211c80319c"));
  CHECK(text.find("process-batch\n") < text.find("├─ process-item"));
}

TEST_CASE("weft view's bars place each span on its trace's timeline",
          "[view][render]") {
  const TraceSet traces(test_spans());
  const std::string text = render_waterfall(
      traces, select_traces(traces, {kBatchTrace, "", "", false}), {8});
  // process-batch spans the trace; each child takes one half.
  CHECK_THAT(text, Catch::Contains("|████████|"));
  CHECK_THAT(text, Catch::Contains("|████    |  ok"));
  CHECK_THAT(text, Catch::Contains("|    ████|  ERROR"));
}

TEST_CASE("weft view filters by trace id, span name and service",
          "[view][render]") {
  const TraceSet traces(test_spans());
  const auto [line, filter, expected] =
      GENERATE(table<int, Filter, std::vector<std::string>>({
          {__LINE__, Filter{"2cf7", "", "", false}, {kBatchTrace}},
          {__LINE__,
           Filter{"", "receive-item", "", false},
           {kRequestTraceA, kRequestTraceB}},
          {__LINE__, Filter{"", "", "batcher", false}, {kBatchTrace}},
          {__LINE__,
           Filter{"", "process-batch", "", true},
           {kRequestTraceA, kRequestTraceB, kBatchTrace}},
          {__LINE__,
           Filter{kRequestTraceB, "", "", true},
           {kRequestTraceB, kBatchTrace}},
          {__LINE__, Filter{"", "", "nobody", false}, {}},
      }));
  CAPTURE(line);
  CHECK(ids_of(select_traces(traces, filter)) == expected);
}

TEST_CASE(
    "weft view's Mermaid diagram has a subgraph per trace, parent arrows and "
    "dotted link arrows labelled with the relationship",
    "[view][render]") {
  const TraceSet traces(test_spans());
  const std::string diagram = render_mermaid(traces, select_traces(traces, {}));
  CHECK_THAT(diagram, Catch::StartsWith("graph TD\n"));
  CHECK_THAT(
      diagram,
      Catch::Contains("  subgraph t2[\"Trace 2cf76519 · process-batch · "
                      "batcher\"]\n    s2[\"process-batch<br/>4.00ms\"]\n"));
  CHECK_THAT(diagram, Catch::Contains("  s2 --> s3\n  s2 --> s4\n"));
  CHECK_THAT(diagram, Catch::Contains("  s0 -.->|batch_member| s2\n"));
  CHECK_THAT(diagram, Catch::Contains("  s1 -.->|batch_member| s2\n"));
  CHECK_THAT(diagram,
             Catch::Contains("  x0[\"span 22f067aa<br/>trace 3df76519 (not in "
                             "the input)\"]:::external\n"));
  CHECK_THAT(diagram, Catch::Contains("  x0 -.->|batch_member| s2\n"));
  CHECK_THAT(diagram, Catch::Contains("class s4 error\n"));
  // Every subgraph is closed.
  std::size_t opened = 0;
  std::size_t closed = 0;
  for (std::size_t at = 0;
       (at = diagram.find("subgraph", at)) != std::string::npos; ++at) {
    ++opened;
  }
  for (std::size_t at = 0;
       (at = diagram.find("  end\n", at)) != std::string::npos; ++at) {
    ++closed;
  }
  CHECK(opened == 3);
  CHECK(closed == 3);
}

TEST_CASE(
    "weft view draws a chain of spans deeper than the stack, with lines that "
    "stop growing past 32 levels",
    "[view][render]") {
  // Found while fuzzing weft view: the tree was drawn recursively (a stack
  // overflow at a few thousand levels under ASan) and each level indented
  // further (output quadratic in the depth).
  constexpr std::size_t kSpans = 100000;
  std::vector<SpanRecord> spans(kSpans);
  for (std::size_t i = 0; i < kSpans; ++i) {
    spans[i].trace_id = kBatchTrace;
    spans[i].span_id = span_id(i + 1);
    if (i > 0) spans[i].parent_span_id = span_id(i);
    spans[i].name = "level-" + std::to_string(i);
    spans[i].start_ns = 1000 + i;
    spans[i].end_ns = 1000 + 2 * kSpans - i;
  }
  const TraceSet traces(std::move(spans));
  const std::string text =
      render_waterfall(traces, select_traces(traces, {}), {4});

  std::size_t lines = 0;
  std::size_t longest = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line); ++lines) {
    longest = std::max(longest, line.size());
  }
  CHECK(lines == kSpans + 4);  // summary, blank, trace header, column titles
  CHECK(longest < 300);
  CHECK_THAT(text, Catch::Contains("└─ level-32\n"));
  CHECK_THAT(text, Catch::Contains("└─ level-33  (depth 33)\n"));
  CHECK_THAT(text, Catch::EndsWith("└─ level-99999  (depth 99999)\n"));
  // Levels 32 and deeper share one indentation.
  const auto indentation = [&](const std::string& name) {
    const std::size_t at = text.find("└─ " + name);
    return at - text.rfind('|', at);
  };
  CHECK(indentation("level-32\n") == indentation("level-99999"));
  CHECK(indentation("level-31\n") < indentation("level-32\n"));
}

namespace {

// No control character but the newlines that end lines: no other C0
// control, no DEL, no C1 control (U+0080..U+009F as UTF-8).
bool only_printable_lines(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\n') || byte == 0x7f) return false;
    if (byte == 0xc2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return false;
    }
  }
  return true;
}

// A link from the span of one_span_line() to itself, with a relationship
// and another attribute: shown both as the span's link and as a link
// pointing at it.
std::string self_link(const std::string& relationship, const std::string& key,
                      const std::string& value) {
  return std::string(R"("links":[{"traceId":")") + kBatchTrace +
         R"(","spanId":"a000000000000001","attributes":[)" +
         R"({"key":"link.relationship","value":{"stringValue":")" +
         relationship + R"("}},{"key":")" + key +
         R"(","value":{"stringValue":")" + value + R"("}}]}])";
}

}  // namespace

TEST_CASE(
    "weft view shows the input's text escaped for the terminal, unknown "
    "kinds and status codes as numbers, and spans that end before they "
    "start with no duration",
    "[view][render]") {
  // Each row: the span's JSON members (one_span_line), its service.name (as
  // JSON), what the waterfall shows and what the Mermaid diagram shows.
  const auto [line, fields, service, in_waterfall, in_mermaid] =
      GENERATE(table<int, std::string, std::string, std::string, std::string>({
          // Terminal escape sequences and control characters in the names.
          {__LINE__, R"("name":"\u001b[31mred\u001b[0m")", "shop",
           R"(  \x1b[31mred\x1b[0m)", R"(s0["\x1b[31mred\x1b[0m<br/>0ns"])"},
          {__LINE__, R"("name":"x")", R"(\u001b]0;pwned\u0007)",
           R"(  \x1b]0;pwned\x07  1 span, 0ns, 0 links)",
           R"( · x · \x1b]0;pwned\x07"])"},
          {__LINE__,
           R"("name":"w","status":{"code":2,"message":"disk\nfull\u001b[2J"})",
           "shop", R"(ERROR  w  ✗ disk\nfull\x1b[2J)", "class s0 error"},
          {__LINE__,
           R"("name":"n\u009b",)" +
               self_link(R"(rel\u001b[2J)", R"(k\u202e)", R"(v\u001b)"),
           "shop", R"(⤷ rel\x1b[2J → n\u009b (same trace)  k\u202e="v\u001b")",
           R"(s0 -.->|rel\x1b[2J| s0)"},
          {__LINE__, R"("name":"n\u009b",)" + self_link("rel\u2066", "k", "v"),
           "shop", R"(⤶ linked from n\u009b (same trace) as rel\u2066)",
           R"(s0["n\u009b<br/>0ns"])"},
          // Mermaid's own syntax in a name: entity codes.
          {__LINE__, R"("name":"#quot;|<b>\"&`")", "shop", R"(  #quot;|<b>"&`)",
           R"(s0["#35;quot;#124;#lt;b#gt;#quot;#38;#96;<br/>0ns"])"},
          // Kinds and status codes that OTLP does not name (yet).
          {__LINE__, R"("name":"x","kind":9)", "shop", "  x (kind 9)\n",
           R"(s0["x<br/>0ns"])"},
          {__LINE__, R"("name":"x","kind":"SPAN_KIND_PRODUCER")", "shop",
           "  x (producer)\n", R"(s0["x<br/>0ns"])"},
          {__LINE__, R"("name":"x","status":{"code":7,"message":"m"})", "shop",
           "|  code 7 x\n", R"(s0["x<br/>0ns"])"},
          // Not ended (end time 0): no wrapped duration, in the header or
          // the span's line.
          {__LINE__, R"("name":"x","startTimeUnixNano":"1700000000000000000")",
           "shop", "1 span, 0ns, 0 links",
           R"x(s0["x<br/>0ns (end#lt;start)"])x"},
          {__LINE__,
           R"("name":"x","startTimeUnixNano":"900","endTimeUnixNano":"5")",
           "shop", "+0ns        0ns  |█   |         x  ⚠ end<start\n",
           R"x(s0["x<br/>0ns (end#lt;start)"])x"},
      }));
  CAPTURE(line, fields, service);
  std::vector<SpanRecord> spans;
  std::string error;
  REQUIRE(
      parse_otlp_json_line(one_span_line(fields, service), 1, spans, error));
  const TraceSet traces(std::move(spans));
  const auto shown = select_traces(traces, {});
  const std::string waterfall = render_waterfall(traces, shown, {4});
  const std::string mermaid = render_mermaid(traces, shown);
  CAPTURE(waterfall, mermaid);
  CHECK_THAT(waterfall, Catch::Contains(in_waterfall));
  CHECK_THAT(mermaid, Catch::Contains(in_mermaid));
  CHECK(only_printable_lines(waterfall));
  CHECK(only_printable_lines(mermaid));
}

TEST_CASE("weft view formats durations for people", "[view][render]") {
  CHECK(format_duration(850) == "850ns");
  CHECK(format_duration(12300) == "12.3µs");
  CHECK(format_duration(4560000) == "4.56ms");
  CHECK(format_duration(1230000000) == "1.23s");
}

}  // namespace weft::testing
