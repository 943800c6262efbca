// install_sdk_from_environment() with a fake environment and the real
// exporters: what OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL
// choose, how bad values are reported, the errors that stop it (nothing
// installed then), and what the InstalledSdk does with spans. Cases that
// build the OTLP/gRPC exporter are tagged [no_tsan] (gRPC from Debian is
// not TSan-instrumented); they connect to nothing.
#include "weft/exporters/sdk_from_environment.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exporter_choice.h"
#include "fake_environment.h"
#include "fake_logger.h"
#include "weft/exporters/memory_exporter.h"
#include "weft/sdk/simple_span_processor.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::install_sdk_from_environment;
using weft::exporters::InstalledSdk;
using weft::exporters::SdkFromEnvironmentOptions;
using weft::testing::FakeEnvironment;
using weft::testing::FakeLogger;
using Names = std::vector<std::string>;

// Restores the no-op provider and the default propagator after a test.
struct RestoreGlobals {
  ~RestoreGlobals() {
    weft::set_tracer_provider(nullptr);
    weft::set_global_propagator(nullptr);
  }
};

// The resource's service.name ("" when missing or not a string).
std::string service_name(const weft::sdk::TracerProvider& provider) {
  for (const auto& [key, value] : provider.config().resource()->attributes) {
    const auto* text = std::get_if<std::string>(&value);
    if (key == "service.name" && text != nullptr) return *text;
  }
  return "";
}

std::string fields(const weft::TextMapPropagator& propagator) {
  std::string out;
  for (std::string_view field : propagator.fields()) {
    out.append(field).append(",");
  }
  return out;
}

}  // namespace

TEST_CASE(
    "OTEL_TRACES_EXPORTER names the exporters, and bad names are reported "
    "once and skipped",
    "[sdk_from_environment]") {
  struct Row {
    int line;
    std::string value;
    Names code_choice;
    Names chosen;
    std::vector<std::string> warning_parts;  // empty: no warning
  };
  const Names otlp{"otlp"};
  const Row row = GENERATE_COPY(
      Row{__LINE__, "", otlp, otlp, {}},
      Row{__LINE__, " \t", Names{"console"}, Names{"console"}, {}},
      Row{__LINE__, "otlp", Names{"console"}, otlp, {}},
      Row{__LINE__, "console", otlp, Names{"console"}, {}},
      Row{__LINE__, "none", otlp, Names{}, {}},
      Row{__LINE__, "NONE", otlp, Names{}, {}},
      Row{__LINE__, "otlp,console", otlp, Names{"otlp", "console"}, {}},
      Row{__LINE__,
          " Console , OTLP ,console,otlp",
          otlp,
          Names{"console", "otlp"},
          {}},
      Row{__LINE__,
          "zipkin",
          otlp,
          otlp,
          {"OTEL_TRACES_EXPORTER='zipkin'", "unknown exporter zipkin skipped",
           "valid: otlp, console, none", "using otlp"}},
      Row{__LINE__,
          "jaeger, console,zipkin",
          otlp,
          Names{"console"},
          {"OTEL_TRACES_EXPORTER='jaeger, console,zipkin'",
           "unknown exporters jaeger, zipkin skipped"}},
      Row{__LINE__,
          "none,console",
          otlp,
          Names{"console"},
          {"OTEL_TRACES_EXPORTER='none,console'",
           "`none` beside other exporters is ignored"}},
      Row{__LINE__,
          "bogus",
          Names{"console"},
          Names{"console"},
          {"OTEL_TRACES_EXPORTER='bogus'", "using console"}},
      Row{__LINE__,
          ",,",
          otlp,
          otlp,
          {"OTEL_TRACES_EXPORTER=',,'", "no known exporter left"}});
  CAPTURE(row.line, row.value);
  FakeEnvironment environment{{"OTEL_TRACES_EXPORTER", row.value}};
  auto logger = std::make_shared<FakeLogger>();
  CHECK(weft::exporters::choose_traces_exporters(
            environment, logger, row.code_choice) == row.chosen);
  if (row.warning_parts.empty()) {
    CHECK(logger->size() == 0);
  } else {
    REQUIRE(logger->size() == 1);
    CAPTURE(logger->all().front().text);
    for (const std::string& part : row.warning_parts) {
      CHECK_THAT(logger->all().front().text, Catch::Contains(part));
    }
  }
}

