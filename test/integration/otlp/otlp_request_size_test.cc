// Requests that fit, end to end over real gRPC on loopback: the OTLP/gRPC
// exporter sends a batch larger than max_request_bytes as several requests
// (each counted on its own) to an in-process collector that refuses larger
// ones, and drops, counts and logs once a span too large for any request.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "otlp_test_support.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::sdk::ExportResult;
using weft::testing::ExporterUnderTest;
using weft::testing::TestProvider;

constexpr std::size_t kLimit = 64 * 1024;

// `count` spans named span-<first + i>, each with `payload` bytes.
weft::sdk::SpanBatch record(TestProvider& provider, int first, int count,
                            std::size_t payload = 1000) {
  for (int i = first; i < first + count; ++i) {
    provider.tracer->start_span("span-" + std::to_string(i), {},
                                {{"payload", std::string(payload, 'x')}});
  }
  return provider.take_all();
}

// The names of the spans the collector accepted, each once.
std::multiset<std::string> received_names(
    const weft::tools::Collector& collector) {
  std::multiset<std::string> names;
  for (const auto& received : collector.requests()) {
    for (const auto& resource_spans : received.request.resource_spans()) {
      for (const auto& scope_spans : resource_spans.scope_spans()) {
        for (const auto& span : scope_spans.spans()) names.insert(span.name());
      }
    }
  }
  return names;
}

std::multiset<std::string> names_from(int first, int count) {
  std::multiset<std::string> names;
  for (int i = first; i < first + count; ++i) {
    names.insert("span-" + std::to_string(i));
  }
  return names;
}

}  // namespace

TEST_CASE(
    "a batch larger than max_request_bytes is sent as several requests "
    "within the limit",
    "[otlp][split][no_tsan]") {
  const std::uint32_t slots = GENERATE(1u, 2u);
  CAPTURE(slots);
  weft::tools::CollectorOptions collector_options;
  collector_options.max_request_bytes = kLimit;
  auto collector = weft::testing::start_collector(collector_options);
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector),
                               [slots](auto& options) {
                                 options.max_request_bytes = kLimit;
                                 options.max_concurrent_exports = slots;
                               });
  TestProvider provider;
  auto spans = record(provider, 0, 300);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  REQUIRE(under_test.exporter->force_flush(10s));

  const auto stats = under_test.exporter->stats();
  CHECK(stats.requests_succeeded >= 5);
  CHECK(stats.requests_failed == 0);
  CHECK(stats.spans_sent == 300);
  CHECK(stats.spans_dropped() == 0);
  CHECK(collector->stats().requests == stats.requests_succeeded);
  CHECK(received_names(*collector) == names_from(0, 300));
  CHECK(under_test.exporter->spans_failed_after_acceptance() == 0);
  CHECK(under_test.logger->size() == 0);
}

TEST_CASE(
    "a span too large for any request is dropped, counted and logged once, "
    "the rest of its batch delivered",
    "[otlp][split][no_tsan]") {
  const std::uint32_t slots = GENERATE(1u, 2u);
  CAPTURE(slots);
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(weft::testing::http_endpoint(*collector),
                               [slots](auto& options) {
                                 options.max_request_bytes = kLimit;
                                 options.max_concurrent_exports = slots;
                               });
  TestProvider provider;
  for (int batch = 0; batch < 2; ++batch) {
    auto spans = record(provider, batch * 10, 10);
    provider.tracer->start_span("huge-" + std::to_string(batch), {},
                                {{"payload", std::string(kLimit, 'x')}});
    spans.push_back(provider.take_one());
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  }
  REQUIRE(under_test.exporter->force_flush(10s));

  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_too_large == 2);
  CHECK(stats.spans_dropped() == 2);
  CHECK(stats.spans_sent == 20);
  CHECK(stats.requests_failed == 0);
  CHECK_THAT(stats.last_error, Catch::Contains("huge-1"));
  CHECK(received_names(*collector) == names_from(0, 20));
  // The batch processor counted both batches as exported: it learns here
  // that two of their spans were not.
  CHECK(under_test.exporter->spans_failed_after_acceptance() == 2);
  // Once, naming the limit, the span and its size.
  CHECK(under_test.logger->size() == 1);
  CHECK(under_test.logger->count_containing(
            {"huge-0", "max_request_bytes (65536)", "bytes"}) == 1);
}

TEST_CASE("the collector refuses a request over its limit whole",
          "[otlp][split][no_tsan]") {
  weft::tools::CollectorOptions collector_options;
  collector_options.max_request_bytes = kLimit;
  auto collector = weft::testing::start_collector(collector_options);
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](auto& options) { options.max_request_bytes = 4 * kLimit; });
  TestProvider provider;
  auto spans = record(provider, 0, 100);
  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_not_retryable == 100);
  CHECK_THAT(stats.last_error, Catch::Contains("RESOURCE_EXHAUSTED"));
}

TEST_CASE("a batch of spans all too large fails whole",
          "[otlp][split][no_tsan]") {
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](auto& options) { options.max_request_bytes = 4096; });
  TestProvider provider;
  auto spans = record(provider, 0, 3, 8000);
  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_too_large == 3);
  CHECK(collector->stats().requests == 0);
  CHECK(under_test.exporter->spans_failed_after_acceptance() == 0);
}

TEST_CASE("max_request_bytes below 1 KiB is refused when the exporter is made",
          "[otlp][split][config]") {
  weft::exporters::OtlpGrpcExporterOptions options;
  options.max_request_bytes = 1023;
  weft::testing::FakeEnvironment environment;
  options.environment = &environment;
  const auto made = weft::exporters::make_otlp_grpc_exporter(options);
  REQUIRE_FALSE(made.has_value());
  CHECK_THAT(made.error().message,
             Catch::Contains("max_request_bytes") && Catch::Contains("1024"));
}
