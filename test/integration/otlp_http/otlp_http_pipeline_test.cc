// The OTLP/HTTP exporter behind the SDK's batch processor, as an
// application runs it: spans delivered to a live collector, and the
// provider's shutdown within its deadline when the collector is down or
// silent.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "http_exporter_support.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using weft::testing::FakeEnvironment;
using weft::testing::FakeLogger;
using weft::testing::HttpTestServer;

struct Application {
  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::function<weft::exporters::OtlpExporterStats()> exporter_stats;
  std::shared_ptr<weft::sdk::TracerProvider> provider;

  explicit Application(const std::string& url) {
    weft::exporters::OtlpHttpExporterOptions options;
    options.endpoint = url;
    options.logger = logger;
    options.environment = &environment;
    auto exporter = weft::exporters::make_otlp_http_exporter(options);
    REQUIRE(exporter.has_value());
    exporter_stats = exporter.value()->stats_reader();
    weft::sdk::BatchOptions batch;
    batch.environment = &environment;
    batch.logger = logger;
    batch.schedule_delay = 10ms;
    auto processor =
        weft::sdk::make_batch_processor(std::move(exporter).value(), batch);
    REQUIRE(processor.has_value());
    weft::sdk::TracerProviderOptions provider_options;
    provider_options.environment = &environment;
    provider_options.logger = logger;
    provider_options.processors.push_back(std::move(processor).value());
    auto made = weft::sdk::make_tracer_provider(std::move(provider_options));
    REQUIRE(made.has_value());
    provider = std::move(made).value();
  }

  void record(int count) {
    auto tracer = provider->get_tracer("weft.http.test");
    for (int i = 0; i < count; ++i) {
      weft::Span span = tracer->start_span("work-" + std::to_string(i));
    }
  }
};

int unused_port() { return HttpTestServer().port(); }

}  // namespace

TEST_CASE(
    "spans ended by the application reach the collector through the "
    "batch processor",
    "[otlp_http][pipeline]") {
  HttpTestServer server;
  Application application(server.url(""));
  application.record(100);
  REQUIRE(application.provider->force_flush(10s));
  CHECK(application.exporter_stats().spans_sent == 100);
  std::size_t received = 0;
  for (const auto& request : server.requests()) {
    received +=
        weft::testing::span_count(weft::testing::decode_protobuf(request.body));
  }
  CHECK(received == 100);
  CHECK(application.provider->shutdown(5s));
}

TEST_CASE(
    "the provider shuts down within its deadline with a collector that "
    "is down or silent",
    "[otlp_http][pipeline]") {
  const auto [line, silent] = GENERATE(table<int, bool>({
      {__LINE__, false},
      {__LINE__, true},
  }));
  CAPTURE(line, silent);
  HttpTestServer server;
  if (silent) server.hold();
  Application application(silent ? server.url("")
                                 : "http://127.0.0.1:" +
                                       std::to_string(unused_port()));
  application.record(50);
  // The worker is exporting: retrying, or waiting for an answer.
  REQUIRE(weft::testing::eventually([&] {
    return silent ? !server.requests().empty()
                  : application.exporter_stats().retries >= 1;
  }));

  const auto started = Clock::now();
  CHECK_FALSE(application.provider->shutdown(1s));
  CHECK(Clock::now() - started < 1s + 2s);  // room for a busy machine
  REQUIRE(weft::testing::eventually([&] {
    return application.exporter_stats().spans_dropped_shutdown == 50;
  }));
}
