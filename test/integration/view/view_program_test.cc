// `weft view` as a program: bad input gets a message with the line and a
// non-zero exit, never a crash; real output of `weft collect` is shown with
// its links, filters and Mermaid diagram.
#include <signal.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "../otlp/child_process.h"
#include "view_model.h"
#include "view_test_data.h"

namespace weft::testing {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);

using Run = weft::testing::ProgramRun;

Run run(const std::vector<std::string>& arguments) {
  return weft::testing::run_program(arguments, kDeadline);
}

struct TemporaryDirectory {
  TemporaryDirectory() {
    path = "/tmp/weft-view-XXXXXX";
    REQUIRE(mkdtemp(path.data()) != nullptr);
  }
  ~TemporaryDirectory() {
    for (const std::string& file : files) std::remove(file.c_str());
    std::remove(path.c_str());
  }
  std::string file(const std::string& name, const std::string& text = "",
                   bool create = true) {
    files.push_back(path + "/" + name);
    if (create) std::ofstream(files.back(), std::ios::binary) << text;
    return files.back();
  }
  std::string path;
  std::vector<std::string> files;
};

using weft::testing::read_text;

}  // namespace

TEST_CASE("weft view reports bad input with its line and exits 1",
          "[view][program]") {
  TemporaryDirectory directory;
  const auto [line, text,
              expected] = GENERATE(table<int, std::string, std::string>({
      {__LINE__, "", "spans.jsonl: empty"},
      {__LINE__, requests_line() + "\n{oops\n", "spans.jsonl:2: not JSON"},
      {__LINE__, "{\"name\":\"not a request\"}\n",
       "spans.jsonl:1: the line: not OTLP/JSON"},
      {__LINE__, std::string("\x00\xff\xfe garbage\n\x01", 14),
       "spans.jsonl:1: not JSON"},
      // The input quoted in the message is escaped for the terminal.
      {__LINE__, one_span_line(R"("kind":"\u001b[2J\u001b]0;pwned\u0007")"),
       R"(spans.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0].kind: )"
       R"(not a known value (a name or an integer): )"
       R"("\u001b[2J\u001b]0;pwned\u0007")"},
      {__LINE__,
       one_span_line(R"("status":{"code":"\u009b31m\u001b]0;pwned\u0007"})"),
       R"(: not a known value (a name or an integer): )"
       R"("\u009b31m\u001b]0;pwned\u0007")"},
  }));
  CAPTURE(line);
  const std::string path = directory.file("spans.jsonl", text);
  const Run result = run({WEFT_PROGRAM, "view", path});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains(expected));
  CHECK(result.err.find('\x1b') == std::string::npos);
  CHECK(result.err.find("\xc2\x9b") == std::string::npos);
  CHECK(result.out.empty());
}

