// The article's complete order system, every link pattern in one program:
// `receive-order` spans (one trace each); every batch_size orders a
// `process-order-batch` trace with a `batch_member` link per order; its
// `fan-out-orders` child runs a `process-order-worker` per order on a thread
// pool, linked `triggered_by` the batch and `processes` the order; each item
// is processed with `process-item-attempt-N` retries linked `retry_of` to the
// earlier attempts; `aggregate-order-results` links `aggregates_batch` and
// `aggregates_worker` and carries the aggregation attributes and status.
//
// Random failures are drawn from per-order generators seeded from one seed,
// so a run is reproducible whatever the thread scheduling. OrderProcessor is
// thread-compatible (receive_order from one thread); the workers run on its
// pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/thread_pool.h"
#include "weft/tracer.h"

namespace weft::samples {

struct OrderItem {
  std::string id;
  std::string sku;
  std::int64_t quantity = 0;
};

struct Order {
  std::string order_id;
  std::string customer_id;
  std::vector<OrderItem> items;
  double total_amount = 0;
  std::uint64_t failure_seed = 0;  // draws this order's item failures
  SpanContext span_context;        // of its receive-order span
  Timestamp received_at;
};

struct OrderProcessorOptions {
  std::size_t batch_size = 5;
  std::size_t workers = 4;
  std::uint32_t max_attempts = 3;
  // Chance that an attempt fails (never the last one, as in the article).
  double failure_rate = 0.3;
  // Backoff after a failed attempt: backoff_unit * attempt (the article
  // waits 50 ms * attempt; the sample is faster).
  std::chrono::microseconds backoff_unit{2000};
  std::chrono::microseconds item_work{1000};  // per successful attempt
};

struct OrderStats {
  std::size_t batches = 0;
  std::size_t orders = 0;
  std::size_t successful = 0;
  std::size_t failed = 0;
  std::size_t attempts = 0;  // process-item-attempt-N spans
  std::size_t retries = 0;   // attempts after the first
};

class OrderProcessor {
 public:
  OrderProcessor(weft::Tracer& tracer, OrderProcessorOptions options);

  // Receives `order` in its own `receive-order` trace; processes a batch
  // when batch_size orders are queued. Returns the order id.
  std::string receive_order(Order order);
  // Processes the queued leftovers as a smaller batch (the article forgets
  // them).
  void flush();

  const OrderStats& stats() const { return stats_; }

 private:
  struct WorkerResult {
    std::string order_id;
    SpanContext worker_context;
    std::string status;
    std::size_t attempts = 0;
  };

  void process_order_batch(std::vector<Order> orders);
  std::vector<WorkerResult> fan_out_order_processing(
      const std::vector<Order>& orders, const SpanContext& batch_context);
  WorkerResult process_single_order(const Order& order,
                                    const SpanContext& batch_context);
  // Returns the attempts made; throws when the last attempt failed.
  std::size_t process_item_with_retry(const OrderItem& item,
                                      std::uint64_t& random_state);
  void fan_in_results(const std::vector<WorkerResult>& worker_results,
                      const SpanContext& batch_context);

  weft::Tracer& tracer_;
  const OrderProcessorOptions options_;
  std::vector<Order> order_queue_;
  OrderStats stats_;
  ThreadPool pool_;
};

struct OrderSampleOptions {
  std::uint32_t orders = 7;
  std::uint64_t seed = 42;
  OrderProcessorOptions processor;
};

// The article's run: `orders` orders ORD-0000, ORD-0001, ... with 1 to 4
// items and an amount in [50, 500) drawn from `seed`, then a final flush.
OrderStats run_order_processing(weft::Tracer& tracer,
                                const OrderSampleOptions& options);

// The orders run_order_processing() receives (exposed for the tests).
std::vector<Order> make_orders(std::uint32_t count, std::uint64_t seed);

}  // namespace weft::samples
