// Helpers of the OTLP integration tests: an in-process collector on a
// loopback port, an exporter pointed at it with a fake environment and
// logger, and waiting on a condition with a deadline (never a fixed sleep).
// One test thread at a time.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "collector.h"
#include "fake_environment.h"
#include "fake_logger.h"
#include "weft/exporters/otlp_grpc_exporter.h"

namespace weft::testing {

using namespace std::chrono_literals;

// Polls `condition` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::yield();
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

inline std::unique_ptr<tools::Collector> start_collector(
    tools::CollectorOptions options = {}) {
  options.listen = "127.0.0.1:0";
  options.keep_requests = true;
  auto collector = tools::Collector::start(std::move(options));
  REQUIRE(collector.has_value());
  return std::move(collector).value();
}

// Starts a collector on loopback port `port`, e.g. one that an earlier
// collector used: a collector restarted on the same port.
inline std::unique_ptr<tools::Collector> start_collector_on(
    int port, tools::CollectorOptions options = {},
    tools::Collector::RequestHandler handler = nullptr) {
  options.listen = "127.0.0.1:" + std::to_string(port);
  auto collector =
      tools::Collector::start(std::move(options), std::move(handler));
  REQUIRE(collector.has_value());
  return std::move(collector).value();
}

// A loopback port that was just free: a collector bound it and stopped.
inline int unused_port() { return start_collector()->port(); }

struct ExporterUnderTest {
  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::unique_ptr<exporters::OtlpGrpcExporter> exporter;

  // Points an exporter at `endpoint` with quick retries; `adjust` may change
  // any option before the exporter is made. One request at a time
  // (max_concurrent_exports = 1) unless `adjust` says otherwise, so that
  // export_spans() returns each batch's final result for the tests to check;
  // the pipelined default is tested in otlp_pipeline_test.cc.
  explicit ExporterUnderTest(
      const std::string& endpoint,
      const std::function<void(exporters::OtlpGrpcExporterOptions&)>& adjust =
          nullptr,
      FakeEnvironment env = {})
      : environment(std::move(env)) {
    exporters::OtlpGrpcExporterOptions options;
    options.endpoint = endpoint;
    options.timeout = 10s;
    options.retry_initial_backoff = 10ms;
    options.retry_max_backoff = 50ms;
    options.max_concurrent_exports = 1;
    options.logger = logger;
    options.environment = &environment;
    if (adjust) adjust(options);
    auto made = exporters::make_otlp_grpc_exporter(std::move(options));
    if (!made) FAIL(made.error().message);
    exporter = std::move(made).value();
  }
};

// The first value of `key` in a request's metadata, or "<missing>".
inline std::string metadata_value(
    const std::multimap<std::string, std::string>& metadata,
    const std::string& key) {
  const auto found = metadata.find(key);
  return found == metadata.end() ? std::string("<missing>") : found->second;
}

inline std::string http_endpoint(const tools::Collector& collector) {
  return "http://" + collector.address();
}

}  // namespace weft::testing
