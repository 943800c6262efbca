// The OTLP/gRPC exporter against a real gRPC server on loopback (the
// in-process collector of `weft collect`): what arrives, headers, gzip,
// retries, drops, partial success, shutdown with a collector that is down,
// and the whole SDK pipeline. gRPC (from Debian) is not TSan-instrumented:
// these cases are tagged [no_tsan] and run under ASan+UBSan instead.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "otlp_span_checks.h"
#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpCompression;
using weft::exporters::OtlpGrpcExporterOptions;
using weft::sdk::ExportResult;
using weft::testing::ExporterUnderTest;
using weft::testing::TestProvider;
using weft::tools::CollectorOptions;

const opentelemetry::proto::trace::v1::Span* find_span(
    const weft::tools::ExportTraceServiceRequest& request,
    const weft::SpanId& id) {
  const std::string bytes = weft::testing::id_bytes(id);
  for (const auto& resource_spans : request.resource_spans()) {
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      for (const auto& span : scope_spans.spans()) {
        if (span.span_id() == bytes) return &span;
      }
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("exported spans arrive over gRPC with every field as recorded",
          "[otlp][grpc][no_tsan]") {
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(spans.size() == 4);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = collector->requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].spans == 4);
  for (const auto& span : spans) {
    const auto* decoded = find_span(requests[0].request, span->span_id);
    REQUIRE(decoded != nullptr);
    weft::testing::check_span(*span, *decoded);
  }
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_sent == 4);
  CHECK(stats.requests_succeeded == 1);
  CHECK(stats.spans_dropped() == 0);
}

TEST_CASE(
    "a span offered 64 links arrives with 32 links and "
    "dropped_links_count 32",
    "[otlp][grpc][no_tsan]") {
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  weft::sdk::SpanBatch spans =
      weft::testing::record_span_with_64_links(provider);
  REQUIRE(spans.size() == 1);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = collector->requests();
  REQUIRE(requests.size() == 1);
  const auto* decoded = find_span(requests[0].request, spans[0]->span_id);
  REQUIRE(decoded != nullptr);
  CHECK(decoded->links_size() == 32);
  CHECK(decoded->dropped_links_count() == 32);
  weft::testing::check_span(*spans[0], *decoded);
}

TEST_CASE("configured headers arrive as gRPC metadata",
          "[otlp][grpc][no_tsan]") {
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](OtlpGrpcExporterOptions& options) {
        options.headers = {{"X-Tenant", "blue"}, {"x-team", "from-code"}};
      },
      {{"OTEL_EXPORTER_OTLP_HEADERS", "x-general=1"},
       {"OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "authorization=Bearer%20secret, x-team=a%2Cb"}});
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = collector->requests();
  REQUIRE(requests.size() == 1);
  const auto& metadata = requests[0].metadata;
  auto value_of = [&metadata](const std::string& key) {
    return weft::testing::metadata_value(metadata, key);
  };
  CHECK(value_of("authorization") == "Bearer secret");
  CHECK(value_of("x-team") == "a,b");  // the environment wins over code
  CHECK(metadata.count("x-team") == 1);
  CHECK(value_of("x-tenant") == "blue");
  // The traces-specific variable replaces the general one.
  CHECK(metadata.count("x-general") == 0);
}

TEST_CASE("gzip compression arrives compressed on the wire",
          "[otlp][grpc][no_tsan]") {
  struct Row {
    int line;
    std::optional<OtlpCompression> code;
    std::string environment;
    bool compressed;
  };
  const Row row =
      GENERATE(Row{__LINE__, std::nullopt, "", false},
               Row{__LINE__, OtlpCompression::kGzip, "", true},
               Row{__LINE__, std::nullopt, "gzip", true},
               Row{__LINE__, OtlpCompression::kGzip, "none", false});
  CAPTURE(row.line);

  auto collector = weft::testing::start_collector();
  weft::testing::FakeEnvironment environment;
  if (!row.environment.empty()) {
    environment.variables["OTEL_EXPORTER_OTLP_COMPRESSION"] = row.environment;
  }
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [&row](OtlpGrpcExporterOptions& options) {
        options.compression = row.code;
      },
      environment);
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = collector->requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].compressed == row.compressed);
  CHECK(requests[0].spans == 4);
}

