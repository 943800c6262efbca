// The OTLP/gRPC exporter when the collector fails, against real gRPC servers
// on loopback: each kind of failure (a refused port, a rejecting collector,
// a timeout; TLS in otlp_tls_test.cc) is logged once with its reason and the
// recovery once; a collector stopped and restarted on the same port while a
// producer thread exports through a batch processor loses nothing uncounted,
// stays within bounded memory, and is found again within about a second;
// so is a collector that starts after the application.
//
// Waits poll a condition with a deadline; the producer paces itself.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using weft::exporters::OtlpGrpcExporterOptions;
using weft::sdk::ExportResult;
using weft::testing::ExporterUnderTest;
using weft::testing::TestProvider;
using weft::tools::CollectorOptions;

std::string all_lines(const weft::testing::FakeLogger& logger) {
  std::string text;
  for (const auto& message : logger.all()) text += message.text + "\n";
  return text;
}

// Exports batches of 4 spans until one is delivered; false if none was
// within `timeout`.
bool export_until_delivered(ExporterUnderTest& under_test,
                            std::chrono::milliseconds timeout) {
  TestProvider provider;
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
    if (under_test.exporter->export_spans(spans) == ExportResult::kSuccess) {
      return true;
    }
  }
  return false;
}

// Resident memory of this process, in bytes.
std::size_t resident_bytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long size = 0;
  unsigned long resident = 0;
  const int read = std::fscanf(statm, "%lu %lu", &size, &resident);
  std::fclose(statm);
  return read == 2 ? resident * 4096 : 0;
}

}  // namespace

TEST_CASE("a refused port is logged once as unreachable and the recovery once",
          "[otlp][grpc][diagnostics][no_tsan]") {
  const int port = weft::testing::unused_port();
  ExporterUnderTest under_test(
      "http://127.0.0.1:" + std::to_string(port),
      [](OtlpGrpcExporterOptions& o) { o.timeout = 300ms; });
  TestProvider provider;
  for (int i = 0; i < 3; ++i) {
    weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
    CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  }
  CAPTURE(all_lines(*under_test.logger));
  CHECK(under_test.logger->size() == 1);
  CHECK(under_test.logger->count_containing(
            {"is failing: cannot connect to the collector: connection "
             "refused",
             "UNAVAILABLE"}) == 1);
  CHECK(under_test.exporter->stats().spans_dropped_timeout == 12);

  auto collector = weft::testing::start_collector_on(port);
  REQUIRE(export_until_delivered(under_test, 10s));
  CAPTURE(all_lines(*under_test.logger));
  const auto dropped = under_test.exporter->stats().spans_dropped();
  CHECK(under_test.logger->size() == 2);
  CHECK(under_test.logger->count_containing(
            {"is delivering again after",
             std::to_string(dropped) + " spans were dropped"}) == 1);
  REQUIRE(export_until_delivered(under_test, 10s));
  CHECK(under_test.logger->size() == 2);
}

TEST_CASE(
    "an exporter whose logger option is null reports through the SDK-wide "
    "logger",
    "[otlp][grpc][diagnostics][no_tsan]") {
  weft::testing::GlobalFakeLogger global;
  const int port = weft::testing::unused_port();
  ExporterUnderTest under_test("http://127.0.0.1:" + std::to_string(port),
                               [](OtlpGrpcExporterOptions& o) {
                                 o.logger = nullptr;
                                 o.timeout = 200ms;
                               },
                               {{"OTEL_EXPORTER_OTLP_COMPRESSION", "zip"}});
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  CAPTURE(all_lines(*global.logger));
  CHECK(global.logger->count_containing(
            {"OTEL_EXPORTER_OTLP_COMPRESSION='zip'"}) == 1);
  CHECK(global.logger->count_containing({"is failing", "refused"}) == 1);
  CHECK(under_test.logger->size() == 0);
}

