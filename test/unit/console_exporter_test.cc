// Tests of the console exporter: the text it prints for a span shows the
// span, its events and its links (relationship, trace and span ids,
// tracestate, other attributes) and every dropped count.
#include "weft/exporters/console_exporter.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "test_provider.h"

namespace {

using Catch::Matchers::Contains;
using weft::StartSpanOptions;
using weft::testing::make_context;
using weft::testing::TestProvider;

// Reads back everything written to `file`.
std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[4096];
  std::size_t read;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    text.append(buffer, read);
  }
  return text;
}

}  // namespace

TEST_CASE(
    "the console text shows each link with its relationship, ids, tracestate "
    "and attributes",
    "[console]") {
  weft::sdk::TracerProviderOptions options;
  options.limits.link_count = 2;
  options.limits.attributes_per_link = 2;
  TestProvider test(std::move(options));
  const weft::SpanContext order =
      make_context(0x11, 0x2222, weft::TraceFlags(1), true,
                   weft::TraceState::parse("shop=eu"));
  const std::vector<weft::Link> links = {
      weft::make_link(order, weft::relationship::kBatchMember,
                      {{"order.id", std::string("ORD-1")},
                       {"order.priority", std::int64_t(2)}}),
      {make_context(0x33, 0x4444), {{"plain", true}}},
      weft::make_link(make_context(0x55, 0x6666), "retry_of"),
  };
  test.tracer->start_span("process batch", StartSpanOptions().with_links(links))
      .end();
  const auto span = test.take_one();
  const std::string text = weft::exporters::format_span(*span);
  CAPTURE(text);

  CHECK_THAT(text, Contains("process batch"));
  CHECK_THAT(text, Contains("-> batch_member trace " +
                            order.trace_id().to_hex() + " span " +
                            order.span_id().to_hex() + " tracestate shop=eu"));
  CHECK_THAT(text, Contains("order.id = \"ORD-1\""));
  // The third attribute of the first link was dropped (limit 2).
  CHECK_THAT(text, Contains("(dropped attributes: 1)"));
  CHECK_THAT(text, !Contains("order.priority"));
  // A link without a relationship is shown as "link".
  CHECK_THAT(text, Contains("-> link trace " +
                            make_context(0x33, 0x4444).trace_id().to_hex()));
  CHECK_THAT(text, Contains("plain = true"));
  // The third link was dropped (limit 2) and counted.
  CHECK_THAT(text, !Contains("retry_of"));
  CHECK_THAT(text, Contains("dropped: 1 links, 0 attributes, 0 events"));
}

TEST_CASE("the console text shows the span's ids, status, events and values",
          "[console]") {
  weft::sdk::TracerProviderOptions options;
  options.limits.event_count = 1;
  options.limits.attribute_count = 4;
  TestProvider test(std::move(options));
  const weft::SpanContext parent =
      make_context(0x77, 0x88, weft::TraceFlags(1), true);
  auto span = test.tracer->start_span(
      "charge card", StartSpanOptions().with_parent(parent).with_kind(
                         weft::SpanKind::kClient));
  span.set_attribute("amount", 12.5);
  span.set_attribute("ok", false);
  span.set_attribute("codes", std::vector<std::int64_t>{1, 2});
  span.set_attribute("tags", std::vector<std::string>{"a", "b"});
  span.set_attribute("dropped", 1);
  span.add_event("declined", {{"reason", "limit"}});
  span.add_event("dropped event");
  span.set_status(weft::StatusCode::kError, "card declined");
  const weft::SpanContext context = span.context();
  span.end();
  const std::string text = weft::exporters::format_span(*test.take_one());
  CAPTURE(text);

  CHECK_THAT(text, Contains("span charge card (client"));
  CHECK_THAT(text, Contains("status error: card declined"));
  CHECK_THAT(text, Contains("trace " + context.trace_id().to_hex() + " span " +
                            context.span_id().to_hex() + " parent " +
                            parent.span_id().to_hex() + " (remote)"));
  CHECK_THAT(text, Contains("scope weft.test"));
  CHECK_THAT(text, Contains("amount = 12.5"));
  CHECK_THAT(text, Contains("ok = false"));
  CHECK_THAT(text, Contains("codes = [1, 2]"));
  CHECK_THAT(text, Contains("tags = [\"a\", \"b\"]"));
  CHECK_THAT(text, Contains("event declined"));
  CHECK_THAT(text, Contains("reason = \"limit\""));
  CHECK_THAT(text, Contains("dropped: 0 links, 1 attributes, 1 events"));
}

TEST_CASE("a root span without drops prints no dropped line", "[console]") {
  TestProvider test;
  test.tracer->start_span("quiet").end();
  const std::string text = weft::exporters::format_span(*test.take_one());
  CAPTURE(text);
  CHECK_THAT(text, Contains("parent (root)"));
  CHECK_THAT(text, !Contains("dropped"));
}

TEST_CASE("the console exporter writes every span and fails after shutdown",
          "[console]") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  weft::exporters::ConsoleExporter exporter(file);
  TestProvider test;
  test.tracer->start_span("first").end();
  test.tracer->start_span("second").end();
  weft::sdk::SpanBatch spans = test.take_all();
  REQUIRE(spans.size() == 2);
  CHECK(exporter.export_spans(spans) == weft::sdk::ExportResult::kSuccess);
  const std::string text = read_all(file);
  CHECK_THAT(text, Contains("span first"));
  CHECK_THAT(text, Contains("span second"));
  CHECK(text.find("span first") < text.find("span second"));

  CHECK(exporter.shutdown(std::chrono::milliseconds(10)));
  CHECK(exporter.export_spans(spans) == weft::sdk::ExportResult::kFailure);
  std::fclose(file);
}

TEST_CASE(
    "the console exporter may be shut down from another thread while it "
    "exports",
    "[console]") {
  // SpanExporter's contract: shutdown() may come from another thread than
  // export_spans() (the batch processor does so when its worker is late).
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  weft::exporters::ConsoleExporter exporter(file);
  TestProvider test;
  test.tracer->start_span("s").end();
  weft::sdk::SpanBatch spans = test.take_all();
  std::atomic<bool> exporting{false};
  std::thread worker([&] {
    for (int i = 0; i < 200; ++i) {
      exporting = true;
      if (exporter.export_spans(spans) != weft::sdk::ExportResult::kSuccess) {
        return;
      }
    }
  });
  while (!exporting) std::this_thread::yield();
  CHECK(exporter.shutdown(std::chrono::milliseconds(10)));
  worker.join();
  CHECK(exporter.export_spans(spans) == weft::sdk::ExportResult::kFailure);
  std::fclose(file);
}
