// The exporter's configuration: OTEL_EXPORTER_OTLP(_TRACES)_* over the code
// over the defaults, bad values reported with a fallback, and refusals when
// the exporter could not work.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "fake_environment.h"
#include "fake_logger.h"
#include "otlp_grpc_config.h"
#include "weft/sdk/environment.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpCompression;
using weft::exporters::OtlpGrpcExporterOptions;
using weft::otlp::finalize_otlp_grpc_config;
using weft::testing::FakeEnvironment;
using weft::testing::FakeLogger;

struct Configured {
  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  weft::sdk::Expected<weft::otlp::OtlpGrpcConfig> config =
      weft::sdk::Error{weft::sdk::Error::kInvalidOption, "not run"};

  Configured(FakeEnvironment env, OtlpGrpcExporterOptions options = {})
      : environment(std::move(env)) {
    options.environment = &environment;
    options.logger = logger;
    config = finalize_otlp_grpc_config(options);
  }
};

}  // namespace

TEST_CASE("without settings the exporter sends plaintext to localhost:4317",
          "[otlp][config]") {
  Configured configured({});
  REQUIRE(configured.config.has_value());
  const auto& config = configured.config.value();
  CHECK(config.target == "localhost:4317");
  CHECK_FALSE(config.use_tls);
  CHECK(config.timeout == 10000ms);
  CHECK(config.compression == OtlpCompression::kNone);
  CHECK(config.headers.empty());
  CHECK(config.max_concurrent_exports == 2);
  CHECK(config.max_queued_bytes == 8u << 20);
  CHECK(configured.logger->size() == 0);
}

TEST_CASE("endpoint and TLS follow the scheme, then INSECURE",
          "[otlp][config]") {
  struct Row {
    int line;
    std::string endpoint;
    std::string insecure;
    std::string target;
    bool tls;
  };
  const Row row = GENERATE(
      Row{__LINE__, "http://collector:4317", "", "collector:4317", false},
      Row{__LINE__, "https://collector:4317", "", "collector:4317", true},
      Row{__LINE__, "https://collector", "true", "collector:4317", true},
      Row{__LINE__, "http://collector:1234/ignored/path", "false",
          "collector:1234", false},
      Row{__LINE__, "collector:4317", "", "collector:4317", true},
      Row{__LINE__, "collector:4317", "true", "collector:4317", false},
      Row{__LINE__, "HTTP://[::1]:4317", "", "[::1]:4317", false},
      Row{__LINE__, "http://[::1]", "", "[::1]:4317", false});
  CAPTURE(row.line, row.endpoint, row.insecure);
  FakeEnvironment environment{{"OTEL_EXPORTER_OTLP_ENDPOINT", row.endpoint}};
  if (!row.insecure.empty()) {
    environment.variables["OTEL_EXPORTER_OTLP_INSECURE"] = row.insecure;
  }
  Configured configured(environment);
  REQUIRE(configured.config.has_value());
  CHECK(configured.config.value().target == row.target);
  CHECK(configured.config.value().use_tls == row.tls);
  CHECK(configured.logger->size() == 0);
}