TEST_CASE(
    "a rejecting collector is logged once with its status and message, and "
    "the recovery once",
    "[otlp][grpc][diagnostics][no_tsan]") {
  CollectorOptions options;
  options.fail_first = 3;
  options.fail_code = grpc::StatusCode::PERMISSION_DENIED;
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  for (int i = 0; i < 3; ++i) {
    weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
    CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  }
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto messages = under_test.logger->all();
  CAPTURE(all_lines(*under_test.logger));
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].level == weft::sdk::LogLevel::kError);
  CHECK(messages[0].text.find(
            "is failing: 4 spans dropped: the collector rejected the export: "
            "PERMISSION_DENIED: weft collect: failing request 1 of 3 on "
            "purpose (not retryable)") != std::string::npos);
  CHECK(messages[1].level == weft::sdk::LogLevel::kWarning);
  CHECK(messages[1].text.find("is delivering again after 3 failed attempts; "
                              "12 spans were dropped while it failed") !=
        std::string::npos);
}

TEST_CASE("a collector that answers too late is logged once as timed out",
          "[otlp][grpc][diagnostics][no_tsan]") {
  CollectorOptions options;
  options.delay = 2s;
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](OtlpGrpcExporterOptions& o) { o.timeout = 200ms; });
  TestProvider provider;
  for (int i = 0; i < 2; ++i) {
    weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
    CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  }
  CAPTURE(all_lines(*under_test.logger));
  CHECK(under_test.logger->size() == 1);
  CHECK(under_test.logger->count_containing(
            {"is failing: timed out", "DEADLINE_EXCEEDED"}) == 1);
  collector->stop();
}

namespace {

// A producer thread recording spans through a batch processor and a real
// OTLP/gRPC exporter to 127.0.0.1:`port`, and the span ids that collectors
// on that port received.
struct ExportingApplication {
  explicit ExportingApplication(int port) {
    OtlpGrpcExporterOptions exporter_options;
    exporter_options.endpoint = "http://127.0.0.1:" + std::to_string(port);
    exporter_options.logger = logger;
    exporter_options.environment = &environment;
    exporter_options.max_queued_bytes = 256 << 10;
    // The default retry backoff (1 s doubling to 5 s), and requests that
    // outlive the outage: delivery must resume when the channel reconnects,
    // not at the next backoff step (seconds later).
    exporter_options.timeout = 30s;
    auto exporter = weft::exporters::make_otlp_grpc_exporter(exporter_options);
    REQUIRE(exporter.has_value());
    exporter_stats = exporter.value()->stats_reader();
    weft::sdk::BatchOptions batch;
    batch.max_queue_size = 2048;
    batch.max_export_batch_size = 256;
    batch.schedule_delay = 50ms;
    batch.logger = logger;
    batch.environment = &environment;
    auto processor =
        weft::sdk::make_batch_processor(std::move(exporter).value(), batch);
    REQUIRE(processor.has_value());
    weft::sdk::TracerProviderOptions options;
    options.environment = &environment;
    options.logger = logger;
    options.processors.push_back(std::move(processor).value());
    auto made = weft::sdk::make_tracer_provider(std::move(options));
    REQUIRE(made.has_value());
    provider = std::move(made).value();
    producer = std::thread([this] { produce(); });
  }

  ~ExportingApplication() { stop_producing(); }

  void produce() {
    auto tracer = provider->get_tracer("weft.outage");
    while (!stop.load()) {
      for (int i = 0; i < 10; ++i) {
        tracer->start_span("work", {}, {{"index", i}}).end();
        produced.fetch_add(1);
      }
      std::this_thread::sleep_for(1ms);  // pacing: under 10,000 spans/s
    }
  }

  void stop_producing() {
    stop.store(true);
    if (producer.joinable()) producer.join();
  }

  // Returns just after the exporter's next retry.
  void await_retry() {
    const auto retries = exporter_stats().retries;
    REQUIRE(weft::testing::eventually(
        [&] { return exporter_stats().retries > retries; }, 10s));
  }

  // What collectors on the port do with each request.
  weft::tools::Collector::RequestHandler handler() {
    return [this](const weft::tools::ExportTraceServiceRequest& request) {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& resource : request.resource_spans()) {
        for (const auto& scope : resource.scope_spans()) {
          for (const auto& span : scope.spans()) {
            received.insert(span.span_id());
          }
        }
      }
    };
  }

  std::size_t received_count() {
    std::lock_guard<std::mutex> lock(mutex);
    return received.size();
  }

