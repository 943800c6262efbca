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
// I2_httplib_server_wrapper and I2_httplib_server_bare_handler call a route's
// handler directly (no network): the server side's own cost.
//
// Sample run, 2026-12-05 01:38 UTC: Debian 12 VM, 2 vCPU AMD EPYC, g++ 12
// -O3 Release, shared with other builds (load average 9 to 11, so the wall
// times of the loopback cases vary by 6-15 us and their differences are
// within that noise; the CPU column, the client thread's CPU, is steadier):
//                                      wall (median)   CPU (median)
//   I2_httplib_get_plain                  103.0 us        22.06 us
//   I2_httplib_get_traced                 103.2 us        23.35 us
//   I2_httplib_get_traced_no_sdk          106.1 us        21.55 us
//   I2_httplib_server_wrapper              4.48 us         1.31 us
//   I2_httplib_server_bare_handler         0.16 us         0.07 us
// An earlier run (10 repetitions): plain 106.0 us / 23.59 us, traced
// 113.8 us / 24.96 us. So: about 1.3 us of CPU on the client's thread and
// 1.2 us on the server's per traced request, against about 100 us for the
// request itself on loopback.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "discarding_exporter.h"
#include "weft/baggage.h"
#include "weft/instrumentation/httplib.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/sampler.h"
#include "weft/sdk/tracer_provider.h"

namespace {

namespace traced = weft::instrumentation::httplib;

using weft::bench::DiscardingExporter;

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

// The SDK of I2_httplib_get_traced, installed globally with the propagator.
std::shared_ptr<weft::sdk::TracerProvider> install_sdk() {
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
  return provider;
}

void uninstall_sdk() {
  weft::set_global_propagator(nullptr);
  weft::set_tracer_provider(nullptr);
}

void I2_httplib_get_traced(benchmark::State& state) {
  auto provider = install_sdk();
  get_traced(state);
  uninstall_sdk();
}
BENCHMARK(I2_httplib_get_traced)->UseRealTime();

void I2_httplib_get_traced_no_sdk(benchmark::State& state) {
  weft::set_tracer_provider(nullptr);
  get_traced(state);
}
BENCHMARK(I2_httplib_get_traced_no_sdk)->UseRealTime();

// The server side alone, without the network: the wrapped handler called
// with a request as httplib parses it (traceparent, tracestate, baggage,
// Host, User-Agent): extraction, the SERVER span with its attributes, the
// scope, the end. Its time minus the bare handler's (a few ns) is what a
// traced route adds to each request on the server's thread.
void I2_httplib_server_wrapper(benchmark::State& state) {
  auto provider = install_sdk();
  const httplib::Server::Handler handler =
      traced::traced("/orders/{id}", answer);
  httplib::Request request;
  request.method = "GET";
  request.path = "/orders/7";
  request.version = "HTTP/1.1";
  request.remote_addr = "127.0.0.1";
  request.remote_port = 40000;
  request.headers = {
      {"Host", "127.0.0.1:8080"},
      {"User-Agent", "cpp-httplib/0.11"},
      {"traceparent",
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
      {"tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
      {"baggage", "userId=alice,serverNode=DF%2028"}};
  for (auto _ : state) {
    httplib::Response response;
    handler(request, response);
    benchmark::DoNotOptimize(response);
  }
  uninstall_sdk();
}
BENCHMARK(I2_httplib_server_wrapper);

void I2_httplib_server_bare_handler(benchmark::State& state) {
  const httplib::Server::Handler handler = answer;
  httplib::Request request;
  request.path = "/orders/7";
  for (auto _ : state) {
    httplib::Response response;
    handler(request, response);
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(I2_httplib_server_bare_handler);

}  // namespace
