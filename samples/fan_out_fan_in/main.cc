// fan_out_fan_in: one request fanned out to workers on a thread pool and
// fanned back in by an aggregator linked to every worker (see README.md).
#include <cstdio>

#include "common/sample_setup.h"
#include "fan_out_fan_in/fan_out_fan_in.h"

int main(int argc, char** argv) {
  const weft::samples::SampleInfo info{
      "fan_out_fan_in", "fan-out-service",
      "A fan-out-request splits its data into chunks; worker-process spans on "
      "a thread pool\nare linked triggered_by the request; aggregate-results "
      "links aggregates_request\nto the request and aggregates_worker to "
      "each worker.",
      "  --workers N   worker threads (default 4)\n"
      "  --items N     numbers in the request (default 10)\n"};
  weft::samples::FanOutSampleOptions options;
  weft::tools::CommandLine command_line(std::string(info.program));
  command_line.add_number("workers", options.workers, 1);
  command_line.add_number("items", options.items);
  return weft::samples::run_sample(
      info, command_line, argc, argv,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        const auto result = weft::samples::run_fan_out_fan_in(tracer, options);
        std::fprintf(stderr,
                     "fan_out_fan_in: %zu items processed in %zu chunks\n",
                     result.total_processed, result.chunks);
        return result.total_processed == options.items;
      });
}
