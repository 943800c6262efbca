// The fan-out/fan-in pattern: a `fan-out-request` span splits its data into
// chunks; a `coordinate-fan-out` child hands them to workers on a thread
// pool, where each `worker-process` span (a child of the coordinator, its
// context handed over with a Scope) is linked `triggered_by` the request;
// then `aggregate-results` links `aggregates_request` to the request and
// `aggregates_worker` to every worker.
//
// FanOutFanInProcessor is thread-safe: process() may be called from several
// threads; the workers run on its pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/thread_pool.h"
#include "weft/tracer.h"

namespace weft::samples {

struct FanOutRequest {
  std::string id;
  std::vector<std::int64_t> data;
};

struct FanOutResult {
  std::string status;
  std::size_t total_processed = 0;
  std::vector<std::int64_t> results;
  std::size_t chunks = 0;
};

class FanOutFanInProcessor {
 public:
  FanOutFanInProcessor(weft::Tracer& tracer, std::size_t num_workers);

  // Fans `request` out to the workers and fans the results back in.
  FanOutResult process(const FanOutRequest& request);

 private:
  struct Chunk {
    std::int64_t chunk_id = 0;
    std::vector<std::int64_t> items;
    std::string parent_request_id;
  };
  struct WorkerResult {
    std::int64_t chunk_id = 0;
    std::vector<std::int64_t> results;
    SpanContext worker_span_context;
  };

  std::vector<Chunk> split_work(const FanOutRequest& request) const;
  std::vector<WorkerResult> fan_out(const std::vector<Chunk>& chunks,
                                    const SpanContext& request_context);
  WorkerResult worker_process(const Chunk& chunk,
                              const SpanContext& request_context);
  FanOutResult fan_in(const std::vector<WorkerResult>& worker_results,
                      const SpanContext& request_context);

  weft::Tracer& tracer_;
  const std::size_t num_workers_;
  ThreadPool pool_;
};

struct FanOutSampleOptions {
  std::uint32_t workers = 4;
  std::uint32_t items = 10;
};

// One request `req-001` carrying `items` numbers through a processor with
// `workers` workers.
FanOutResult run_fan_out_fan_in(weft::Tracer& tracer,
                                const FanOutSampleOptions& options);

}  // namespace weft::samples
