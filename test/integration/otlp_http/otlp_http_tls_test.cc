// OTLP/HTTP over TLS and mutual TLS against an in-process cpp-httplib
// server, with a CA, a server certificate and a client certificate
// generated at test time by the openssl command (as the OTLP/gRPC TLS
// tests make them).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "child_process.h"
#include "http_exporter_support.h"
#include "otlp_test_spans.h"
#include "test_certificates.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpHttpExporterOptions;
using weft::sdk::ExportResult;
using weft::testing::certificates;
using weft::testing::Certificates;
using weft::testing::HttpExporterUnderTest;
using weft::testing::HttpTestServer;
using weft::testing::ServerTls;

ServerTls server_tls(bool mutual) {
  const Certificates& c = certificates();
  return {c.server_certificate, c.server_key, mutual ? c.ca : std::string()};
}

}  // namespace

TEST_CASE(
    "spans arrive over TLS and mutual TLS with certificates made at "
    "test time",
    "[otlp_http][tls]") {
  const Certificates& c = certificates();
  SECTION("TLS, the CA from the code") {
    HttpTestServer server(server_tls(/*mutual=*/false));
    HttpExporterUnderTest under_test(
        server.url("", "https"),
        [&](OtlpHttpExporterOptions& o) { o.certificate_file = c.ca; });
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
    REQUIRE(server.requests().size() == 1);
    CHECK(weft::testing::span_count(
              weft::testing::decode_protobuf(server.requests()[0].body)) == 4);
  }
  SECTION("mutual TLS, configured in code") {
    HttpTestServer server(server_tls(/*mutual=*/true));
    HttpExporterUnderTest under_test(
        server.url("", "https"), [&](OtlpHttpExporterOptions& o) {
          o.certificate_file = c.ca;
          o.client_certificate_file = c.client_certificate;
          o.client_key_file = c.client_key;
        });
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
    CHECK(server.requests().size() == 1);
  }
  SECTION("mutual TLS, configured by the environment") {
    HttpTestServer server(server_tls(/*mutual=*/true));
    HttpExporterUnderTest under_test(
        "http://ignored:1", nullptr,
        {{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
          server.url("/v1/traces", "https")},
         {"OTEL_EXPORTER_OTLP_CERTIFICATE", c.ca},
         {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", c.client_certificate},
         {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", c.client_key}});
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
    CHECK(server.requests().size() == 1);
  }
}

TEST_CASE(
    "a TLS failure delivers nothing, is counted, and is logged once as "
    "such",
    "[otlp_http][tls]") {
  const Certificates& c = certificates();
  const auto [line, mutual_server, plaintext_server, with_ca, expected] =
      GENERATE_COPY(table<int, bool, bool, bool, std::string>({
          {__LINE__, true, false, true, "TLS failure"},
          {__LINE__, false, false, false,
           "the collector's certificate is not trusted"},
          {__LINE__, false, true, true, "a plaintext endpoint needs http://"},
      }));
  CAPTURE(line);
  std::unique_ptr<HttpTestServer> server =
      plaintext_server
          ? std::make_unique<HttpTestServer>()
          : std::make_unique<HttpTestServer>(server_tls(mutual_server));
  HttpExporterUnderTest under_test(server->url("", "https"),
                                   [&](OtlpHttpExporterOptions& o) {
                                     if (with_ca) o.certificate_file = c.ca;
                                     o.timeout = 300ms;
                                   });
  weft::testing::TestProvider provider;
  for (int i = 0; i < 2; ++i) {
    auto spans = weft::testing::record_varied_spans(provider);
    CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
  }
  CHECK(server->requests().empty());
  CHECK(under_test.exporter->stats().spans_dropped_timeout == 8);
  for (const auto& m : under_test.logger->all()) UNSCOPED_INFO(m.text);
  CHECK(under_test.logger->count_containing({"is failing", expected}) == 1);
  CHECK(under_test.logger->count_containing({"is failing"}) == 1);
}

TEST_CASE(
    "an unreadable certificate file is an error when the exporter is "
    "made",
    "[otlp_http][tls]") {
  OtlpHttpExporterOptions options;
  options.endpoint = "https://127.0.0.1:4318";
  options.certificate_file = "/nonexistent/ca.pem";
  weft::testing::FakeEnvironment environment;
  options.environment = &environment;
  auto made = weft::exporters::make_otlp_http_exporter(options);
  REQUIRE_FALSE(made.has_value());
  CHECK_THAT(made.error().message, Catch::Contains("/nonexistent/ca.pem"));
}
