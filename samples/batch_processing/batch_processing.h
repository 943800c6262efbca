// The batch-processing pattern: items arrive one by one, each in its own
// `receive-item` trace; every `batch_size` items one `process-batch` span, in
// a new trace, carries a `batch_member` link to each item's span and a
// `process-item` child per item. Leftovers are processed as a smaller batch
// when the flush interval passes or at close().
//
// BatchProcessor is thread-safe: add_item() may be called from any thread,
// and its flush timer runs on a thread of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "weft/tracer.h"

namespace weft::samples {

// One queued item and the context of the span that received it.
struct BatchItem {
  std::string id;
  std::string type;
  std::int64_t quantity = 0;
  SpanContext span_context;
  std::chrono::steady_clock::time_point received;
};

struct BatchProcessorOptions {
  std::size_t batch_size = 3;
  // Leftovers older than this are processed by the timer thread; zero turns
  // the timer off (only full batches and close() process items).
  std::chrono::milliseconds flush_interval{5000};
  // Simulated work per item inside `process-item`.
  std::chrono::microseconds item_work{2000};
  // The span link limit in force, written to `batch.link_limit` so that a
  // reader sees why a big batch shows fewer links than items.
  std::uint32_t link_limit = 32;
};

class BatchProcessor {
 public:
  BatchProcessor(weft::Tracer& tracer, BatchProcessorOptions options);
  // Stops the timer and processes the leftovers (close()).
  ~BatchProcessor();
  BatchProcessor(const BatchProcessor&) = delete;
  BatchProcessor& operator=(const BatchProcessor&) = delete;

  // Receives one item in its own `receive-item` trace; processes a batch
  // when the queue reaches batch_size.
  void add_item(const std::string& id, const std::string& type,
                std::int64_t quantity);
  // Processes whatever is queued as one (smaller) batch; `reason` goes to
  // `batch.flush_reason`.
  void flush(std::string_view reason);
  // Stops the timer thread and flushes with reason "shutdown". Idempotent.
  void close();

  std::size_t batches_processed() const;
  std::size_t items_processed() const;

 private:
  void process_batch(std::vector<BatchItem> items, std::string_view reason);
  void run_timer();

  weft::Tracer& tracer_;
  const BatchProcessorOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<BatchItem> queue_;
  std::size_t batches_processed_ = 0;
  std::size_t items_processed_ = 0;
  bool closing_ = false;
  std::thread timer_;
};

struct BatchSampleOptions {
  std::uint32_t items = 5;
  BatchProcessorOptions processor;
};

struct BatchSampleResult {
  std::size_t batches = 0;
  std::size_t items = 0;
};

// The article's example: `items` orders (item-0, item-1, ...) through a
// BatchProcessor, then close() so that no item is forgotten.
BatchSampleResult run_batch_processing(weft::Tracer& tracer,
                                       const BatchSampleOptions& options);

}  // namespace weft::samples
