// The OTLP/gRPC exporter in a fork() child of the process that created it,
// with a real gRPC collector on loopback (in the parent) and a real fork of
// this process after the exporter has sent requests (gRPC's threads and the
// exporter's retry thread exist in the parent only). The child never calls
// gRPC: its spans are dropped and counted with one warning, its flush and
// shutdown return at once, and it exits; the parent goes on delivering. The
// same for an exporter made in a child whose parent had gRPC initialized but
// no exporter at the fork (against `weft collect`, another process). gRPC
// (from Debian) is not TSan-instrumented: the cases are tagged [no_tsan].
#include <grpc/grpc.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "child_process.h"
#include "fake_environment.h"
#include "forked_child.h"
#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::testing::ExporterUnderTest;
using weft::testing::FakeEnvironment;
using weft::testing::ForkedChild;

const FakeEnvironment kNoEnvironment;

}  // namespace

TEST_CASE(
    "an OTLP gRPC exporter inherited by a fork() child drops the child's "
    "spans with one warning, never hangs, and the parent keeps exporting",
    "[otlp][grpc][fork][no_tsan]") {
  auto collector = weft::testing::start_collector();
  ExporterUnderTest under_test(
      weft::testing::http_endpoint(*collector),
      [](weft::exporters::OtlpGrpcExporterOptions& options) {
        options.max_concurrent_exports = 2;  // the default, pipelined
      });
  const auto exporter_stats = under_test.exporter->stats_reader();
  weft::sdk::BatchOptions batch;
  batch.schedule_delay = std::chrono::hours(1);
  batch.environment = &kNoEnvironment;
  batch.logger = under_test.logger;
  auto processor =
      weft::sdk::make_batch_processor(std::move(under_test.exporter), batch);
  REQUIRE(processor.has_value());
  weft::sdk::TracerProviderOptions options;
  options.environment = &kNoEnvironment;
  options.processors.push_back(std::move(processor).value());
  auto made = weft::sdk::make_tracer_provider(std::move(options));
  REQUIRE(made.has_value());
  std::shared_ptr<weft::sdk::TracerProvider> provider = std::move(made).value();
  std::shared_ptr<weft::Tracer> tracer = provider->get_tracer("fork");
  const auto spans = [&](int count, const std::string& name) {
    for (int i = 0; i < count; ++i) tracer->start_span(name).end();
  };
  // Delivered before the fork: the channel is connected, gRPC's threads run.
  spans(10, "parent");
  REQUIRE(provider->force_flush(10s));
  REQUIRE(collector->stats().spans_accepted == 10);
  spans(10, "parent");  // queued at the fork

  ForkedChild child([&](const ForkedChild& self) {
    spans(100, "child");
    const bool flushed = provider->force_flush(10s);
    const bool shut_down = provider->shutdown(10s);
    const auto stats = exporter_stats();
    const std::size_t warnings =
        under_test.logger->count_containing({"fork()"});
    tracer.reset();
    provider.reset();  // the exporter's destructor: no gRPC, no join
    self.write_line("flushed " + std::to_string(flushed) + " shut down " +
                    std::to_string(shut_down) + " dropped in child " +
                    std::to_string(stats.spans_dropped_forked) + " warnings " +
                    std::to_string(warnings));
    // An exporter made in the child would wait for ever on gRPC: it drops.
    ExporterUnderTest made_in_child(weft::testing::http_endpoint(*collector));
    weft::testing::TestProvider recorder;
    auto recorded = weft::testing::record_varied_spans(recorder);
    const std::size_t count = recorded.size();
    const bool dropped =
        made_in_child.exporter->export_spans(recorded) ==
            weft::sdk::ExportResult::kFailure &&
        made_in_child.exporter->stats().spans_dropped_forked == count &&
        !made_in_child.exporter->shutdown(10s);
    made_in_child.exporter.reset();
    self.write_line("an exporter made in the child dropped: " +
                    std::to_string(dropped));
    return !flushed && !shut_down && stats.spans_dropped_forked == 100 &&
                   warnings == 1 && dropped
               ? 0
               : 1;
  });
  REQUIRE(child.started());
  spans(10, "parent");
  const std::optional<int> code = child.wait_exit(30s);
  INFO(child.output());
  REQUIRE(code == 0);

  REQUIRE(provider->shutdown(10s));
  CHECK(exporter_stats().spans_dropped() == 0);
  CHECK(collector->stats().spans_accepted == 30);
  CHECK(under_test.logger->count_containing({"fork()"}) == 0);
}

TEST_CASE(
    "an OTLP gRPC exporter made in a fork() child of a process that had "
    "gRPC initialized but no exporter at the fork drops the child's spans "
    "with one warning and never hangs, and the parent keeps exporting",
    "[otlp][grpc][fork][no_tsan]") {
  weft::testing::ChildProcess collect(
      {WEFT_PROGRAM, "collect", "--listen", "127.0.0.1:0", "--count-only"});
  const auto line = collect.wait_for_line("listening on", 20s);
  REQUIRE(line.has_value());
  const std::string endpoint =
      "http://" + line->substr(line->find("listening on ") + 13);
  // As an application's own gRPC would: initialized across the fork.
  grpc_init();
  {
    // The parent used gRPC before, and let its exporter go before forking.
    ExporterUnderTest in_parent(endpoint);
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    REQUIRE(in_parent.exporter->export_spans(spans) ==
            weft::sdk::ExportResult::kSuccess);
  }
  ForkedChild child([&](const ForkedChild& self) {
    const auto started = std::chrono::steady_clock::now();
    ExporterUnderTest in_child(endpoint);
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    const std::size_t count = spans.size();
    const bool failed = in_child.exporter->export_spans(spans) ==
                        weft::sdk::ExportResult::kFailure;
    const bool shut_down = in_child.exporter->shutdown(10s);
    const auto stats = in_child.exporter->stats();
    const std::size_t warnings = in_child.logger->count_containing({"fork()"});
    in_child.exporter.reset();
    const auto took = std::chrono::steady_clock::now() - started;
    self.write_line("failed " + std::to_string(failed) + " shut down " +
                    std::to_string(shut_down) + " dropped " +
                    std::to_string(stats.spans_dropped_forked) + " of " +
                    std::to_string(count) + " warnings " +
                    std::to_string(warnings));
    return failed && !shut_down && stats.spans_dropped_forked == count &&
                   stats.spans_sent == 0 && warnings == 1 && took < 5s
               ? 0
               : 1;
  });
  REQUIRE(child.started());
  const std::optional<int> code = child.wait_exit(30s);
  INFO(child.output());
  REQUIRE(code == 0);
  {
    ExporterUnderTest after_fork(endpoint);
    weft::testing::TestProvider provider;
    auto spans = weft::testing::record_varied_spans(provider);
    CHECK(after_fork.exporter->export_spans(spans) ==
          weft::sdk::ExportResult::kSuccess);
    CHECK(after_fork.logger->count_containing({"fork()"}) == 0);
  }
  grpc_shutdown();
}
