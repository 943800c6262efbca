// The OTLP/gRPC exporter's default mode, requests pipelined
// (max_concurrent_exports = 2, max_queued_bytes = 8 MiB), against a real
// gRPC server on loopback: export_spans() returns once the request is on its
// way or queued, at most two are in flight at once, queued ones follow in
// order, force_flush() waits for the answers, and a request that fails
// later (not retryable, export timeout, shutdown, the exporter destroyed)
// has its spans counted as dropped and logged. gRPC (from
// Debian) is not TSan-instrumented: these cases are tagged [no_tsan].
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "otlp_encoder.h"
#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpGrpcExporterOptions;
using weft::sdk::ExportResult;
using weft::testing::ExporterUnderTest;
using weft::testing::TestProvider;
using weft::tools::CollectorOptions;
using Clock = std::chrono::steady_clock;

// An exporter in its default, pipelined mode; `adjust` may change more.
ExporterUnderTest pipelined_exporter(
    const weft::tools::Collector& collector,
    const std::function<void(OtlpGrpcExporterOptions&)>& adjust = nullptr) {
  return ExporterUnderTest(
      weft::testing::http_endpoint(collector),
      [&adjust](OtlpGrpcExporterOptions& options) {
        options.max_concurrent_exports =
            OtlpGrpcExporterOptions{}.max_concurrent_exports;
        if (adjust) adjust(options);
      });
}

}  // namespace

TEST_CASE(
    "without a queue, pipelined exports return before the collector "
    "answers, two at a time, and force_flush waits for the answers",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 1s;  // every answer
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(
      *collector,
      [](OtlpGrpcExporterOptions& exporter) { exporter.max_queued_bytes = 0; });
  REQUIRE(weft::exporters::OtlpGrpcExporterOptions{}.max_concurrent_exports ==
          2);
  TestProvider provider;
  weft::sdk::SpanBatch first = weft::testing::record_varied_spans(provider);
  weft::sdk::SpanBatch second = weft::testing::record_varied_spans(provider);
  weft::sdk::SpanBatch third = weft::testing::record_varied_spans(provider);

  const auto started = Clock::now();
  REQUIRE(under_test.exporter->export_spans(first) == ExportResult::kSuccess);
  first.clear();  // the request carries its own bytes
  REQUIRE(under_test.exporter->export_spans(second) == ExportResult::kSuccess);
  second.clear();
  // Both requests reach the collector while the first is not answered yet.
  REQUIRE(collector->wait_for_requests(2, 10s));
  CHECK(under_test.exporter->stats().requests_succeeded == 0);
  // A third waits for a free slot, i.e. for the first answer.
  REQUIRE(under_test.exporter->export_spans(third) == ExportResult::kSuccess);
  CHECK(Clock::now() - started >= 1s);

  REQUIRE(under_test.exporter->force_flush(10s));
  const auto stats = under_test.exporter->stats();
  CHECK(stats.requests_succeeded == 3);
  CHECK(stats.spans_sent == 12);
  CHECK(stats.spans_dropped() == 0);
  CHECK(collector->stats().spans_accepted == 12);
}

TEST_CASE(
    "force_flush returns false while a request is unfinished at its timeout",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 1s;
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(*collector);
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  CHECK_FALSE(under_test.exporter->force_flush(100ms));
  CHECK(under_test.exporter->stats().spans_sent == 0);
  CHECK(under_test.exporter->force_flush(10s));
  CHECK(under_test.exporter->stats().spans_sent == 4);
}

TEST_CASE(
    "force_flush and shutdown with milliseconds::max wait for the answer, "
    "however long",
    "[otlp][grpc][pipeline][deadline][no_tsan]") {
  // now + milliseconds::max() overflowed into "give up at once".
  CollectorOptions options;
  options.delay = 300ms;
  auto collector = weft::testing::start_collector(options);
  auto under_test =
      pipelined_exporter(*collector, [](OtlpGrpcExporterOptions& exporter) {
        exporter.timeout = std::chrono::milliseconds::max();
      });
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  CHECK(under_test.exporter->force_flush(std::chrono::milliseconds::max()));
  CHECK(under_test.exporter->stats().spans_sent == 4);
  weft::sdk::SpanBatch more = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(more) == ExportResult::kSuccess);
  CHECK(under_test.exporter->shutdown(std::chrono::milliseconds::max()));
  CHECK(under_test.exporter->stats().spans_sent == 8);
  CHECK(collector->wait_for_spans(8, std::chrono::milliseconds::max()));
}

