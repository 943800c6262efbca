// order_processing: the article's complete order system (batching,
// fan-out/fan-in and retries, every link pattern at once; see README.md).
// The same --seed gives the same orders and the same failures.
#include <cstdio>

#include "common/sample_setup.h"
#include "order_processing/order_processing.h"

int main(int argc, char** argv) {
  weft::samples::Arguments arguments(argc, argv);
  weft::samples::OrderSampleOptions options;
  std::uint32_t batch_size = 5;
  std::uint32_t workers = 4;
  double failure_rate = options.processor.failure_rate;
  arguments.take_count("--orders", options.orders);
  arguments.take_seed("--seed", options.seed);
  arguments.take_count("--batch-size", batch_size);
  arguments.take_count("--workers", workers);
  arguments.take_seconds("--failure-rate", failure_rate);
  if (batch_size == 0) arguments.set_error("--batch-size must be at least 1");
  if (failure_rate > 1) arguments.set_error("--failure-rate is in [0, 1]");
  options.processor.batch_size = batch_size;
  options.processor.workers = workers;
  options.processor.failure_rate = failure_rate;

  const weft::samples::SampleInfo info{
      "order_processing", "order-processing-service",
      "Orders are received one by one, processed in batches of 5 (batch_member "
      "links), fanned\nout to workers (triggered_by, processes), each item "
      "retried (retry_of), and fanned in\n(aggregates_batch, "
      "aggregates_worker). Failures are drawn from --seed.",
      "  --orders N         orders to receive (default 7)\n"
      "  --seed N           seed of the orders and failures (default 42)\n"
      "  --batch-size N     orders per batch (default 5)\n"
      "  --workers N        worker threads (default 4)\n"
      "  --failure-rate X   chance an attempt fails (default 0.3)\n"};
  return weft::samples::run_sample(
      info, arguments, [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        const auto stats = weft::samples::run_order_processing(tracer, options);
        std::fprintf(stderr,
                     "order_processing: seed %llu: %zu orders in %zu batches, "
                     "%zu item attempts, %zu succeeded, %zu failed\n",
                     static_cast<unsigned long long>(options.seed),
                     stats.orders, stats.batches, stats.attempts,
                     stats.successful, stats.failed);
        return stats.orders == options.orders;
      });
}