TEST_CASE("UNAVAILABLE twice then OK delivers every span exactly once",
          "[otlp][grpc][no_tsan]") {
  CollectorOptions options;
  options.fail_first = 2;
  options.fail_code = grpc::StatusCode::UNAVAILABLE;
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto collected = collector->stats();
  CHECK(collected.requests == 3);
  CHECK(collected.requests_failed_on_purpose == 2);
  CHECK(collected.requests_accepted == 1);
  CHECK(collected.spans_accepted == 4);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.retries == 2);
  CHECK(stats.spans_sent == 4);
  CHECK(stats.spans_dropped() == 0);
}

TEST_CASE("a non-retryable status drops the batch at once and counts it",
          "[otlp][grpc][no_tsan]") {
  struct Row {
    int line;
    grpc::StatusCode code;
    std::string name;
  };
  const Row row = GENERATE(
      Row{__LINE__, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      Row{__LINE__, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED"},
      Row{__LINE__, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED"},
      Row{__LINE__, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED"},
      // Without RetryInfo, RESOURCE_EXHAUSTED is final too.
      Row{__LINE__, grpc::StatusCode::RESOURCE_EXHAUSTED,
          "RESOURCE_EXHAUSTED"});
  CAPTURE(row.line, row.name);

  CollectorOptions options;
  options.fail_first = 100;
  options.fail_code = row.code;
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);

  CHECK(collector->stats().requests == 1);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.retries == 0);
  CHECK(stats.spans_dropped_not_retryable == 4);
  CHECK(stats.spans_sent == 0);
  CHECK(stats.requests_failed == 1);
  CHECK(under_test.logger->count_containing(
            {"4 spans dropped", row.name.c_str(), "not retryable"}) == 1);
}

TEST_CASE(
    "RESOURCE_EXHAUSTED with RetryInfo is retried after the server's "
    "delay",
    "[otlp][grpc][no_tsan]") {
  CollectorOptions options;
  options.fail_first = 1;
  options.fail_code = grpc::StatusCode::RESOURCE_EXHAUSTED;
  options.retry_after = 200ms;
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  const auto started = std::chrono::steady_clock::now();
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  // The exporter's own backoff is 10 ms here: only the server's RetryInfo
  // explains a wait of 200 ms.
  CHECK(std::chrono::steady_clock::now() - started >= 200ms);
  CHECK(under_test.exporter->stats().retries == 1);
  CHECK(collector->stats().spans_accepted == 4);
}

TEST_CASE(
    "retryable failures give up at the export timeout and count the "
    "spans dropped",
    "[otlp][grpc][no_tsan]") {
  CollectorOptions options;
  options.fail_first = 1000000;
  options.fail_code = grpc::StatusCode::UNAVAILABLE;
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](OtlpGrpcExporterOptions& exporter) { exporter.timeout = 300ms; });
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  const auto started = std::chrono::steady_clock::now();
  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(elapsed < 300ms + 2s);
  std::string logged;  // shown when a check fails
  for (const auto& message : under_test.logger->all()) {
    logged += message.text + "\n";
  }
  CAPTURE(logged);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.retries >= 1);
  CHECK(stats.spans_dropped_timeout == 4);
  CHECK(collector->stats().requests == stats.retries + 1);
  // Said once, when the first attempt failed; the drop is only counted.
  CHECK(under_test.logger->count_containing(
            {"is failing", "UNAVAILABLE", "retried"}) == 1);
  CHECK(under_test.logger->size() == 1);
}

TEST_CASE("partial success is reported through the logger and the counters",
          "[otlp][grpc][no_tsan]") {
  CollectorOptions options;
  options.reject_spans = 3;
  options.partial_message = "spans older than 1 h are refused";
  auto collector = weft::testing::start_collector(options);
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector));
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  // Not retried: the request was accepted.
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  CHECK(collector->stats().requests == 1);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.partial_successes == 1);
  CHECK(stats.spans_rejected == 3);
  CHECK(stats.spans_sent == 1);
  CHECK(stats.retries == 0);
  CHECK(under_test.logger->count_containing(
            {"3 of 4 spans rejected", "spans older than 1 h are refused"}) ==
        1);
}