TEST_CASE("weft view explains its usage errors", "[view][program]") {
  const Run no_file = run({WEFT_PROGRAM, "view"});
  CHECK(no_file.exit_code == 2);
  CHECK_THAT(no_file.err, Catch::Contains("weft view: no FILE given"));
  const Run bogus = run({WEFT_PROGRAM, "view", "--bogus", "x"});
  CHECK(bogus.exit_code == 2);
  CHECK_THAT(bogus.err, Catch::Contains("weft view: unknown option --bogus; "
                                        "see weft view --help"));
  const Run width = run({WEFT_PROGRAM, "view", "--width", "wide", "x"});
  CHECK(width.exit_code == 2);
  CHECK_THAT(width.err,
             Catch::Contains("--width needs a whole number from 4 to 400, "
                             "not 'wide'"));
  const Run missing = run({WEFT_PROGRAM, "view", "/nonexistent/spans.jsonl"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("cannot open"));
  const Run help = run({WEFT_PROGRAM, "view", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--mermaid FILE"));
}

TEST_CASE("weft view reads stdin and several files", "[view][program]") {
  TemporaryDirectory directory;
  const std::string first = directory.file("a.jsonl", requests_line() + "\n");
  const std::string second = directory.file("b.jsonl", batch_line() + "\n");
  const Run result = run({WEFT_PROGRAM, "view", first, second});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("3 traces, 5 spans, 3 links"));
  const Run none = run({WEFT_PROGRAM, "view", first, second, "--service", "x"});
  CHECK(none.exit_code == 1);
  CHECK_THAT(none.err, Catch::Contains("no trace matches the filters"));
}

#ifdef WEFT_BATCH_SAMPLE
TEST_CASE(
    "weft view shows what weft collect received from a sample: links across "
    "traces, dropped links, filters and the Mermaid diagram",
    "[view][program][end_to_end][no_tsan]") {
  TemporaryDirectory directory;
  const std::string spans_file = directory.file("spans.jsonl", "", false);
  const std::string mermaid_file = directory.file("spans.mmd", "", false);
  ChildProcess collector({WEFT_PROGRAM, "collect", "--listen", "127.0.0.1:0",
                          "--out", spans_file});
  REQUIRE(collector.started());
  const std::string address =
      weft::testing::listening_address(collector, kDeadline);
  // 40 items in one batch: over the default link limit of 32.
  const Run sample = run({WEFT_BATCH_SAMPLE, "--otlp", address, "--items", "40",
                          "--batch-size", "40", "--flush-interval", "0"});
  REQUIRE(sample.exit_code == 0);
  collector.signal(SIGINT);
  REQUIRE(collector.wait_exit(kDeadline) == 0);

  const Run all = run({WEFT_PROGRAM, "view", spans_file});
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::StartsWith(
                          "41 traces, 81 spans, 32 links (32 across traces, 0 "
                          "to spans not in the input, 8 dropped by link "
                          "limits)"));
  CHECK_THAT(all.out, Catch::Contains("⚠ dropped: 8 links (over the link "
                                      "limit; 32 kept)"));
  CHECK_THAT(all.out,
             Catch::Contains("⤷ batch_member → receive-item in trace"));
  CHECK_THAT(all.out, Catch::Contains("original.item.id=\"item-31\""));
  CHECK_THAT(all.out, Catch::Contains("└─ process-item"));

  // Only the batch trace, then the batch with the items it links to.
  const Run batch = run({WEFT_PROGRAM, "view", spans_file, "--span",
                         "process-batch", "--mermaid", mermaid_file});
  REQUIRE(batch.exit_code == 0);
  CHECK_THAT(batch.out, Catch::StartsWith("1 trace, 41 spans, 32 links"));
  const std::string diagram = read_text(mermaid_file);
  CHECK_THAT(diagram, Catch::Contains("· process-batch · "
                                      "batch-processor-service\"]"));
  CHECK_THAT(diagram, Catch::Contains("<br/>trace "));  // linked, not shown
  CHECK_THAT(diagram, Catch::Contains(" -.->|batch_member| s0\n"));
  CHECK_THAT(diagram, Catch::Contains("  s0 --> s1\n"));

  const Run linked = run({WEFT_PROGRAM, "view", spans_file, "--span",
                          "process-batch", "--linked"});
  CHECK_THAT(linked.out, Catch::StartsWith("33 traces, 73 spans"));
  const Run by_service = run({WEFT_PROGRAM, "view", spans_file, "--service",
                              "batch-processor-service"});
  CHECK_THAT(by_service.out, Catch::StartsWith("41 traces"));
}

TEST_CASE(
    "with WEFT_SPAN_LINK_RETENTION=continue every link of a 1000-item batch "
    "reaches weft collect, and weft view folds the continuation spans back",
    "[view][program][end_to_end][no_tsan]") {
  TemporaryDirectory directory;
  const std::string spans_file = directory.file("spans.jsonl", "", false);
  ChildProcess collector({WEFT_PROGRAM, "collect", "--listen", "127.0.0.1:0",
                          "--out", spans_file});
  REQUIRE(collector.started());
  const std::string address =
      weft::testing::listening_address(collector, kDeadline);
  const Run sample =
      run({"/usr/bin/env", "WEFT_SPAN_LINK_RETENTION=continue",
           WEFT_BATCH_SAMPLE, "--otlp", address, "--items", "1000",
           "--batch-size", "1000", "--flush-interval", "0"});
  REQUIRE(sample.exit_code == 0);
  CHECK_THAT(sample.err, Catch::Contains("records the rest in continuation"));
  collector.signal(SIGINT);
  REQUIRE(collector.wait_exit(kDeadline) == 0);

  // Through the view model: the batch span holds the 1000 links, in order.
  std::ifstream in(spans_file, std::ios::binary);
  std::vector<tools::view::SpanRecord> spans;
  std::string error;
  REQUIRE(tools::view::read_otlp_json_lines(in, spans_file, spans, error));
  CHECK(spans.size() == 1000 + 1 + 1000 + 31);
  tools::view::fold_continuation_spans(spans);
  REQUIRE(spans.size() == 1000 + 1 + 1000);
  const tools::view::TraceSet traces(std::move(spans));
  const tools::view::SpanRecord* batch = nullptr;
  for (const auto& span : traces.spans()) {
    if (span.name == "process-batch") batch = &span;
  }
  REQUIRE(batch != nullptr);
  CHECK(batch->dropped_links_count == 0);
  CHECK(batch->folded_link_count == 968);
  CHECK(batch->folded_span_count == 31);
  REQUIRE(batch->links.size() == 1000);
  for (std::size_t i = 0; i < batch->links.size(); ++i) {
    CAPTURE(i);
    const auto& link = batch->links[i];
    const tools::view::SpanRecord* item =
        traces.find_span(link.trace_id, link.span_id);
    REQUIRE(item != nullptr);
    REQUIRE(item->attributes.size() >= 1);
    CHECK(item->attributes[0].raw == "item-" + std::to_string(i));
  }

  const Run folded =
      run({WEFT_PROGRAM, "view", spans_file, "--span", "process-batch"});
  REQUIRE(folded.exit_code == 0);
  CHECK_THAT(folded.out, Catch::StartsWith("1 trace, 1001 spans, 1000 links"));
  CHECK_THAT(folded.out,
             Catch::Contains("⤷ 1000 links (968 from 31 continuation spans)"));
  CHECK_THAT(folded.out, !Catch::Contains("(links 33-64)"));
  CHECK_THAT(folded.out, Catch::Contains("0 dropped by link limits"));
  CHECK_THAT(folded.out, !Catch::Contains("⚠ dropped"));

  const Run unfolded = run({WEFT_PROGRAM, "view", spans_file, "--span",
                            "process-batch", "--no-fold"});
  REQUIRE(unfolded.exit_code == 0);
  CHECK_THAT(unfolded.out,
             Catch::StartsWith("1 trace, 1032 spans, 1000 links"));
  CHECK_THAT(unfolded.out, Catch::Contains("├─ process-batch (links 33-64)"));
  CHECK_THAT(unfolded.out, !Catch::Contains("continuation spans)"));
}
#endif

}  // namespace weft::testing
