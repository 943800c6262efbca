// Tests of the simple span processor: each span exported synchronously on the
// thread that ends it, failures counted, shutdown once, spans after shutdown
// dropped and counted.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_exporter.h"
#include "test_provider.h"
#include "weft/sdk/simple_span_processor.h"

namespace {

using std::chrono::milliseconds;
using weft::sdk::SpanData;
using weft::testing::FakeExporter;
using weft::testing::FakeExporterState;

std::unique_ptr<SpanData> make_span(const std::string& name) {
  auto span = std::make_unique<SpanData>();
  span->name = span->arena.copy(name);
  span->flags = weft::TraceFlags(weft::TraceFlags::kSampled);
  return span;
}

struct Simple {
  std::shared_ptr<FakeExporterState> exporter =
      std::make_shared<FakeExporterState>();
  std::unique_ptr<weft::sdk::SpanProcessor> processor =
      weft::sdk::make_simple_processor(
          std::make_unique<FakeExporter>(exporter));
};

}  // namespace

TEST_CASE("the simple processor exports each span before on_end returns",
          "[simple]") {
  Simple simple;
  simple.processor->on_end(make_span("a"));
  CHECK(simple.exporter->names() == std::vector<std::string>{"a"});
  simple.processor->on_end(make_span("b"));
  CHECK(simple.exporter->names() == std::vector<std::string>{"a", "b"});
  CHECK(simple.exporter->sizes() == std::vector<std::size_t>{1, 1});
  CHECK(simple.processor->stats().spans_exported == 2);
  CHECK(simple.processor->stats().spans_dropped == 0);
}

TEST_CASE("the simple processor counts export failures", "[simple]") {
  Simple simple;
  simple.exporter->result = weft::sdk::ExportResult::kFailure;
  simple.processor->on_end(make_span("a"));
  simple.processor->on_end(make_span("b"));
  CHECK(simple.processor->stats().spans_export_failed == 2);
  CHECK(simple.processor->stats().spans_exported == 0);
}

TEST_CASE("the simple processor forwards force_flush to the exporter",
          "[simple]") {
  Simple simple;
  CHECK(simple.processor->force_flush(milliseconds(100)));
  simple.exporter->force_flush_result = false;
  CHECK_FALSE(simple.processor->force_flush(milliseconds(100)));
  CHECK(simple.exporter->force_flush_calls == 2);
}

TEST_CASE(
    "the simple processor shuts the exporter down once and drops later spans",
    "[simple]") {
  Simple simple;
  simple.processor->on_end(make_span("before"));
  CHECK(simple.processor->shutdown(milliseconds(100)));
  CHECK(simple.processor->shutdown(milliseconds(100)));
  simple.processor->on_end(make_span("after"));
  CHECK(simple.processor->force_flush(milliseconds(100)));
  simple.processor.reset();
  CHECK(simple.exporter->shutdown_calls == 1);
  CHECK(simple.exporter->names() == std::vector<std::string>{"before"});
}

TEST_CASE("spans after shutdown are counted as dropped by the simple processor",
          "[simple]") {
  Simple simple;
  REQUIRE(simple.processor->shutdown(milliseconds(100)));
  simple.processor->on_end(make_span("late"));
  simple.processor->on_end(make_span("later"));
  CHECK(simple.processor->stats().spans_dropped == 2);
  CHECK(simple.exporter->spans() == 0);
}

TEST_CASE("spans ended on several threads are each exported once", "[simple]") {
  Simple simple;
  constexpr int kThreads = 4;
  constexpr int kSpans = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSpans; ++i) {
        simple.processor->on_end(
            make_span(std::to_string(t) + "-" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto names = simple.exporter->names();
  CHECK(names.size() == kThreads * kSpans);
  CHECK(std::set<std::string>(names.begin(), names.end()).size() ==
        names.size());
  CHECK(simple.processor->stats().spans_exported == kThreads * kSpans);
}

TEST_CASE("a provider with the simple processor exports a span when it ends",
          "[simple]") {
  weft::testing::TestProvider test;
  auto span = test.tracer->start_span("now");
  CHECK(test.store->size() == 0);
  span.end();
  CHECK(test.store->size() == 1);
}

TEST_CASE("record-only spans reach on_end but are not exported", "[simple]") {
  Simple simple;
  auto record_only = make_span("record-only");
  record_only->flags = weft::TraceFlags();
  simple.processor->on_end(std::move(record_only));
  simple.processor->on_end(make_span("sampled"));
  CHECK(simple.exporter->names() == std::vector<std::string>{"sampled"});
  CHECK(simple.processor->stats().spans_exported == 1);
  CHECK(simple.processor->stats().spans_dropped == 0);
}
