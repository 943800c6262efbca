// The OTLP/HTTP exporter's configuration: the specification's endpoint
// rules, the protocol, and what the environment overrides. No network.
#include "otlp_http_config.h"

#include <catch2/catch.hpp>
#include <string>

#include "fake_environment.h"
#include "fake_logger.h"
#include "http_exporter_support.h"
#include "otlp_test_spans.h"
#include "test_provider.h"

namespace {

using weft::exporters::OtlpHttpExporterOptions;
using weft::exporters::OtlpProtocol;
using weft::otlp::EndpointSource;
using weft::testing::FakeEnvironment;
using weft::testing::FakeLogger;

struct Finalized {
  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  weft::sdk::Expected<weft::otlp::OtlpHttpConfig> config;

  Finalized(FakeEnvironment env, OtlpHttpExporterOptions options = {})
      : environment(std::move(env)), config(make(options)) {}

 private:
  weft::sdk::Expected<weft::otlp::OtlpHttpConfig> make(
      OtlpHttpExporterOptions& options) {
    options.environment = &environment;
    options.logger = logger;
    return weft::otlp::finalize_otlp_http_config(options);
  }
};

}  // namespace

TEST_CASE(
    "the general endpoint gets /v1/traces and the traces one is used "
    "as it is",
    "[otlp_http][config]") {
  const auto [line, endpoint, source, expected, tls] =
      GENERATE(table<int, std::string, EndpointSource, std::string, bool>({
          {__LINE__, "http://collector:4318", EndpointSource::kGeneral,
           "http://collector:4318/v1/traces", false},
          {__LINE__, "http://collector:4318/", EndpointSource::kGeneral,
           "http://collector:4318/v1/traces", false},
          {__LINE__, "https://gw.example/otlp", EndpointSource::kGeneral,
           "https://gw.example/otlp/v1/traces", true},
          {__LINE__, "https://gw.example/otlp/", EndpointSource::kGeneral,
           "https://gw.example/otlp/v1/traces", true},
          {__LINE__, "HTTP://[::1]:4318", EndpointSource::kGeneral,
           "http://[::1]:4318/v1/traces", false},
          {__LINE__, "http://collector:4318/custom/path",
           EndpointSource::kTraces, "http://collector:4318/custom/path", false},
          {__LINE__, "http://collector:4318", EndpointSource::kTraces,
           "http://collector:4318", false},
          {__LINE__, "https://collector:4318/v1/traces/",
           EndpointSource::kTraces, "https://collector:4318/v1/traces/", true},
          {__LINE__, "http://collector:4318", EndpointSource::kCode,
           "http://collector:4318/v1/traces", false},
          {__LINE__, "http://collector:4318/", EndpointSource::kCode,
           "http://collector:4318/v1/traces", false},
          {__LINE__, "http://collector:4318/v1/traces", EndpointSource::kCode,
           "http://collector:4318/v1/traces", false},
          {__LINE__, "http://collector:4318/ingest", EndpointSource::kCode,
           "http://collector:4318/ingest", false},
      }));
  CAPTURE(line, endpoint);
  bool use_tls = !tls;
  std::string problem;
  const auto url = weft::otlp::traces_url(endpoint, source, use_tls, problem);
  INFO(problem);
  REQUIRE(url.has_value());
  CHECK(*url == expected);
  CHECK(use_tls == tls);
}

TEST_CASE("an endpoint that is not an http or https URL is refused",
          "[otlp_http][config]") {
  const auto [line, endpoint, problem_part] =
      GENERATE(table<int, std::string, std::string>({
          {__LINE__, "collector:4318", "no scheme"},
          {__LINE__, "grpc://collector:4317", "scheme"},
          {__LINE__, "http://", "no host"},
          {__LINE__, "http://:4318", "no host"},
          {__LINE__, "http://collector:0", "port"},
          {__LINE__, "http://collector:70000", "port"},
          {__LINE__, "http://collector:43x8", "port"},
          {__LINE__, "http://collector:4318/a b", "space"},
      }));
  CAPTURE(line, endpoint);
  bool use_tls = false;
  std::string problem;
  CHECK_FALSE(weft::otlp::traces_url(endpoint, EndpointSource::kGeneral,
                                     use_tls, problem)
                  .has_value());
  CHECK_THAT(problem, Catch::Contains(problem_part));
}

