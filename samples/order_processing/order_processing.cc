#include "order_processing/order_processing.h"

#include <cstdio>
#include <future>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "common/iso_time.h"

namespace weft::samples {
namespace {

// A uniform double in [0, 1) from the engine's exact output sequence, so
// runs repeat on every standard library (the std distributions may not).
double uniform01(std::mt19937_64& engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

std::string numbered(const char* format, unsigned value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace

std::vector<Order> make_orders(std::uint32_t count, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::vector<Order> orders;
  for (std::uint32_t i = 0; i < count; ++i) {
    Order order;
    order.order_id = numbered("ORD-%04u", i);
    order.customer_id = numbered("CUST-%03u", i % 3);
    const unsigned item_count = 1 + static_cast<unsigned>(engine() % 4);
    for (unsigned j = 0; j < item_count; ++j) {
      order.items.push_back(
          {numbered("ITEM-%u", j), numbered("SKU-%04u", j), j + 1});
    }
    order.total_amount = 50 + 450 * uniform01(engine);
    order.failure_seed = engine();
    orders.push_back(std::move(order));
  }
  return orders;
}

OrderProcessor::OrderProcessor(weft::Tracer& tracer,
                               OrderProcessorOptions options)
    : tracer_(tracer), options_(options), pool_(options_.workers) {}

std::string OrderProcessor::receive_order(Order order) {
  const std::string order_id = order.order_id;
  bool batch_ready = false;
  {
    ScopedSpan span = tracer_.start_scoped_span("receive-order",
                                                StartSpanOptions().as_root());
    // Kept with the order for the batch's links.
    order.span_context = span.context();
    order.received_at = Clock::now();
    span->set_attribute("order.id", order.order_id);
    span->set_attribute("order.customer_id", order.customer_id);
    span->set_attribute("order.item_count", order.items.size());
    span->set_attribute("order.total_amount", order.total_amount);
    order_queue_.push_back(std::move(order));
    span->set_attribute("queue.size", order_queue_.size());
    batch_ready = order_queue_.size() >= options_.batch_size;
  }
  // The batch is a trace of its own (the article starts it inside the
  // receive-order span that fills the batch).
  if (batch_ready) {
    std::vector<Order> batch(
        order_queue_.begin(),
        order_queue_.begin() + static_cast<long>(options_.batch_size));
    order_queue_.erase(
        order_queue_.begin(),
        order_queue_.begin() + static_cast<long>(options_.batch_size));
    process_order_batch(std::move(batch));
  }
  return order_id;
}

void OrderProcessor::flush() {
  if (order_queue_.empty()) return;
  std::vector<Order> leftovers;
  leftovers.swap(order_queue_);
  process_order_batch(std::move(leftovers));
}

void OrderProcessor::process_order_batch(std::vector<Order> orders) {
  // One batch_member link per order, back to its receive-order span.
  std::vector<Link> links;
  std::vector<std::string> order_ids;
  for (const Order& order : orders) {
    order_ids.push_back(order.order_id);
    if (!order.span_context.is_valid()) continue;
    links.push_back(
        make_link(order.span_context, relationship::kBatchMember,
                  {{"order.id", order.order_id},
                   {"order.received_at", iso_8601_utc(order.received_at)}}));
  }

  ScopedSpan batch = tracer_.start_scoped_span(
      "process-order-batch",
      StartSpanOptions().as_root().with_links(std::move(links)));
  batch->set_attribute("batch.size", orders.size());
  batch->set_attribute("batch.order_ids", order_ids);
  const SpanContext batch_context = batch.context();

  const std::vector<WorkerResult> results =
      fan_out_order_processing(orders, batch_context);
  fan_in_results(results, batch_context);
  ++stats_.batches;
  stats_.orders += orders.size();
}

std::vector<OrderProcessor::WorkerResult>
OrderProcessor::fan_out_order_processing(const std::vector<Order>& orders,
                                         const SpanContext& batch_context) {
  ScopedSpan span = tracer_.start_scoped_span("fan-out-orders");
  span->set_attribute("fan_out.num_orders", orders.size());

  // Each worker continues this span's trace on its pool thread.
  const Context fan_out_context = Context::current();
  std::vector<std::future<WorkerResult>> futures;
  for (const Order& order : orders) {
    futures.push_back(
        pool_.submit([this, &order, batch_context, fan_out_context] {
          Scope scope(fan_out_context);
          return process_single_order(order, batch_context);
        }));
  }
  std::vector<WorkerResult> results;
  for (auto& future : futures) results.push_back(future.get());

  for (const WorkerResult& result : results) {
    stats_.attempts += result.attempts;
  }
  span->set_attribute("fan_out.completed", results.size());
  return results;
}

OrderProcessor::WorkerResult OrderProcessor::process_single_order(
    const Order& order, const SpanContext& batch_context) {
  // Triggered by the batch, and processing the order received earlier.
  std::vector<Link> links = {
      make_link(batch_context, relationship::kTriggeredBy,
                {{"batch.operation", "order_processing"}})};
  if (order.span_context.is_valid()) {
    links.push_back(make_link(order.span_context, relationship::kProcesses,
                              {{"order.id", order.order_id}}));
  }
  ScopedSpan span = tracer_.start_scoped_span(
      "process-order-worker", StartSpanOptions().with_links(std::move(links)));
  span->set_attribute("order.id", order.order_id);
  span->set_attribute("order.item_count", order.items.size());

  WorkerResult result{order.order_id, span.context(), "success", 0};
  std::uint64_t random_state = order.failure_seed;
  try {
    for (const OrderItem& item : order.items) {
      result.attempts += process_item_with_retry(item, random_state);
    }
    span->set_attribute("processing.status", "success");
  } catch (const std::exception& error) {
    span->set_attribute("processing.status", "error");
    span->record_exception(error);
    result.status = "error";
  }
  return result;
}

std::size_t OrderProcessor::process_item_with_retry(
    const OrderItem& item, std::uint64_t& random_state) {
  std::mt19937_64 engine(random_state);
  random_state = engine();  // the next item draws from a new state
  std::vector<SpanContext> previous_attempts;

  for (std::uint32_t attempt = 0; attempt < options_.max_attempts; ++attempt) {
    std::vector<Link> links;
    for (std::size_t index = 0; index < previous_attempts.size(); ++index) {
      links.push_back(make_link(
          previous_attempts[index], relationship::kRetryOf,
          {{"retry.previous_attempt", static_cast<std::int64_t>(index + 1)}}));
    }
    ScopedSpan span = tracer_.start_scoped_span(
        "process-item-attempt-" + std::to_string(attempt + 1),
        StartSpanOptions().with_links(std::move(links)));
    span->set_attribute("item.id", item.id);
    span->set_attribute("item.sku", item.sku);
    span->set_attribute("retry.attempt", attempt + 1);
    span->set_attribute("retry.is_retry", attempt > 0);

    const bool fails = uniform01(engine) < options_.failure_rate &&
                       attempt + 1 < options_.max_attempts;
    if (!fails) {
      if (options_.item_work.count() > 0) {
        std::this_thread::sleep_for(options_.item_work);  // the "work"
      }
      span->set_status(StatusCode::kOk);
      return attempt + 1;
    }
    const std::runtime_error error("Temporary processing error");
    previous_attempts.push_back(span.context());
    span->record_exception(error);
    if (attempt + 1 == options_.max_attempts) {
      span->set_status(StatusCode::kError, "Max retries exhausted");
      throw error;
    }
    span->set_status(StatusCode::kError, "Retrying...");
    std::this_thread::sleep_for(options_.backoff_unit * (attempt + 1));
  }
  return options_.max_attempts;
}

void OrderProcessor::fan_in_results(
    const std::vector<WorkerResult>& worker_results,
    const SpanContext& batch_context) {
  std::vector<Link> links = {
      make_link(batch_context, "aggregates_batch",
                {{"aggregation.type", "order_results"}})};
  for (const WorkerResult& result : worker_results) {
    if (!result.worker_context.is_valid()) continue;
    links.push_back(make_link(
        result.worker_context, "aggregates_worker",
        {{"order.id", result.order_id}, {"worker.status", result.status}}));
  }

  ScopedSpan span = tracer_.start_scoped_span(
      "aggregate-order-results",
      StartSpanOptions().with_links(std::move(links)));
  const std::size_t total_orders = worker_results.size();
  std::size_t successful = 0;
  for (const WorkerResult& result : worker_results) {
    if (result.status == "success") ++successful;
  }
  const std::size_t failed = total_orders - successful;
  span->set_attribute("aggregation.total_orders", total_orders);
  span->set_attribute("aggregation.successful", successful);
  span->set_attribute("aggregation.failed", failed);
  span->set_attribute("aggregation.success_rate",
                      total_orders > 0 ? static_cast<double>(successful) /
                                             static_cast<double>(total_orders)
                                       : 0.0);
  if (failed > 0) {
    span->set_status(StatusCode::kError,
                     std::to_string(failed) + " orders failed");
  } else {
    span->set_status(StatusCode::kOk);
  }
  stats_.successful += successful;
  stats_.failed += failed;
}

OrderStats run_order_processing(weft::Tracer& tracer,
                                const OrderSampleOptions& options) {
  OrderProcessor processor(tracer, options.processor);
  for (Order& order : make_orders(options.orders, options.seed)) {
    processor.receive_order(std::move(order));
  }
  processor.flush();
  OrderStats stats = processor.stats();
  return stats;
}

}  // namespace weft::samples
