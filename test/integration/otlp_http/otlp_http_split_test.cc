// Requests that fit the collector: a batch larger than max_request_bytes
// goes as several requests, a span too large for any request is dropped and
// counted, over real HTTP against a server with a body limit.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "http_exporter_support.h"
#include "test_provider.h"

namespace {

using weft::exporters::OtlpHttpExporterOptions;
using weft::exporters::OtlpProtocol;
using weft::sdk::ExportResult;
using weft::testing::HttpExporterUnderTest;
using weft::testing::HttpTestServer;
using weft::testing::TestProvider;

constexpr std::size_t kServerLimit = 4 << 20;

// `count` spans of about `bytes` each (one string attribute).
weft::sdk::SpanBatch record_spans(TestProvider& provider, int count,
                                  std::size_t bytes) {
  for (int i = 0; i < count; ++i) {
    weft::Span span = provider.tracer->start_span(
        "span-" + std::to_string(i), weft::StartSpanOptions(),
        {{"payload", std::string(bytes, static_cast<char>('a' + i % 26))}});
  }
  return provider.take_all();
}

}  // namespace

TEST_CASE(
    "a 10 MiB batch arrives as several requests under a 4 MiB limit "
    "with nothing lost",
    "[otlp_http][split]") {
  const auto [line, protocol] = GENERATE(table<int, OtlpProtocol>({
      {__LINE__, OtlpProtocol::kHttpProtobuf},
      {__LINE__, OtlpProtocol::kHttpJson},
  }));
  CAPTURE(line);
  HttpTestServer server(std::nullopt, kServerLimit);
  HttpExporterUnderTest under_test(
      server.url(), [&](OtlpHttpExporterOptions& o) { o.protocol = protocol; });
  TestProvider provider;
  auto spans = record_spans(provider, 100, 100 * 1024);
  REQUIRE(spans.size() == 100);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = server.requests();
  CHECK(requests.size() >= 3);
  std::set<std::string> names;
  for (const auto& request : requests) {
    CHECK(request.body.size() <= kServerLimit);
    const auto decoded = protocol == OtlpProtocol::kHttpJson
                             ? weft::testing::decode_otlp_json(request.body)
                             : weft::testing::decode_protobuf(request.body);
    for (const auto& resource_spans : decoded.resource_spans()) {
      for (const auto& scope_spans : resource_spans.scope_spans()) {
        for (const auto& span : scope_spans.spans()) names.insert(span.name());
      }
    }
  }
  CHECK(names.size() == 100);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_sent == 100);
  CHECK(stats.requests_succeeded == requests.size());
  CHECK(stats.spans_dropped() == 0);
  CHECK(under_test.exporter->spans_failed_after_acceptance() == 0);
}

TEST_CASE(
    "a span too large for any request is dropped, counted and said "
    "once while the rest is delivered",
    "[otlp_http][split]") {
  HttpTestServer server(std::nullopt, kServerLimit);
  HttpExporterUnderTest under_test(
      server.url(),
      [](OtlpHttpExporterOptions& o) { o.max_request_bytes = 64 * 1024; });
  TestProvider provider;
  auto small = record_spans(provider, 3, 1000);
  auto huge = record_spans(provider, 1, 100 * 1024);
  weft::sdk::SpanBatch batch;
  for (auto& span : small) batch.push_back(std::move(span));
  batch.push_back(std::move(huge[0]));

  REQUIRE(under_test.exporter->export_spans(batch) == ExportResult::kSuccess);

  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_sent == 3);
  CHECK(stats.spans_dropped_too_large == 1);
  CHECK(under_test.exporter->spans_failed_after_acceptance() == 1);
  CHECK(under_test.logger->count_containing(
            {"1 spans dropped", "max_request_bytes (65536 bytes"}) == 1);

  // Only a too-large span: nothing delivered, the batch failed.
  auto alone = record_spans(provider, 1, 100 * 1024);
  CHECK(under_test.exporter->export_spans(alone) == ExportResult::kFailure);
  CHECK(under_test.exporter->stats().spans_dropped_too_large == 2);
  CHECK(under_test.logger->count_containing({"spans dropped"}) == 1);
}
