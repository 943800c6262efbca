// order_processing: the article's complete order system (batching,
// fan-out/fan-in and retries, every link pattern at once; see README.md).
// The same --seed gives the same orders and the same failures.
#include <cstdio>

#include "common/sample_setup.h"
#include "order_processing/order_processing.h"

int main(int argc, char** argv) {
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
  weft::samples::OrderSampleOptions options;
  std::uint32_t batch_size = 5;
  std::uint32_t workers = 4;
  double failure_rate = options.processor.failure_rate;
  weft::tools::CommandLine command_line(std::string(info.program));
  command_line.add_number("orders", options.orders);
  command_line.add_number("seed", options.seed);
  command_line.add_number("batch-size", batch_size, 1);
  command_line.add_number("workers", workers);
  command_line.add_decimal("failure-rate", failure_rate, 0, 1);
  return weft::samples::run_sample(
      info, command_line, argc, argv,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        options.processor.batch_size = batch_size;
        options.processor.workers = workers;
        options.processor.failure_rate = failure_rate;
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
