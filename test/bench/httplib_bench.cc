// I2: what the cpp-httplib instrumentation costs per request.
//
// One GET on loopback per iteration, answered by an httplib::Server on
// another thread, over one kept-alive connection (TCP_NODELAY on both sides,
// so that Nagle's algorithm does not add its delays):
//   I2_httplib_get_plain          httplib alone: the baseline;
//   I2_httplib_get_traced         the traced client (CLIENT span, injection)
//                                 and traced route (extraction, SERVER span
//                                 current for the handler), with the SDK
//                                 installed: always_on, batch processor,
//                                 discarding exporter, and the global
//                                 propagator tracecontext + baggage;
//   I2_httplib_get_traced_no_sdk  the same instrumentation with no SDK
//                                 installed (tracing off).
// The difference from the baseline is the instrumentation's cost per
// request, both sides together (client and server run on this machine's
// two cores). Wall time is what counts: the server's work is on its thread.
//
// Run: build with -DWEFT_BUILD_BENCHMARKS=ON (Release), then
//   build/test/bench/weft_bench --benchmark_filter=I2 --benchmark_repetitions=5
// Sample run: see the end of this comment, filled in with the machine.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "weft/baggage.h"
#include "weft/instrumentation/httplib.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/sampler.h"
#include "weft/sdk/tracer_provider.h"

namespace {

namespace traced = weft::instrumentation::httplib;

class DiscardingExporter final : public weft::sdk::SpanExporter {
 public:
  weft::sdk::ExportResult export_spans(
      weft::sdk::SpanBatch&) noexcept override {
    return weft::sdk::ExportResult::kSuccess;
  }
  bool shutdown(std::chrono::milliseconds) noexcept override { return true; }
};

void answer(const httplib::Request&, httplib::Response& response) {
  response.set_content("{\"order\":7}", "application/json");
}

// An httplib::Server on a loopback port, on its own thread.
class LoopbackServer {
 public:
  LoopbackServer() { server.set_tcp_nodelay(true); }
  ~LoopbackServer() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }
  void start() {
    port = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::yield();
  }
  std::string origin() const {
    return "http://127.0.0.1:" + std::to_string(port);
  }

  httplib::Server server;
  int port = -1;

 private:
  std::thread thread_;
};

void keep_alive(httplib::Client& client) {
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
}

void I2_httplib_get_plain(benchmark::State& state) {
  LoopbackServer service;
  service.server.Get(R"(/orders/(\d+))", answer);
  service.start();
  httplib::Client client(service.origin());
  keep_alive(client);
  for (auto _ : state) {
    httplib::Result result = client.Get("/orders/7");
    if (!result || result->status != 200) {
      state.SkipWithError("request failed");
      break;
    }
  }
}
BENCHMARK(I2_httplib_get_plain)->UseRealTime();

void get_traced(benchmark::State& state) {
  LoopbackServer service;
  traced::Routes routes(service.server);
  routes.Get(R"(/orders/(\d+))", answer, "/orders/{id}");
  service.start();
  traced::Client client(service.origin());
  keep_alive(client.http());
  for (auto _ : state) {
    httplib::Result result = client.Get("/orders/7");
    if (!result || result->status != 200) {
      state.SkipWithError("request failed");
      break;
    }
  }
}

void I2_httplib_get_traced(benchmark::State& state) {
  weft::sdk::TracerProviderOptions options;
  options.sampler = weft::sdk::make_always_on_sampler();
  options.processors.push_back(
      weft::sdk::make_batch_processor(std::make_unique<DiscardingExporter>())
          .value());
  auto provider = weft::sdk::make_tracer_provider(std::move(options)).value();
  weft::set_tracer_provider(provider);
  weft::set_global_propagator(std::make_shared<const weft::CompositePropagator>(
      std::vector<std::shared_ptr<const weft::TextMapPropagator>>{
          std::make_shared<const weft::TraceContextPropagator>(),
          std::make_shared<const weft::BaggagePropagator>()}));
  get_traced(state);
  weft::set_global_propagator(nullptr);
  weft::set_tracer_provider(nullptr);
}
BENCHMARK(I2_httplib_get_traced)->UseRealTime();

void I2_httplib_get_traced_no_sdk(benchmark::State& state) {
  weft::set_tracer_provider(nullptr);
  get_traced(state);
}
BENCHMARK(I2_httplib_get_traced_no_sdk)->UseRealTime();

}  // namespace
