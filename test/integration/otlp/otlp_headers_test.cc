// Invalid headers never reach gRPC: entries of OTEL_EXPORTER_OTLP_HEADERS or
// of OtlpGrpcExporterOptions::headers that gRPC metadata cannot carry (a
// space in the key, a line break or a non-ASCII byte in the value, a
// reserved key) are dropped with one warning per source, and a real export
// to a real gRPC server on loopback succeeds with the valid ones. Without
// the rule gRPC aborts the process at the first export. [no_tsan]: gRPC.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"

namespace {

using weft::exporters::OtlpGrpcExporterOptions;
using weft::sdk::ExportResult;
using weft::testing::ExporterUnderTest;
using weft::testing::TestProvider;

}  // namespace

TEST_CASE(
    "invalid headers from the environment and from code are dropped with "
    "one warning each and the export succeeds",
    "[otlp][grpc][headers][no_tsan]") {
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](OtlpGrpcExporterOptions& options) {
        options.headers = {{"Bad Key", "1"},
                           {"X-Code", "from code"},
                           {"x-line", "a\nb"},
                           {"x-raw", "caf\xc3\xa9"}};
      },
      {{"OTEL_EXPORTER_OTLP_HEADERS",
        "Bad Key=1, x-env=ok%20too, x-newline=%0A, x-utf8=caf%C3%A9, "
        "grpc-timeout=1S, x-blob-bin=%00%0A%FF, novalue"}});
  TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto requests = collector->requests();
  REQUIRE(requests.size() == 1);
  const auto& metadata = requests[0].metadata;
  auto value_of = [&metadata](const std::string& key) {
    return weft::testing::metadata_value(metadata, key);
  };
  CHECK(value_of("x-code") == "from code");
  CHECK(value_of("x-env") == "ok too");
  CHECK(value_of("x-blob-bin") == std::string("\0\n\xff", 3));
  for (const char* dropped :
       {"bad key", "x-line", "x-raw", "x-newline", "x-utf8", "novalue"}) {
    CAPTURE(dropped);
    CHECK(metadata.count(dropped) == 0);
  }
  CHECK(value_of("grpc-timeout") != "1S");

  const auto& logger = *under_test.logger;
  CHECK(logger.count_containing({"OTEL_EXPORTER_OTLP_HEADERS", "'Bad Key=1'",
                                 "'x-newline=\\x0a'", "x-utf8", "grpc-timeout",
                                 "'novalue'"}) == 1);
  CHECK(logger.count_containing({"OtlpGrpcExporterOptions::headers",
                                 "'Bad Key=1'", "'x-line=a\\x0ab'",
                                 "'x-raw=caf\\xc3\\xa9'"}) == 1);
  CHECK(logger.count_containing({"headers"}) == 2);
}