TEST_CASE("the endpoint variables win over the code's endpoint",
          "[otlp_http][config]") {
  OtlpHttpExporterOptions options;
  options.endpoint = "http://from-code:4318";
  SECTION("none set: the code's, then the default") {
    Finalized f({}, options);
    REQUIRE(f.config.has_value());
    CHECK(f.config.value().url == "http://from-code:4318/v1/traces");
    Finalized defaults({});
    REQUIRE(defaults.config.has_value());
    CHECK(defaults.config.value().url == "http://localhost:4318/v1/traces");
    CHECK_FALSE(defaults.config.value().use_tls);
  }
  SECTION("the general one") {
    Finalized f({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://env:4318/"}},
                options);
    REQUIRE(f.config.has_value());
    CHECK(f.config.value().url == "https://env:4318/v1/traces");
    CHECK(f.config.value().use_tls);
  }
  SECTION("the traces one, over the general one") {
    Finalized f({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318"},
                 {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                  "http://traces:9999/ingest/spans"}},
                options);
    REQUIRE(f.config.has_value());
    CHECK(f.config.value().url == "http://traces:9999/ingest/spans");
  }
  SECTION("a bad one is reported, naming it, and the code's is used") {
    Finalized f({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"}},
                options);
    REQUIRE(f.config.has_value());
    CHECK(f.config.value().url == "http://from-code:4318/v1/traces");
    CHECK(f.logger->count_containing(
              {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"}) == 1);
  }
}

TEST_CASE("the protocol comes from the environment when it names HTTP",
          "[otlp_http][config]") {
  const auto [line, variable, value, code, expected] =
      GENERATE(table<int, std::string, std::string, std::optional<OtlpProtocol>,
                     OtlpProtocol>({
          {__LINE__, "", "", std::nullopt, OtlpProtocol::kHttpProtobuf},
          {__LINE__, "", "", OtlpProtocol::kHttpJson, OtlpProtocol::kHttpJson},
          {__LINE__, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", std::nullopt,
           OtlpProtocol::kHttpJson},
          {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
           OtlpProtocol::kHttpJson, OtlpProtocol::kHttpProtobuf},
          // grpc chooses the other exporter; this one keeps its own.
          {__LINE__, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
           OtlpProtocol::kHttpJson, OtlpProtocol::kHttpJson},
          {__LINE__, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml", std::nullopt,
           OtlpProtocol::kHttpProtobuf},
      }));
  CAPTURE(line, variable, value);
  FakeEnvironment environment;
  if (!variable.empty()) environment.variables[variable] = value;
  OtlpHttpExporterOptions options;
  options.protocol = code;
  Finalized f(environment, options);
  REQUIRE(f.config.has_value());
  CHECK(f.config.value().protocol == expected);
}

TEST_CASE("grpc as the code's protocol or a bad endpoint in code is an error",
          "[otlp_http][config]") {
  OtlpHttpExporterOptions grpc;
  grpc.protocol = OtlpProtocol::kGrpc;
  Finalized a({}, grpc);
  REQUIRE_FALSE(a.config.has_value());
  CHECK_THAT(a.config.error().message, Catch::Contains("grpc"));

  OtlpHttpExporterOptions bad;
  bad.endpoint = "localhost:4318";
  Finalized b({}, bad);
  REQUIRE_FALSE(b.config.has_value());
  CHECK_THAT(b.config.error().message, Catch::Contains("localhost:4318"));
}

TEST_CASE(
    "an exporter configured only by the environment delivers to the "
    "general endpoint's /v1/traces",
    "[otlp_http][config][exporter]") {
  weft::testing::HttpTestServer server;
  weft::testing::HttpExporterUnderTest under_test(
      "", nullptr,
      {{"OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://127.0.0.1:" + std::to_string(server.port()) + "/base/"},
       {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}});
  CHECK(under_test.exporter->url() == server.url("/base/v1/traces"));
  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) ==
          weft::sdk::ExportResult::kSuccess);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/base/v1/traces");
  CHECK(requests[0].header("Content-Type") == "application/json");
}
