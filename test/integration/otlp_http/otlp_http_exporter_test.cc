// The OTLP/HTTP exporter against an in-process server over real HTTP on
// loopback: what arrives in each encoding, retries, Retry-After, final
// statuses, gzip, headers, partial success, and shutdown with a collector
// that is down or silent.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>

#include "http_exporter_support.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_test_spans.h"
#include "test_provider.h"
#include "weft/otlp/rpc_status.pb.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpHttpExporterOptions;
using weft::exporters::OtlpProtocol;
using weft::sdk::ExportResult;
using weft::testing::HttpExporterUnderTest;
using weft::testing::HttpTestServer;
using weft::testing::ScriptedAnswer;
using weft::testing::TestProvider;
using Clock = std::chrono::steady_clock;

int unused_port() { return HttpTestServer().port(); }

}  // namespace

TEST_CASE("every field arrives as sent over http/protobuf and http/json",
          "[otlp_http][exporter]") {
  const auto [line, protocol, content_type] =
      GENERATE(table<int, OtlpProtocol, std::string>({
          {__LINE__, OtlpProtocol::kHttpProtobuf, "application/x-protobuf"},
          {__LINE__, OtlpProtocol::kHttpJson, "application/json"},
      }));
  CAPTURE(line);
  HttpTestServer server;
  HttpExporterUnderTest under_test(
      server.url(""),
      [&](OtlpHttpExporterOptions& o) { o.protocol = protocol; });
  CHECK(under_test.exporter->url() == server.url("/v1/traces"));
  CHECK(under_test.exporter->protocol() == protocol);
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(spans.size() == 4);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/v1/traces");
  CHECK(requests[0].header("Content-Type") == content_type);
  const weft::testing::TraceRequest decoded =
      protocol == OtlpProtocol::kHttpJson
          ? weft::testing::decode_otlp_json(requests[0].body)
          : weft::testing::decode_protobuf(requests[0].body);
  CHECK(weft::testing::span_count(decoded) == 4);
  for (const auto& span : spans) {
    const auto* received = weft::testing::find_span(decoded, span->span_id);
    REQUIRE(received != nullptr);
    weft::testing::check_span(*span, *received);
  }
  const auto stats = under_test.exporter->stats();
  CHECK(stats.requests_succeeded == 1);
  CHECK(stats.spans_sent == 4);
  CHECK(stats.spans_dropped() == 0);
  CHECK(under_test.logger->size() == 0);
}

TEST_CASE("503 twice then 200 delivers every span exactly once",
          "[otlp_http][exporter]") {
  HttpTestServer server;
  server.script({{503}, {503}});
  HttpExporterUnderTest under_test(server.url());
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[2].body == requests[0].body);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.retries == 2);
  CHECK(stats.requests_succeeded == 1);
  CHECK(stats.spans_sent == 4);
  CHECK(stats.spans_dropped() == 0);
  // Failing said once, recovering said once.
  CHECK(under_test.logger->count_containing(
            {"is failing", "HTTP 503 Service Unavailable"}) == 1);
  CHECK(under_test.logger->count_containing(
            {"delivering again after 2 failed attempts"}) == 1);
}

TEST_CASE("429 with Retry-After 1 waits about a second before the retry",
          "[otlp_http][exporter]") {
  HttpTestServer server;
  server.script({{429, "1"}});
  // The backoff alone would retry within 50 ms.
  HttpExporterUnderTest under_test(server.url());
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].at - requests[0].at >= 900ms);
  CHECK(requests[1].at - requests[0].at < 8s);
  CHECK(under_test.exporter->stats().spans_sent == 4);
}

TEST_CASE("a Retry-After beyond the export timeout gives up at once",
          "[otlp_http][exporter]") {
  HttpTestServer server;
  server.script({{503, "3600"}});
  HttpExporterUnderTest under_test(server.url());
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  const auto started = Clock::now();

  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);

  CHECK(Clock::now() - started < 5s);
  CHECK(server.requests().size() == 1);
  CHECK(under_test.exporter->stats().spans_dropped_timeout == 4);
}

TEST_CASE("400 is not retried and its spans are counted as not retryable",
          "[otlp_http][exporter]") {
  HttpTestServer server;
  weft::otlp::rpc::Status status;
  status.set_code(3);
  status.set_message("span name missing");
  server.script(
      {{400, "", "application/x-protobuf", status.SerializeAsString()}, {400}});
  HttpExporterUnderTest under_test(server.url());
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);

  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  CHECK(server.requests().size() == 1);
  auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_not_retryable == 4);
  CHECK(stats.requests_failed == 1);
  CHECK(stats.retries == 0);
  CHECK_THAT(stats.last_error, Catch::Contains("HTTP 400 Bad Request"));
  CHECK(under_test.logger->count_containing(
            {"is failing", "HTTP 400 Bad Request: span name missing"}) == 1);

  // Counted again, not logged again.
  auto more = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(more) == ExportResult::kFailure);
  CHECK(under_test.exporter->stats().spans_dropped_not_retryable == 8);
  CHECK(under_test.logger->count_containing({"is failing"}) == 1);
}

