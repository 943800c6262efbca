// Collector::State: what a Collector's gRPC and HTTP servers share (options,
// counters, the request handler, kept requests, delayed answers) and the
// steps of handling one request that do not depend on the transport.
// Internal to tools/weft (collector.cc, collector_http.cc). Thread-safe:
// `mutex` guards the counters, kept requests and delayed answers;
// `handler_mutex` makes handler calls one at a time and is taken before
// `mutex`, never after.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "collector.h"

namespace weft::tools {

struct Collector::State {
  using Clock = std::chrono::steady_clock;

  CollectorOptions options;
  RequestHandler handler;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  CollectorStats stats;
  std::vector<ReceivedRequest> kept;
  std::mutex handler_mutex;  // one handler call at a time

  // Delayed gRPC answers, answered by `delayer` when due.
  struct Pending {
    Clock::time_point due;
    grpc::ServerUnaryReactor* reactor;
    grpc::Status status;
    bool operator>(const Pending& other) const { return due > other.due; }
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>>
      pending;
  bool stopping = false;
  std::thread delayer;

  // What becomes of a decoded request.
  struct Verdict {
    bool failed_on_purpose = false;
    std::string message;        // why, when failed on purpose
    std::int64_t rejected = 0;  // spans reported rejected, when accepted
    std::size_t spans = 0;
  };
  // Fills in a kept request's transport details (metadata, ...).
  using Describe = std::function<void(ReceivedRequest& kept)>;

  // Counts a request as it arrives; returns its number (1, 2, ...).
  std::uint64_t count_request();
  // Counts a request that cannot be decoded or is refused, and tells
  // options.on_malformed about `problem`.
  void count_malformed(const std::string& problem);
  // Fails request `number` on purpose (--fail-first) or hands it to the
  // handler, keeps it (keep_requests; `describe` adds what only the
  // transport knows) and counts it accepted.
  Verdict settle(std::uint64_t number, const ExportTraceServiceRequest& request,
                 const Describe& describe);
  // Waits out options.delay, or less when the collector stops (HTTP answers
  // wait on their own thread; gRPC ones go through `pending`).
  void wait_before_answer();

  // gRPC: the Export call, and the answer after options.delay.
  grpc::Status handle(grpc::CallbackServerContext* context,
                      const grpc::ByteBuffer& request_bytes,
                      grpc::ByteBuffer* response);
  void answer(grpc::ServerUnaryReactor* reactor, grpc::Status status);
  void run_delayer();
};

// The number of spans in `request`.
std::size_t count_spans(const ExportTraceServiceRequest& request);

}  // namespace weft::tools
