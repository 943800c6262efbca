// TracedService: what the httplib instrumentation tests run against: the
// SDK installed as the global provider (TestProvider: a simple processor
// into an in-memory store), the W3C trace-context + baggage propagator as
// the global propagator, and a real httplib::Server on a loopback port,
// whose routes the test registers (traced or plain) before start().
//
// Spans end before httplib writes the answer (server) or before the call
// returns (client), so when a request returns its spans are in the store:
// no waiting. Plus finders over the finished spans.
//
// One test at a time (it installs globals); the server's threads and the
// test thread share only the store, which is thread-safe.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test_provider.h"
#include "weft/baggage.h"
#include "weft/instrumentation/httplib.h"
#include "weft/propagation.h"
#include "weft/provider.h"

namespace weft::testing {

class TracedService {
 public:
  TracedService() {
    weft::set_tracer_provider(sdk.provider);
    weft::set_global_propagator(std::make_shared<const CompositePropagator>(
        std::vector<std::shared_ptr<const TextMapPropagator>>{
            std::make_shared<const TraceContextPropagator>(),
            std::make_shared<const BaggagePropagator>()}));
  }

  ~TracedService() {
    if (thread_.joinable()) {
      server.stop();
      thread_.join();
    }
    weft::set_global_propagator(nullptr);
    weft::set_tracer_provider(nullptr);
  }

  // Listens on a free loopback port; returns when the server accepts.
  void start() {
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread_ = std::thread([this] { server.listen_after_bind(); });
    // stop() before the listening loop runs would not stop it.
    while (!server.is_running()) std::this_thread::yield();
  }

  std::string origin() const {
    return "http://127.0.0.1:" + std::to_string(port);
  }

  TestProvider sdk;
  httplib::Server server;
  instrumentation::httplib::Routes routes{server};
  int port = -1;

 private:
  std::thread thread_;
};

// The finished spans of `kind`, in the order they ended.
inline std::vector<const sdk::SpanData*> spans_of_kind(
    const sdk::SpanBatch& spans, SpanKind kind) {
  std::vector<const sdk::SpanData*> found;
  for (const auto& span : spans) {
    if (span->kind == kind) found.push_back(span.get());
  }
  return found;
}

// The one finished span of `kind`; fails the test when there is not one.
inline const sdk::SpanData& one_span_of_kind(const sdk::SpanBatch& spans,
                                             SpanKind kind) {
  const std::vector<const sdk::SpanData*> found = spans_of_kind(spans, kind);
  REQUIRE(found.size() == 1);
  return *found.front();
}

// A batch taken in the same expression would die before the span is read.
const sdk::SpanData& one_span_of_kind(sdk::SpanBatch&& spans,
                                      SpanKind kind) = delete;

// An integer attribute, or -1 when absent.
inline std::int64_t int_attribute(const sdk::AttributeList& attributes,
                                  std::string_view key) {
  return attribute_as<std::int64_t>(attributes, key).value_or(-1);
}

}  // namespace weft::testing