TEST_CASE("gzip compression arrives gzip-encoded and decodes",
          "[otlp_http][exporter]") {
  const auto [line, protocol] = GENERATE(table<int, OtlpProtocol>({
      {__LINE__, OtlpProtocol::kHttpProtobuf},
      {__LINE__, OtlpProtocol::kHttpJson},
  }));
  CAPTURE(line);
  HttpTestServer server;
  HttpExporterUnderTest under_test(
      server.url(), nullptr,
      {{"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
       {"OTEL_EXPORTER_OTLP_PROTOCOL",
        protocol == OtlpProtocol::kHttpJson ? "http/json" : "http/protobuf"}});
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);

  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].header("Content-Encoding") == "gzip");
  // httplib inflated the body: it was gzip, and it holds the request.
  const auto decoded = protocol == OtlpProtocol::kHttpJson
                           ? weft::testing::decode_otlp_json(requests[0].body)
                           : weft::testing::decode_protobuf(requests[0].body);
  CHECK(weft::testing::span_count(decoded) == 4);
}

TEST_CASE("headers from the code and the environment arrive with each request",
          "[otlp_http][exporter]") {
  HttpTestServer server;
  HttpExporterUnderTest under_test(
      server.url(),
      [](OtlpHttpExporterOptions& o) {
        o.headers = {{"X-Tenant", "code"}, {"authorization", "from code"}};
      },
      {{"OTEL_EXPORTER_OTLP_HEADERS",
        "authorization=Bearer%20token,x-scope=a%2Cb"}});
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].header("x-tenant") == "code");
  CHECK(requests[0].header("authorization") == "Bearer token");
  CHECK(requests[0].headers.count("authorization") == 1);
  CHECK(requests[0].header("x-scope") == "a,b");
}

TEST_CASE("a partial success is counted and logged in both encodings",
          "[otlp_http][exporter]") {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse
      response;
  response.mutable_partial_success()->set_rejected_spans(1);
  response.mutable_partial_success()->set_error_message("one too old");
  const auto [line, protocol, answer] =
      GENERATE_COPY(table<int, OtlpProtocol, ScriptedAnswer>({
          {__LINE__,
           OtlpProtocol::kHttpProtobuf,
           {200, "", "application/x-protobuf", response.SerializeAsString()}},
          {__LINE__,
           OtlpProtocol::kHttpJson,
           {200, "", "application/json",
            R"({"partialSuccess":{"rejectedSpans":"1",)"
            R"("errorMessage":"one too old"}})"}},
      }));
  CAPTURE(line);
  HttpTestServer server;
  server.script({answer});
  HttpExporterUnderTest under_test(
      server.url(), [&](OtlpHttpExporterOptions& o) { o.protocol = protocol; });
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.partial_successes == 1);
  CHECK(stats.spans_rejected == 1);
  CHECK(stats.spans_sent == 3);
  CHECK(under_test.logger->count_containing(
            {"partially accepted", "1 of 4 spans rejected: one too old"}) == 1);
}

TEST_CASE(
    "a collector that is down fails within the export timeout and says "
    "so once",
    "[otlp_http][exporter]") {
  const int port = unused_port();
  HttpExporterUnderTest under_test(
      "http://127.0.0.1:" + std::to_string(port),
      [](OtlpHttpExporterOptions& o) { o.timeout = 300ms; });
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.spans_dropped_timeout == 4);
  CHECK(stats.retries >= 1);
  CHECK(under_test.logger->count_containing(
            {"is failing", "connection refused"}) == 1);
}

TEST_CASE(
    "shutdown returns within its deadline with a collector that is down "
    "or silent",
    "[otlp_http][exporter]") {
  const auto [line, silent] = GENERATE(table<int, bool>({
      {__LINE__, false},
      {__LINE__, true},
  }));
  CAPTURE(line, silent);
  HttpTestServer server;
  if (silent) server.hold();
  const std::string url =
      silent ? server.url()
             : "http://127.0.0.1:" + std::to_string(unused_port());
  HttpExporterUnderTest under_test(
      url, [](OtlpHttpExporterOptions& o) { o.timeout = 60s; });
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  auto exported = std::async(std::launch::async, [&] {
    return under_test.exporter->export_spans(spans);
  });
  if (silent) {
    REQUIRE(server.wait_for_requests(1));
  } else {
    REQUIRE(weft::testing::eventually(
        [&] { return under_test.exporter->stats().retries >= 1; }));
  }

  const auto started = Clock::now();
  CHECK_FALSE(under_test.exporter->shutdown(500ms));
  const auto took = Clock::now() - started;
  CHECK(took < 3s);  // the deadline, with room for a busy machine

  REQUIRE(exported.wait_for(10s) == std::future_status::ready);
  CHECK(exported.get() == ExportResult::kFailure);
  CHECK(under_test.exporter->stats().spans_dropped_shutdown == 4);
  // After shutdown, exports fail at once.
  auto more = weft::testing::record_varied_spans(provider);
  CHECK(under_test.exporter->export_spans(more) == ExportResult::kFailure);
  CHECK(under_test.exporter->stats().spans_dropped_shutdown == 8);
}

TEST_CASE("shutdown lets a request in flight finish before its deadline",
          "[otlp_http][exporter]") {
  HttpTestServer server;
  server.hold();
  HttpExporterUnderTest under_test(server.url());
  TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  auto exported = std::async(std::launch::async, [&] {
    return under_test.exporter->export_spans(spans);
  });
  REQUIRE(server.wait_for_requests(1));
  auto shut = std::async(std::launch::async,
                         [&] { return under_test.exporter->shutdown(20s); });
  server.release();
  CHECK(shut.get());
  CHECK(exported.get() == ExportResult::kSuccess);
  CHECK(under_test.exporter->stats().spans_sent == 4);
}