TEST_CASE(
    "the OTLP protocol comes from the traces variable, else the general one, "
    "else grpc",
    "[sdk_from_environment]") {
  using weft::exporters::OtlpProtocol;
  struct Row {
    int line;
    std::map<std::string, std::string> variables;
    OtlpProtocol protocol;
    std::string warning;  // empty: none
  };
  const Row row =
      GENERATE(Row{__LINE__, {}, OtlpProtocol::kGrpc, ""},
               Row{__LINE__,
                   {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}},
                   OtlpProtocol::kHttpProtobuf,
                   ""},
               Row{__LINE__,
                   {{"OTEL_EXPORTER_OTLP_PROTOCOL", " HTTP/JSON "}},
                   OtlpProtocol::kHttpJson,
                   ""},
               Row{__LINE__,
                   {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
                    {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"}},
                   OtlpProtocol::kGrpc,
                   ""},
               Row{__LINE__,
                   {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http"}},
                   OtlpProtocol::kGrpc,
                   "ignoring OTEL_EXPORTER_OTLP_PROTOCOL='http'"},
               Row{__LINE__,
                   {{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "spdy"}},
                   OtlpProtocol::kGrpc,
                   "ignoring OTEL_EXPORTER_OTLP_TRACES_PROTOCOL='spdy'"});
  CAPTURE(row.line);
  FakeEnvironment environment;
  environment.variables = row.variables;
  auto logger = std::make_shared<FakeLogger>();
  CHECK(weft::exporters::choose_otlp_protocol(environment, logger,
                                              std::nullopt) == row.protocol);
  if (row.warning.empty()) {
    CHECK(logger->size() == 0);
  } else {
    CHECK(logger->size() == 1);
    CHECK(logger->count_containing({row.warning,
                                    "grpc, http/protobuf, "
                                    "http/json"}) == 1);
  }
}

TEST_CASE("the protocol given in code applies when no variable sets one",
          "[sdk_from_environment]") {
  using weft::exporters::OtlpProtocol;
  FakeEnvironment environment;
  CHECK(weft::exporters::choose_otlp_protocol(environment, nullptr,
                                              OtlpProtocol::kHttpJson) ==
        OtlpProtocol::kHttpJson);
  environment.variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
  CHECK(weft::exporters::choose_otlp_protocol(environment, nullptr,
                                              OtlpProtocol::kHttpJson) ==
        OtlpProtocol::kGrpc);
}

TEST_CASE(
    "with nothing set, the SDK exports over OTLP/gRPC to localhost:4317 and "
    "is installed globally",
    "[sdk_from_environment][no_tsan]") {
  RestoreGlobals restore;
  FakeEnvironment environment;
  auto logger = std::make_shared<FakeLogger>();
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.logger = logger;
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE(installed.has_value());
  CHECK(installed->exporters() == Names{"otlp"});
  CHECK(installed->destination() == "localhost:4317 (OTLP/gRPC)");
  CHECK(weft::tracer_provider() == installed->provider());
  CHECK(fields(*weft::global_propagator()) ==
        "traceparent,tracestate,baggage,");
  CHECK(service_name(*installed->provider()) == "unknown_service");
  CHECK(logger->size() == 0);
  CHECK(installed->shutdown(1s));
}

TEST_CASE("each OTEL_TRACES_EXPORTER value builds its exporters",
          "[sdk_from_environment][no_tsan]") {
  struct Row {
    int line;
    std::string value;
    Names exporters;
    std::string destination;
  };
  const Row row = GENERATE(
      Row{__LINE__, "otlp", Names{"otlp"}, "localhost:4317 (OTLP/gRPC)"},
      Row{__LINE__, "console", Names{"console"}, "the console"},
      Row{__LINE__, "none", Names{}, "no exporter"},
      Row{__LINE__, "console,otlp", Names{"console", "otlp"},
          "the console and localhost:4317 (OTLP/gRPC)"},
      Row{__LINE__, "bogus,console", Names{"console"}, "the console"});
  CAPTURE(row.line, row.value);
  RestoreGlobals restore;
  FakeEnvironment environment{{"OTEL_TRACES_EXPORTER", row.value}};
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.logger = std::make_shared<FakeLogger>();
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE(installed.has_value());
  CHECK(installed->exporters() == row.exporters);
  CHECK(installed->destination() == row.destination);
}

TEST_CASE(
    "OTEL_SDK_DISABLED=true builds no exporter and a malformed value is "
    "reported once",
    "[sdk_from_environment][no_tsan]") {
  struct Row {
    int line;
    std::string disabled;
    Names exporters;
    std::size_t warnings;
  };
  const Row row = GENERATE(Row{__LINE__, "true", Names{}, 0},
                           Row{__LINE__, " TRUE ", Names{}, 0},
                           Row{__LINE__, "false", Names{"otlp", "console"}, 0},
                           Row{__LINE__, "yes", Names{"otlp", "console"}, 1});
  CAPTURE(row.line, row.disabled);
  RestoreGlobals restore;
  FakeEnvironment environment{{"OTEL_SDK_DISABLED", row.disabled},
                              {"OTEL_TRACES_EXPORTER", "otlp,console"}};
  auto logger = std::make_shared<FakeLogger>();
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.logger = logger;
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE(installed.has_value());
  CHECK(installed->exporters() == row.exporters);
  CHECK(installed->provider()->config().disabled() == row.exporters.empty());
  REQUIRE(logger->size() == row.warnings);
  if (row.warnings != 0) {
    CHECK_THAT(logger->all().front().text,
               Catch::Contains("OTEL_SDK_DISABLED"));
  }
}

TEST_CASE(
    "the code's exporter choice applies when OTEL_TRACES_EXPORTER is unset, "
    "and a bad one is an error",
    "[sdk_from_environment]") {
  RestoreGlobals restore;
  FakeEnvironment environment;
  SECTION("console from code") {
    SdkFromEnvironmentOptions options;
    options.environment = &environment;
    options.traces_exporter = "console";
    auto installed = install_sdk_from_environment(std::move(options));
    REQUIRE(installed.has_value());
    CHECK(installed->exporters() == Names{"console"});
  }
  SECTION("the environment wins over the code") {
    environment.variables["OTEL_TRACES_EXPORTER"] = "none";
    SdkFromEnvironmentOptions options;
    options.environment = &environment;
    options.traces_exporter = "console";
    auto installed = install_sdk_from_environment(std::move(options));
    REQUIRE(installed.has_value());
    CHECK(installed->exporters().empty());
  }
  SECTION("unknown names and none beside others are errors in code") {
    const std::string value = GENERATE("zipkin", "console,none");
    CAPTURE(value);
    const auto before = weft::tracer_provider();
    SdkFromEnvironmentOptions options;
    options.environment = &environment;
    options.traces_exporter = value;
    auto installed = install_sdk_from_environment(std::move(options));
    REQUIRE_FALSE(installed.has_value());
    CHECK(installed.error().code == weft::sdk::Error::kInvalidOption);
    CHECK_THAT(installed.error().message,
               Catch::Contains("SdkFromEnvironmentOptions::traces_exporter"));
    CHECK(weft::tracer_provider() == before);
  }
}

TEST_CASE(
    "an exporter that cannot work is an error naming the variable, and "
    "nothing is installed",
    "[sdk_from_environment][no_tsan]") {
  RestoreGlobals restore;
  const auto before = weft::tracer_provider();
  FakeEnvironment environment{
      {"OTEL_TRACES_EXPORTER", "console,otlp"},
      {"OTEL_PROPAGATORS", "b3"},
      {"OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem"}};
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.logger = std::make_shared<FakeLogger>();
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE_FALSE(installed.has_value());
  CHECK_THAT(installed.error().message,
             Catch::Contains("otlp exporter", Catch::CaseSensitive::No) &&
                 Catch::Contains("OTEL_EXPORTER_OTLP_CERTIFICATE") &&
                 Catch::Contains("/nonexistent/ca.pem"));
  CHECK(weft::tracer_provider() == before);
  CHECK(fields(*weft::global_propagator()) == "traceparent,tracestate,");
}

#ifndef WEFT_HAVE_OTLP_HTTP
TEST_CASE(
    "an HTTP protocol without the OTLP/HTTP exporter in the build is an error",
    "[sdk_from_environment]") {
  RestoreGlobals restore;
  const std::string protocol = GENERATE("http/protobuf", "http/json");
  FakeEnvironment environment{{"OTEL_EXPORTER_OTLP_PROTOCOL", protocol}};
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE_FALSE(installed.has_value());
  CHECK(installed.error().code == weft::sdk::Error::kMissingComponent);
  CHECK_THAT(
      installed.error().message,
      Catch::Contains("no OTLP/HTTP exporter") && Catch::Contains(protocol));
}
#endif

#ifdef WEFT_HAVE_OTLP_HTTP
TEST_CASE(
    "an HTTP protocol builds the OTLP/HTTP exporter with that encoding, and "
    "its endpoint rules",
    "[sdk_from_environment]") {
  struct Row {
    int line;
    std::map<std::string, std::string> variables;
    std::string destination;
  };
  const Row row = GENERATE(
      Row{__LINE__,
          {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}},
          "http://localhost:4318/v1/traces (OTLP/HTTP, http/protobuf)"},
      Row{__LINE__,
          {{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "HTTP/JSON"},
           {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
           {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}},
          "http://collector:4318/v1/traces (OTLP/HTTP, http/json)"},
      Row{__LINE__,
          {{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
           {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://gateway/traces"}},
          "http://gateway/traces (OTLP/HTTP, http/protobuf)"});
  CAPTURE(row.line);
  RestoreGlobals restore;
  FakeEnvironment environment;
  environment.variables = row.variables;
  auto logger = std::make_shared<FakeLogger>();
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.logger = logger;
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE(installed.has_value());
  CHECK(installed->exporters() == Names{"otlp"});
  CHECK(installed->destination() == row.destination);
  CHECK(logger->size() == 0);
  CHECK(installed->shutdown(1s));
}

TEST_CASE("a bad protocol beside an HTTP one given in code is reported once",
          "[sdk_from_environment]") {
  RestoreGlobals restore;
  FakeEnvironment environment{{"OTEL_EXPORTER_OTLP_PROTOCOL", "http"}};
  auto logger = std::make_shared<FakeLogger>();
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.logger = logger;
  options.otlp_protocol = weft::exporters::OtlpProtocol::kHttpJson;
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE(installed.has_value());
  CHECK_THAT(installed->destination(), Catch::Contains("http/json"));
  CHECK(logger->count_containing({"OTEL_EXPORTER_OTLP_PROTOCOL='http'"}) == 1);
  CHECK(logger->size() == 1);
}
#endif

TEST_CASE(
    "the installed SDK takes its resource, propagators and processors from "
    "the code and the environment",
    "[sdk_from_environment]") {
  RestoreGlobals restore;
  auto store = std::make_shared<weft::exporters::InMemorySpanStore>();
  FakeEnvironment environment{{"OTEL_TRACES_EXPORTER", "none"},
                              {"OTEL_PROPAGATORS", "b3multi"},
                              {"OTEL_SPAN_LINK_COUNT_LIMIT", "1"}};
  std::string expected_service = "code-service";
  SECTION("service name from code") {}
  SECTION("OTEL_SERVICE_NAME wins") {
    environment.variables["OTEL_SERVICE_NAME"] = "environment-service";
    expected_service = "environment-service";
  }
  SdkFromEnvironmentOptions options;
  options.environment = &environment;
  options.service_name = "code-service";
  options.processors.push_back(weft::sdk::make_simple_processor(
      std::make_unique<weft::exporters::InMemoryExporter>(store)));
  auto installed = install_sdk_from_environment(std::move(options));
  REQUIRE(installed.has_value());
  CHECK(installed->provider()->config().limits().link_count == 1);
  CHECK_THAT(fields(*weft::global_propagator()),
             Catch::Contains("x-b3-traceid"));

  weft::tracer("test")->start_span("through-the-global-tracer").end();
  const auto spans = store->take_all();
  REQUIRE(spans.size() == 1);
  CHECK(spans.front()->name == "through-the-global-tracer");
  CHECK(service_name(*installed->provider()) == expected_service);
}

TEST_CASE(
    "destroying the InstalledSdk flushes the batch processors and shuts "
    "down",
    "[sdk_from_environment]") {
  RestoreGlobals restore;
  std::FILE* console = std::tmpfile();
  REQUIRE(console != nullptr);
  // A schedule delay of an hour: only the shutdown exports.
  FakeEnvironment environment{{"OTEL_TRACES_EXPORTER", "console"},
                              {"OTEL_BSP_SCHEDULE_DELAY", "3600000"}};
  std::shared_ptr<weft::sdk::TracerProvider> provider;
  {
    SdkFromEnvironmentOptions options;
    options.environment = &environment;
    options.console = console;
    auto installed = install_sdk_from_environment(std::move(options));
    REQUIRE(installed.has_value());
    provider = installed->provider();
    weft::tracer("test")->start_span("flushed-at-exit").end();
    InstalledSdk moved = std::move(installed).value();
    CHECK(provider->stats().spans_exported == 0);
  }
  CHECK(provider->stats().spans_exported == 1);
  CHECK_FALSE(weft::tracer("test")->start_span("after").is_recording());
  std::fflush(console);
  std::rewind(console);
  std::string printed;
  char buffer[4096];
  while (std::size_t read = std::fread(buffer, 1, sizeof buffer, console)) {
    printed.append(buffer, read);
  }
  std::fclose(console);
  CHECK_THAT(printed, Catch::Contains("flushed-at-exit"));
}

TEST_CASE(
    "a bad OTEL_BSP_ value is reported once however many exporters read it",
    "[sdk_from_environment][no_tsan]") {
  RestoreGlobals restore;
  std::FILE* console = std::tmpfile();
  REQUIRE(console != nullptr);
  FakeEnvironment environment{{"OTEL_TRACES_EXPORTER", "console,otlp"},
                              {"OTEL_BSP_MAX_QUEUE_SIZE", "lots"}};
  auto logger = std::make_shared<FakeLogger>();
  {
    SdkFromEnvironmentOptions options;
    options.environment = &environment;
    options.console = console;
    options.logger = logger;
    auto installed = install_sdk_from_environment(std::move(options));
    REQUIRE(installed.has_value());
  }
  std::fclose(console);
  CHECK(logger->count_containing({"OTEL_BSP_MAX_QUEUE_SIZE='lots'"}) == 1);
  CHECK(logger->size() == 1);
}