TEST_CASE(
    "a pipelined request that fails after export_spans returned has its "
    "spans counted as dropped and logged",
    "[otlp][grpc][pipeline][no_tsan]") {
  struct Row {
    int line;
    grpc::StatusCode code;
    const char* log;
    std::uint64_t weft::exporters::OtlpExporterStats::*counter;
  };
  const Row row = GENERATE(
      // The one line logged: the first failure (a retryable one is told
      // when it happens; the drop at the timeout is then only counted).
      Row{__LINE__, grpc::StatusCode::INVALID_ARGUMENT,
          "4 spans dropped: the collector rejected the export: "
          "INVALID_ARGUMENT",
          &weft::exporters::OtlpExporterStats::spans_dropped_not_retryable},
      Row{__LINE__, grpc::StatusCode::UNAVAILABLE,
          "is failing: the collector is unavailable (it answered): "
          "UNAVAILABLE",
          &weft::exporters::OtlpExporterStats::spans_dropped_timeout});
  CAPTURE(row.line);

  CollectorOptions options;
  options.fail_first = 1000000;
  options.fail_code = row.code;
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(
      *collector,
      [](OtlpGrpcExporterOptions& exporter) { exporter.timeout = 300ms; });
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  // Accepted for delivery; the failure is known only later.
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  REQUIRE(under_test.exporter->force_flush(10s));
  const auto stats = under_test.exporter->stats();
  CHECK(stats.*row.counter == 4);
  CHECK(stats.spans_dropped() == 4);
  CHECK(stats.requests_failed == 1);
  CHECK(stats.spans_sent == 0);
  CHECK(under_test.logger->count_containing({row.log}) == 1);
  CHECK(under_test.logger->size() == 1);
}

TEST_CASE(
    "pipelined requests are retried in the background and deliver every "
    "span once",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.fail_first = 2;
  options.fail_code = grpc::StatusCode::UNAVAILABLE;
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(*collector);
  TestProvider provider;
  weft::sdk::SpanBatch first = weft::testing::record_varied_spans(provider);
  weft::sdk::SpanBatch second = weft::testing::record_varied_spans(provider);

  REQUIRE(under_test.exporter->export_spans(first) == ExportResult::kSuccess);
  REQUIRE(under_test.exporter->export_spans(second) == ExportResult::kSuccess);
  REQUIRE(under_test.exporter->force_flush(10s));

  const auto collected = collector->stats();
  CHECK(collected.requests == 4);
  CHECK(collected.requests_failed_on_purpose == 2);
  CHECK(collected.spans_accepted == 8);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.retries == 2);
  CHECK(stats.requests_succeeded == 2);
  CHECK(stats.spans_sent == 8);
  CHECK(stats.spans_dropped() == 0);
}

TEST_CASE(
    "shutdown with pipelined requests in flight returns by its deadline "
    "and counts their spans as dropped",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 30s;  // answers that never come in time
  auto collector = weft::testing::start_collector(options);
  auto under_test =
      pipelined_exporter(*collector, [](OtlpGrpcExporterOptions& exporter) {
        exporter.timeout = 60s;  // far beyond the shutdown deadline
      });
  TestProvider provider;
  weft::sdk::SpanBatch first = weft::testing::record_varied_spans(provider);
  weft::sdk::SpanBatch second = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(first) == ExportResult::kSuccess);
  REQUIRE(under_test.exporter->export_spans(second) == ExportResult::kSuccess);
  REQUIRE(collector->wait_for_requests(2, 10s));

  const auto started = Clock::now();
  CHECK_FALSE(under_test.exporter->shutdown(300ms));
  CHECK(Clock::now() - started < 300ms + 1s);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_shutdown == 8);
  CHECK(stats.spans_sent == 0);
  // The first drop is logged; the other is counted, and told by the line
  // shutdown writes when it returns (if its callback came by then).
  CHECK(under_test.logger->count_containing(
            {"is failing: 4 spans dropped", "shutdown"}) == 1);
  CHECK(under_test.logger->size() <= 2);
  // Later exports fail at once and are counted too.
  weft::sdk::SpanBatch more = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(more) == ExportResult::kFailure);
  CHECK(under_test.exporter->stats().spans_dropped_shutdown == 12);
}

