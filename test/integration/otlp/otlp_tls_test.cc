// OTLP/gRPC (and the collector's OTLP/HTTP side) over TLS and mutual TLS,
// with a CA, a server certificate and a client certificate generated at test
// time by the openssl command.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "child_process.h"
#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_certificates.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpGrpcExporterOptions;
using weft::sdk::ExportResult;
using weft::testing::certificates;
using weft::testing::Certificates;
using weft::testing::ExporterUnderTest;

std::unique_ptr<weft::tools::Collector> start_tls_collector(bool mutual) {
  const Certificates& c = certificates();
  weft::tools::CollectorOptions options;
  options.tls_certificate_file = c.server_certificate;
  options.tls_key_file = c.server_key;
  if (mutual) options.tls_client_ca_file = c.ca;
  return weft::testing::start_collector(options);
}

}  // namespace

TEST_CASE("spans arrive over mutual TLS with certificates made at test time",
          "[otlp][grpc][tls][no_tsan]") {
  const Certificates& c = certificates();
  auto collector = start_tls_collector(/*mutual=*/true);
  const std::string endpoint =
      "https://127.0.0.1:" + std::to_string(collector->port());

  SECTION("configured in code") {
    ExporterUnderTest under_test(endpoint, [&](OtlpGrpcExporterOptions& o) {
      o.certificate_file = c.ca;
      o.client_certificate_file = c.client_certificate;
      o.client_key_file = c.client_key;
    });
    CHECK(under_test.exporter->uses_tls());
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
    CHECK(collector->stats().spans_accepted == 4);
  }
  SECTION("configured by the environment") {
    ExporterUnderTest under_test(
        "http://ignored:1", nullptr,
        {{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint},
         {"OTEL_EXPORTER_OTLP_CERTIFICATE", c.ca},
         {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", c.client_certificate},
         {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", c.client_key}});
    CHECK(under_test.exporter->uses_tls());
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
    CHECK(collector->stats().spans_accepted == 4);
  }
}

TEST_CASE("a TLS handshake that fails delivers nothing and counts the drop",
          "[otlp][grpc][tls][no_tsan]") {
  const Certificates& c = certificates();
  SECTION("no client certificate for a server that requires one") {
    auto collector = start_tls_collector(/*mutual=*/true);
    ExporterUnderTest under_test(
        "https://127.0.0.1:" + std::to_string(collector->port()),
        [&](OtlpGrpcExporterOptions& o) {
          o.certificate_file = c.ca;
          o.timeout = 500ms;
        });
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
    CHECK(collector->stats().requests == 0);
    CHECK(under_test.exporter->stats().spans_dropped_timeout == 4);
  }
  SECTION("a server certificate the client's roots do not trust") {
    auto collector = start_tls_collector(/*mutual=*/false);
    // The system roots: they do not know the test CA.
    ExporterUnderTest under_test(
        "https://127.0.0.1:" + std::to_string(collector->port()),
        [](OtlpGrpcExporterOptions& o) { o.timeout = 500ms; });
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
    CHECK(collector->stats().requests == 0);
  }
}

TEST_CASE("a TLS failure is logged once as such and the recovery once",
          "[otlp][grpc][tls][diagnostics][no_tsan]") {
  const Certificates& c = certificates();
  SECTION("a TLS client and a plaintext collector, which then turns TLS") {
    auto plaintext = weft::testing::start_collector();
    const int port = plaintext->port();
    ExporterUnderTest under_test("https://127.0.0.1:" + std::to_string(port),
                                 [&](OtlpGrpcExporterOptions& o) {
                                   o.certificate_file = c.ca;
                                   o.timeout = 300ms;
                                 });
    weft::testing::TestProvider provider;
    for (int i = 0; i < 2; ++i) {
      auto spans = weft::testing::record_varied_spans(provider);
      CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
    }
    CHECK(under_test.logger->size() == 1);
    CHECK(under_test.logger->count_containing(
              {"is failing: TLS failure (certificate or handshake), the "
               "collector does not speak TLS",
               "UNAVAILABLE", "wrong version number"}) == 1);

    plaintext.reset();
    weft::tools::CollectorOptions options;
    options.tls_certificate_file = c.server_certificate;
    options.tls_key_file = c.server_key;
    auto tls = weft::testing::start_collector_on(port, options);
    bool delivered = false;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!delivered && std::chrono::steady_clock::now() < deadline) {
      auto spans = weft::testing::record_varied_spans(provider);
      delivered =
          under_test.exporter->export_spans(spans) == ExportResult::kSuccess;
    }
    REQUIRE(delivered);
    CHECK(under_test.logger->size() == 2);
    CHECK(under_test.logger->count_containing(
              {"is delivering again after", "spans were dropped"}) == 1);
  }
  SECTION("a collector certificate that the client's CA did not sign") {
    auto collector = start_tls_collector(/*mutual=*/false);
    // The system roots: they do not know the test CA.
    ExporterUnderTest under_test(
        "https://127.0.0.1:" + std::to_string(collector->port()),
        [](OtlpGrpcExporterOptions& o) { o.timeout = 300ms; });
    weft::testing::TestProvider provider;
    for (int i = 0; i < 2; ++i) {
      auto spans = weft::testing::record_varied_spans(provider);
      CHECK(under_test.exporter->export_spans(spans) == ExportResult::kFailure);
    }
    CHECK(under_test.logger->size() == 1);
    CHECK(under_test.logger->count_containing(
              {"is failing: TLS failure (certificate or handshake), the "
               "collector's certificate is not trusted",
               "certificate verify failed"}) == 1);
  }
}

TEST_CASE(
    "the collector's OTLP/HTTP side serves HTTPS and mutual TLS with the same "
    "certificates",
    "[otlp][tls][http][no_tsan]") {
  const Certificates& c = certificates();
  weft::tools::CollectorOptions options;
  options.listen.clear();
  options.listen_http = "127.0.0.1:0";
  options.tls_certificate_file = c.server_certificate;
  options.tls_key_file = c.server_key;
  options.tls_client_ca_file = c.ca;
  auto started = weft::tools::Collector::start(options);
  REQUIRE(started.has_value());
  const int port = started.value()->http_port();

  httplib::SSLClient with_certificate("127.0.0.1", port, c.client_certificate,
                                      c.client_key);
  with_certificate.set_ca_cert_path(c.ca.c_str());
  with_certificate.enable_server_certificate_verification(true);
  const auto accepted =
      with_certificate.Post("/v1/traces", "", "application/x-protobuf");
  REQUIRE(accepted);
  CHECK(accepted->status == 200);

  httplib::SSLClient without_certificate("127.0.0.1", port);
  without_certificate.set_ca_cert_path(c.ca.c_str());
  without_certificate.enable_server_certificate_verification(true);
  CHECK_FALSE(
      without_certificate.Post("/v1/traces", "", "application/x-protobuf"));
  CHECK(started.value()->stats().requests == 1);
}