TEST_CASE(
    "traces-specific variables win over general ones, which win over "
    "code",
    "[otlp][config]") {
  OtlpGrpcExporterOptions options;
  options.endpoint = "http://code:1";
  options.timeout = 1000ms;
  options.compression = OtlpCompression::kNone;
  SECTION("general over code") {
    Configured configured({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:2"},
                           {"OTEL_EXPORTER_OTLP_TIMEOUT", "2000"},
                           {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}},
                          options);
    REQUIRE(configured.config.has_value());
    CHECK(configured.config.value().target == "general:2");
    CHECK(configured.config.value().timeout == 2000ms);
    CHECK(configured.config.value().compression == OtlpCompression::kGzip);
  }
  SECTION("traces-specific over general") {
    Configured configured(
        {{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:2"},
         {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:3"},
         {"OTEL_EXPORTER_OTLP_TIMEOUT", "2000"},
         {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "3000"},
         {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
         {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "none"}},
        options);
    REQUIRE(configured.config.has_value());
    CHECK(configured.config.value().target == "traces:3");
    CHECK(configured.config.value().timeout == 3000ms);
    CHECK(configured.config.value().compression == OtlpCompression::kNone);
  }
  SECTION("code over defaults") {
    Configured configured({}, options);
    REQUIRE(configured.config.has_value());
    CHECK(configured.config.value().target == "code:1");
    CHECK(configured.config.value().timeout == 1000ms);
  }
}

TEST_CASE("a bad variable is reported by name and value and a fallback used",
          "[otlp][config]") {
  struct Row {
    int line;
    std::string variable;
    std::string value;
    std::string fallback_in_message;
  };
  const Row row = GENERATE(
      Row{__LINE__, "OTEL_EXPORTER_OTLP_TIMEOUT", "ten", "1 to 3600000"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "0", "1 to 3600000"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_TIMEOUT", "-5", "1 to 3600000"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_COMPRESSION", "brotli", "gzip"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_INSECURE", "maybe", "false"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector:21",
          "http://host:port"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://:4317",
          "http://host:port"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://host:99999",
          "http://host:port"},
      Row{__LINE__, "OTEL_EXPORTER_OTLP_HEADERS", "bad-entry", "'bad-entry'"});
  CAPTURE(row.line, row.variable, row.value);
  OtlpGrpcExporterOptions options;
  options.endpoint = "http://code:7";
  options.timeout = 1500ms;
  options.compression = OtlpCompression::kGzip;
  Configured configured({{row.variable, row.value}}, options);
  REQUIRE(configured.config.has_value());
  const auto& config = configured.config.value();
  CHECK(config.target == "code:7");
  CHECK(config.timeout == 1500ms);
  CHECK(config.compression == OtlpCompression::kGzip);
  CHECK(configured.logger->count_containing(
            {row.variable.c_str(), row.value.c_str(),
             row.fallback_in_message.c_str()}) == 1);
  CHECK(configured.logger->size() == 1);
}

TEST_CASE("headers are parsed, percent-decoded and lower-cased",
          "[otlp][config]") {
  std::vector<std::string> rejected;
  const auto headers = weft::otlp::parse_headers(
      " Authorization=Bearer%20abc%3D , x-empty= ,=novalue, api-key=k=v,",
      rejected);
  REQUIRE(headers.size() == 3);
  CHECK(headers[0] ==
        std::pair<std::string, std::string>("authorization", "Bearer abc="));
  CHECK(headers[1] == std::pair<std::string, std::string>("x-empty", ""));
  CHECK(headers[2] == std::pair<std::string, std::string>("api-key", "k=v"));
  REQUIRE(rejected.size() == 1);
  CHECK_THAT(rejected[0], Catch::StartsWith("'=novalue'"));
}

TEST_CASE(
    "headers gRPC cannot carry are dropped with one warning per source, "
    "naming each entry",
    "[otlp][config][headers]") {
  OtlpGrpcExporterOptions options;
  options.headers = {{"Bad Key", "1"}, {"X-Ok", "code"}, {"x-nl", "a\nb"}};
  Configured configured(
      {{"OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "Bad Key=1,x-env=1,x-cr=%0D,x-utf=caf\xc3\xa9,grpc-x=1,x-hi=%FF,"
        "x-b-bin=%FF"}},
      options);
  REQUIRE(configured.config.has_value());
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK(configured.config.value().headers ==
        Pairs{{"x-ok", "code"}, {"x-env", "1"}, {"x-b-bin", "\xff"}});
  CHECK(configured.logger->count_containing(
            {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "'Bad Key=1'", "'x-cr=\\x0d'",
             "'x-utf=caf\\xc3\\xa9'", "'grpc-x=1'", "'x-hi=\\xff'"}) == 1);
  CHECK(configured.logger->count_containing({"OtlpGrpcExporterOptions::headers",
                                             "'Bad Key=1'",
                                             "'x-nl=a\\x0ab'"}) == 1);
  CHECK(configured.logger->size() == 2);
}

TEST_CASE("the exporter refuses to start when it could not work",
          "[otlp][config]") {
  SECTION("an unreadable CA file named in the environment") {
    Configured configured(
        {{"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "/nonexistent/ca.pem"}});
    REQUIRE_FALSE(configured.config.has_value());
    CHECK(configured.config.error().code ==
          weft::sdk::Error::kExporterSetupFailed);
    CHECK_THAT(configured.config.error().message,
               Catch::Contains("/nonexistent/ca.pem") &&
                   Catch::Contains("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE"));
  }
  SECTION("an unreadable client key named in code") {
    OtlpGrpcExporterOptions options;
    options.client_key_file = "/nonexistent/key.pem";
    Configured configured({}, options);
    REQUIRE_FALSE(configured.config.has_value());
    CHECK_THAT(configured.config.error().message,
               Catch::Contains("/nonexistent/key.pem"));
  }
  SECTION("an invalid endpoint in code") {
    OtlpGrpcExporterOptions options;
    options.endpoint = "grpc://collector:4317";
    Configured configured({}, options);
    REQUIRE_FALSE(configured.config.has_value());
    CHECK(configured.config.error().code == weft::sdk::Error::kInvalidOption);
    CHECK_THAT(configured.config.error().message,
               Catch::Contains("grpc://collector:4317"));
  }
  SECTION("no request allowed in flight") {
    OtlpGrpcExporterOptions options;
    options.max_concurrent_exports = 0;
    Configured configured({}, options);
    REQUIRE_FALSE(configured.config.has_value());
    CHECK(configured.config.error().code == weft::sdk::Error::kInvalidOption);
    CHECK_THAT(configured.config.error().message,
               Catch::Contains("max_concurrent_exports"));
  }
}

TEST_CASE("every variable the exporter reads is in the SDK's registry",
          "[otlp][config]") {
  Configured configured({});
  std::set<std::string> registered;
  for (std::size_t i = 0; i < weft::sdk::kEnvironmentVariableCount; ++i) {
    registered.emplace(weft::sdk::kEnvironmentVariables[i].name);
  }
  REQUIRE(configured.environment.reads.size() == 16);
  for (const std::string& read : configured.environment.reads) {
    CAPTURE(read);
    CHECK(registered.count(read) == 1);
  }
}
