#include "fan_out_fan_in/fan_out_fan_in.h"

#include <algorithm>
#include <future>
#include <utility>

namespace weft::samples {

FanOutFanInProcessor::FanOutFanInProcessor(weft::Tracer& tracer,
                                           std::size_t num_workers)
    : tracer_(tracer),
      num_workers_(std::max<std::size_t>(1, num_workers)),
      pool_(num_workers_) {}

FanOutResult FanOutFanInProcessor::process(const FanOutRequest& request) {
  // The root span of the whole operation.
  ScopedSpan request_span = tracer_.start_scoped_span("fan-out-request");
  request_span->set_attribute("request.id", request.id);
  // Captured for the workers' and the aggregator's links.
  const SpanContext request_context = request_span.context();

  const std::vector<Chunk> chunks = split_work(request);
  request_span->set_attribute("fan_out.num_chunks", chunks.size());

  const std::vector<WorkerResult> worker_results =
      fan_out(chunks, request_context);
  FanOutResult result = fan_in(worker_results, request_context);
  result.chunks = chunks.size();

  request_span->set_attribute("result.status", "success");
  return result;
}

std::vector<FanOutFanInProcessor::Chunk> FanOutFanInProcessor::split_work(
    const FanOutRequest& request) const {
  // As in the article: chunks of len(data) // num_workers items (at least 1),
  // so 10 items over 4 workers make 5 chunks of 2.
  const std::size_t chunk_size =
      std::max<std::size_t>(1, request.data.size() / num_workers_);
  std::vector<Chunk> chunks;
  for (std::size_t i = 0; i < request.data.size(); i += chunk_size) {
    const std::size_t end = std::min(request.data.size(), i + chunk_size);
    chunks.push_back(Chunk{static_cast<std::int64_t>(i / chunk_size),
                           {request.data.begin() + static_cast<long>(i),
                            request.data.begin() + static_cast<long>(end)},
                           request.id});
  }
  return chunks;
}

std::vector<FanOutFanInProcessor::WorkerResult> FanOutFanInProcessor::fan_out(
    const std::vector<Chunk>& chunks, const SpanContext& request_context) {
  ScopedSpan coordinator = tracer_.start_scoped_span("coordinate-fan-out");
  coordinator->set_attribute("num_workers", chunks.size());

  // The coordinator's context travels with each task: a worker thread has
  // no current span of its own until it opens a Scope with it.
  const Context coordinator_context = Context::current();
  std::vector<std::future<WorkerResult>> futures;
  futures.reserve(chunks.size());
  for (const Chunk& chunk : chunks) {
    futures.push_back(
        pool_.submit([this, &chunk, coordinator_context, request_context] {
          Scope scope(coordinator_context);
          return worker_process(chunk, request_context);
        }));
  }

  std::vector<WorkerResult> results;
  results.reserve(futures.size());
  for (auto& future : futures) results.push_back(future.get());

  coordinator->set_attribute("completed_workers", results.size());
  return results;
}

FanOutFanInProcessor::WorkerResult FanOutFanInProcessor::worker_process(
    const Chunk& chunk, const SpanContext& request_context) {
  // This worker was triggered by the original request.
  ScopedSpan worker_span = tracer_.start_scoped_span(
      "worker-process",
      StartSpanOptions().with_links({make_link(
          request_context, relationship::kTriggeredBy,
          {{"link.description", "Worker spawned from fan-out request"}})}));
  worker_span->set_attribute("worker.chunk_id", chunk.chunk_id);
  worker_span->set_attribute("worker.item_count", chunk.items.size());

  WorkerResult result;
  result.chunk_id = chunk.chunk_id;
  for (std::int64_t item : chunk.items) {
    result.results.push_back(item * item);  // the "processing"
  }
  result.worker_span_context = worker_span.context();
  return result;
}

FanOutResult FanOutFanInProcessor::fan_in(
    const std::vector<WorkerResult>& worker_results,
    const SpanContext& request_context) {
  std::vector<Link> links;
  links.reserve(worker_results.size() + 1);
  links.push_back(make_link(
      request_context, "aggregates_request",
      {{"link.description", "Aggregating results for original request"}}));
  for (const WorkerResult& result : worker_results) {
    if (result.worker_span_context.is_valid()) {
      links.push_back(make_link(result.worker_span_context, "aggregates_worker",
                                {{"worker.chunk_id", result.chunk_id}}));
    }
  }

  ScopedSpan aggregator = tracer_.start_scoped_span(
      "aggregate-results", StartSpanOptions().with_links(std::move(links)));
  aggregator->set_attribute("aggregation.num_workers", worker_results.size());

  FanOutResult combined;
  for (const WorkerResult& result : worker_results) {
    combined.results.insert(combined.results.end(), result.results.begin(),
                            result.results.end());
  }
  aggregator->set_attribute("aggregation.total_items", combined.results.size());
  combined.status = "success";
  combined.total_processed = combined.results.size();
  return combined;
}

FanOutResult run_fan_out_fan_in(weft::Tracer& tracer,
                                const FanOutSampleOptions& options) {
  FanOutFanInProcessor processor(tracer, options.workers);
  FanOutRequest request{"req-001", {}};
  for (std::uint32_t i = 1; i <= options.items; ++i) request.data.push_back(i);
  return processor.process(request);
}

}  // namespace weft::samples