TEST_CASE(
    "with the collector down, shutdown returns within its deadline and "
    "counts what it could not send",
    "[otlp][grpc][no_tsan]") {
  // A port that was just free: nothing listens there any more.
  std::string endpoint;
  {
    auto collector = weft::testing::start_collector();
    endpoint = weft::testing::http_endpoint(*collector);
  }
  ExporterUnderTest under_test(endpoint, [](OtlpGrpcExporterOptions& o) {
    o.timeout = 60s;  // far beyond the shutdown deadline
  });
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);

  auto exported = std::async(std::launch::async, [&] {
    return under_test.exporter->export_spans(spans);
  });
  REQUIRE(weft::testing::eventually(
      [&] { return under_test.exporter->stats().retries >= 2; }));

  const auto started = std::chrono::steady_clock::now();
  under_test.exporter->shutdown(300ms);
  REQUIRE(exported.wait_for(5s) == std::future_status::ready);
  CHECK(std::chrono::steady_clock::now() - started < 300ms + 1s);
  CHECK(exported.get() == ExportResult::kFailure);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_shutdown == 4);
  CHECK(under_test.logger->count_containing(
            {"is failing", "connection refused"}) == 1);
  CHECK(under_test.logger->count_containing(
            {"shut down while failing", "4 spans dropped"}) == 1);
  // Later exports fail at once and are counted too.
  weft::sdk::SpanBatch more = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(more) == ExportResult::kFailure);
  CHECK(under_test.exporter->stats().spans_dropped_shutdown == 8);
}

TEST_CASE(
    "the SDK pipeline delivers every span through the batch processor "
    "and the OTLP exporter",
    "[otlp][grpc][no_tsan]") {
  auto collector = weft::testing::start_collector();
  weft::testing::FakeEnvironment environment;
  // The exporter's default: requests pipelined.
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](OtlpGrpcExporterOptions& o) { o.max_concurrent_exports = 2; });
  const auto exporter_stats = under_test.exporter->stats_reader();

  weft::sdk::BatchOptions batch;
  batch.max_queue_size = 4096;
  batch.schedule_delay = 10ms;
  batch.environment = &environment;
  auto processor =
      weft::sdk::make_batch_processor(std::move(under_test.exporter), batch);
  REQUIRE(processor.has_value());
  weft::sdk::TracerProviderOptions options;
  options.service_name = "pipeline";
  options.environment = &environment;
  options.processors.push_back(std::move(processor).value());
  auto provider = weft::sdk::make_tracer_provider(std::move(options));
  REQUIRE(provider.has_value());
  auto tracer = provider.value()->get_tracer("weft.pipeline");

  constexpr int kSpans = 3000;
  const weft::Link links[] = {weft::make_link(
      weft::SpanContext(weft::testing::test_trace_id(1),
                        weft::testing::test_span_id(1), weft::TraceFlags(1)),
      "batch_member")};
  for (int i = 0; i < kSpans; ++i) {
    tracer
        ->start_span(
            "work",
            weft::StartSpanOptions().as_root().with_borrowed_links(links),
            {{"i", i}})
        .end();
  }
  REQUIRE(provider.value()->force_flush(10s));
  CHECK(collector->stats().spans_accepted == kSpans);
  CHECK(exporter_stats().spans_sent == kSpans);
  const auto requests = collector->requests();
  REQUIRE_FALSE(requests.empty());
  const auto& resource = requests[0].request.resource_spans(0).resource();
  bool has_service_name = false;
  for (const auto& attribute : resource.attributes()) {
    if (attribute.key() == "service.name") {
      has_service_name = attribute.value().string_value() == "pipeline";
    }
  }
  CHECK(has_service_name);
  CHECK(provider.value()->shutdown(5s));
}

TEST_CASE(
    "the SDK's shutdown returns within its deadline while the collector "
    "is down",
    "[otlp][grpc][no_tsan]") {
  std::string endpoint;
  {
    auto collector = weft::testing::start_collector();
    endpoint = weft::testing::http_endpoint(*collector);
  }
  weft::testing::FakeEnvironment environment;
  ExporterUnderTest under_test(endpoint, [](OtlpGrpcExporterOptions& o) {
    o.timeout = 60s;
    o.max_concurrent_exports = 2;  // the default: requests pipelined
  });
  const auto exporter_stats = under_test.exporter->stats_reader();
  weft::sdk::BatchOptions batch;
  batch.environment = &environment;
  auto processor =
      weft::sdk::make_batch_processor(std::move(under_test.exporter), batch);
  REQUIRE(processor.has_value());
  weft::sdk::TracerProviderOptions options;
  options.environment = &environment;
  options.processors.push_back(std::move(processor).value());
  auto provider = weft::sdk::make_tracer_provider(std::move(options));
  REQUIRE(provider.has_value());
  auto tracer = provider.value()->get_tracer("weft.down");
  for (int i = 0; i < 100; ++i) tracer->start_span("lost").end();

  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(provider.value()->shutdown(500ms));
  CHECK(std::chrono::steady_clock::now() - started < 500ms + 1500ms);
  REQUIRE(weft::testing::eventually(
      [&] { return exporter_stats().spans_dropped() == 100; }));
  CHECK(exporter_stats().spans_dropped_shutdown == 100);
}