TEST_CASE(
    "destroying the exporter cancels what is in flight, counts it and "
    "returns promptly",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 30s;
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(
      *collector,
      [](OtlpGrpcExporterOptions& exporter) { exporter.timeout = 60s; });
  const auto stats = under_test.exporter->stats_reader();
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  REQUIRE(collector->wait_for_requests(1, 10s));

  const auto started = Clock::now();
  under_test.exporter.reset();
  CHECK(Clock::now() - started < 2s);
  CHECK(stats().spans_dropped_shutdown == 4);
  CHECK(stats().spans_sent == 0);
}

TEST_CASE(
    "queued exports return while both slots are busy and are sent in turn "
    "as answers free the slots",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 1s;
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(*collector);
  REQUIRE(weft::exporters::OtlpGrpcExporterOptions{}.max_queued_bytes ==
          8u << 20);
  TestProvider provider;
  std::vector<weft::sdk::SpanBatch> batches;
  for (int i = 0; i < 5; ++i) {
    batches.push_back(weft::testing::record_varied_spans(provider));
  }

  for (auto& batch : batches) {
    REQUIRE(under_test.exporter->export_spans(batch) == ExportResult::kSuccess);
    batch.clear();
  }
  // All five were accepted before the first answer (1 s away); only two
  // reached the collector, the rest wait in the exporter's queue.
  CHECK(under_test.exporter->stats().requests_succeeded == 0);
  REQUIRE(collector->wait_for_requests(2, 10s));
  CHECK(collector->stats().requests == 2);

  REQUIRE(under_test.exporter->force_flush(20s));
  CHECK(collector->stats().requests == 5);
  CHECK(collector->stats().spans_accepted == 20);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.requests_succeeded == 5);
  CHECK(stats.spans_sent == 20);
  CHECK(stats.spans_dropped() == 0);
}

TEST_CASE("a full queue makes export_spans wait for room",
          "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 1s;
  auto collector = weft::testing::start_collector(options);
  TestProvider provider;
  weft::sdk::SpanBatch probe = weft::testing::record_varied_spans(provider);
  std::string encoded;
  weft::otlp::RequestEncoder().encode(probe, encoded);
  // Room for one queued request of this size, not two.
  auto under_test = pipelined_exporter(
      *collector, [size = encoded.size()](OtlpGrpcExporterOptions& exporter) {
        exporter.max_queued_bytes = size + size / 2;
      });
  std::vector<weft::sdk::SpanBatch> batches;
  for (int i = 0; i < 4; ++i) {
    batches.push_back(weft::testing::record_varied_spans(provider));
  }

  const auto started = Clock::now();
  for (int i = 0; i < 3; ++i) {  // two in flight, one queued
    REQUIRE(under_test.exporter->export_spans(batches[i]) ==
            ExportResult::kSuccess);
  }
  CHECK(under_test.exporter->stats().requests_succeeded == 0);
  // The fourth waits until an answer frees a slot for the queued one.
  REQUIRE(under_test.exporter->export_spans(batches[3]) ==
          ExportResult::kSuccess);
  CHECK(Clock::now() - started >= 1s);
  REQUIRE(under_test.exporter->force_flush(20s));
  CHECK(under_test.exporter->stats().spans_sent == 16);
  CHECK(collector->stats().spans_accepted == 16);
}

TEST_CASE(
    "shutdown drops the queued requests it could not send and counts them",
    "[otlp][grpc][pipeline][no_tsan]") {
  CollectorOptions options;
  options.delay = 30s;
  auto collector = weft::testing::start_collector(options);
  auto under_test = pipelined_exporter(
      *collector,
      [](OtlpGrpcExporterOptions& exporter) { exporter.timeout = 60s; });
  TestProvider provider;
  for (int i = 0; i < 4; ++i) {  // two in flight, two queued
    weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  }
  REQUIRE(collector->wait_for_requests(2, 10s));

  const auto started = Clock::now();
  CHECK_FALSE(under_test.exporter->shutdown(300ms));
  CHECK(Clock::now() - started < 300ms + 1s);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_shutdown == 16);
  CHECK(stats.requests_failed == 4);
  CHECK(stats.spans_sent == 0);
  CHECK(under_test.logger->count_containing(
            {"is failing: 4 spans dropped",
             "before the request could be sent"}) == 1);
  CHECK(under_test.logger->count_containing({"shut down while failing"}) == 1);
  CHECK(under_test.logger->size() == 2);
  CHECK(collector->stats().requests == 2);  // the queued ones never left
}
