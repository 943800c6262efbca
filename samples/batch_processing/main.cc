// batch_processing: items received one by one, processed in batches whose
// span links back to every item (see README.md for the trace shape).
#include <chrono>
#include <cstdio>

#include "batch_processing/batch_processing.h"
#include "common/sample_setup.h"

int main(int argc, char** argv) {
  const weft::samples::SampleInfo info{
      "batch_processing", "batch-processor-service",
      "Items arrive one by one (receive-item, one trace each); every "
      "--batch-size items a\nprocess-batch span in a new trace links "
      "batch_member to each item. Leftovers are\nprocessed as a smaller "
      "batch after --flush-interval or at exit.",
      "  --items N            items to receive (default 5)\n"
      "  --batch-size N       items per batch (default 3)\n"
      "  --flush-interval S   seconds before leftovers are flushed "
      "(default 5; 0: only at exit)\n"};
  weft::samples::BatchSampleOptions options;
  std::uint32_t batch_size = 3;
  double flush_interval = 5.0;
  weft::tools::CommandLine command_line(std::string(info.program));
  command_line.add_number("items", options.items);
  command_line.add_number("batch-size", batch_size, 1);
  command_line.add_decimal("flush-interval", flush_interval, 0, 3600);
  return weft::samples::run_sample(
      info, command_line, argc, argv,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits& limits) {
        options.processor.batch_size = batch_size;
        options.processor.flush_interval = std::chrono::milliseconds(
            static_cast<std::int64_t>(flush_interval * 1000));
        options.processor.link_limit = limits.link_count;
        if (options.processor.batch_size > limits.link_count) {
          const bool continued =
              limits.link_retention == weft::sdk::LinkRetention::kContinue;
          std::fprintf(stderr,
                       "batch_processing: batches of %zu items, link limit "
                       "%u: each full batch span keeps %u links and %s\n",
                       options.processor.batch_size, limits.link_count,
                       limits.link_count,
                       continued ? "records the rest in continuation spans "
                                   "(WEFT_SPAN_LINK_RETENTION=continue)"
                                 : "counts the rest in dropped_links_count");
        }
        const auto result =
            weft::samples::run_batch_processing(tracer, options);
        std::fprintf(stderr, "batch_processing: %zu items in %zu batches\n",
                     result.items, result.batches);
        return result.items == options.items;
      });
}