  // Every span produced was received or counted as dropped.
  void check_accounting() {
    const std::uint64_t all = produced.load();
    const std::uint64_t arrived = received_count();
    const auto processor = provider->stats();
    const auto exporter = exporter_stats();
    const std::uint64_t dropped = processor.spans_dropped +
                                  exporter.spans_dropped() +
                                  exporter.spans_rejected;
    CAPTURE(all, arrived, processor.spans_dropped, exporter.spans_dropped(),
            exporter.spans_sent, exporter.last_error);
    CHECK(arrived <= all);
    CHECK(all - arrived <= dropped);  // nothing lost uncounted
    CHECK(dropped <= all);
  }

  weft::testing::FakeEnvironment environment;
  std::shared_ptr<weft::testing::FakeLogger> logger =
      std::make_shared<weft::testing::FakeLogger>();
  std::function<weft::exporters::OtlpExporterStats()> exporter_stats;
  std::shared_ptr<weft::sdk::TracerProvider> provider;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> produced{0};
  std::thread producer;
  std::mutex mutex;
  std::unordered_set<std::string> received;
};

}  // namespace

TEST_CASE(
    "a collector stopped and restarted on the same port loses no span "
    "uncounted and gets spans within about a second of its return",
    "[otlp][grpc][outage][no_tsan]") {
  auto collector = weft::testing::start_collector();
  const int port = collector->port();
  collector.reset();
  ExportingApplication application(port);
  collector = weft::testing::start_collector_on(port, CollectorOptions{},
                                                application.handler());
  REQUIRE(weft::testing::eventually(
      [&] { return application.received_count() > 1000; }));
  const std::size_t resident_before = resident_bytes();

  collector->stop();
  collector.reset();
  // The outage lasts until retries wait at long backoff steps (1, 2, 4 s).
  const auto retries_before = application.exporter_stats().retries;
  REQUIRE(weft::testing::eventually(
      [&] {
        return application.exporter_stats().retries >= retries_before + 4;
      },
      30s));
  CHECK(application.logger->count_containing({"is failing"}) == 1);
  const std::size_t resident_during = resident_bytes();

  // Back just after a retry: the next backoff step is seconds away.
  application.await_retry();
  const std::size_t received_before = application.received_count();
  const auto back = Clock::now();
  collector = weft::testing::start_collector_on(port, CollectorOptions{},
                                                application.handler());
  REQUIRE(weft::testing::eventually(
      [&] { return application.received_count() > received_before; }, 10s));
  const auto resumed_after =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                            back);
  CAPTURE(resumed_after.count(), all_lines(*application.logger));
  CHECK(resumed_after < 2500ms);
  REQUIRE(weft::testing::eventually([&] {
    return application.logger->count_containing({"is delivering again"}) >= 1;
  }));

  application.stop_producing();
  const auto shutdown_started = Clock::now();
  CHECK(application.provider->shutdown(5s));
  CHECK(Clock::now() - shutdown_started < 5s + 1s);
  application.check_accounting();
  // Bounded: the processor's queue (2048 spans) and the exporter's
  // (256 KiB, 2 requests in flight), whatever the outage's length. (ASan
  // holds freed memory in quarantine: resident memory tells nothing there.)
  CAPTURE(resident_before, resident_during);
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(resident_during < resident_before + (64u << 20));
#endif
}

TEST_CASE(
    "a collector that starts after the application gets its spans within "
    "about a second",
    "[otlp][grpc][outage][no_tsan]") {
  const int port = weft::testing::unused_port();
  ExportingApplication application(port);
  REQUIRE(weft::testing::eventually(
      [&] { return application.exporter_stats().retries >= 3; }, 30s));
  CHECK(application.received_count() == 0);

  application.await_retry();
  const auto started = Clock::now();
  auto collector = weft::testing::start_collector_on(port, CollectorOptions{},
                                                     application.handler());
  REQUIRE(weft::testing::eventually(
      [&] { return application.received_count() > 0; }, 10s));
  const auto arrived_after =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                            started);
  CAPTURE(arrived_after.count(), all_lines(*application.logger));
  CHECK(arrived_after < 2500ms);

  application.stop_producing();
  const auto shutdown_started = Clock::now();
  CHECK(application.provider->shutdown(5s));
  CHECK(Clock::now() - shutdown_started < 5s + 1s);
  application.check_accounting();
  CHECK(application.logger->count_containing({"is failing", "refused"}) == 1);
  CHECK(application.logger->count_containing({"is delivering again"}) == 1);
}
