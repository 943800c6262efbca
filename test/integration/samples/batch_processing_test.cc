#include "batch_processing/batch_processing.h"

#include <catch2/catch.hpp>
#include <set>

#include "sample_checks.h"

namespace weft::testing {
namespace {

samples::BatchSampleOptions fast_options(std::uint32_t items,
                                         std::size_t batch_size) {
  samples::BatchSampleOptions options;
  options.items = items;
  options.processor.batch_size = batch_size;
  options.processor.flush_interval = std::chrono::milliseconds(0);
  options.processor.item_work = std::chrono::microseconds(0);
  return options;
}

}  // namespace

TEST_CASE(
    "batch_processing links each batch to the receive-item trace of every "
    "item and flushes the leftovers as a smaller batch",
    "[samples][batch_processing]") {
  TestProvider test;
  const auto result =
      samples::run_batch_processing(*test.tracer, fast_options(5, 3));
  CHECK(result.batches == 2);
  CHECK(result.items == 5);
  const Spans spans(test.take_all());

  const auto received = spans.named("receive-item");
  REQUIRE(received.size() == 5);
  std::set<TraceId> item_traces;
  for (const sdk::SpanData* span : received) {
    CHECK(is_root(*span));
    item_traces.insert(span->trace_id);
  }
  CHECK(item_traces.size() == 5);  // each item in its own trace

  const auto batches = spans.named("process-batch");
  REQUIRE(batches.size() == 2);
  const std::size_t expected_sizes[] = {3, 2};
  const char* expected_reasons[] = {"size", "shutdown"};
  std::size_t first_item = 0;
  for (std::size_t b = 0; b < 2; ++b) {
    const sdk::SpanData& batch = *batches[b];
    CAPTURE(b);
    CHECK(is_root(batch));
    CHECK(item_traces.count(batch.trace_id) == 0);  // a trace of its own
    CHECK(int_attribute(batch.attributes, "batch.size") ==
          static_cast<std::int64_t>(expected_sizes[b]));
    CHECK(text_attribute(batch.attributes, "batch.flush_reason") ==
          expected_reasons[b]);
    CHECK(text_attribute(batch.attributes, "batch.status") == "success");
    CHECK(batch.dropped_links_count == 0);
    REQUIRE(batch.links.size() == expected_sizes[b]);
    for (std::size_t i = 0; i < batch.links.size(); ++i) {
      const sdk::LinkData& link = batch.links[i];
      const std::string item_id = "item-" + std::to_string(first_item + i);
      CAPTURE(i);
      CHECK(relationship_of(link) == "batch_member");
      CHECK(int_attribute(link.attributes, "batch.item.index") ==
            static_cast<std::int64_t>(i));
      CHECK(text_attribute(link.attributes, "original.item.id") == item_id);
      const sdk::SpanData* target = spans.target(link);
      REQUIRE(target != nullptr);
      CHECK(target->name == "receive-item");
      CHECK(text_attribute(target->attributes, "item.id") == item_id);
      CHECK(target->trace_id != batch.trace_id);
    }
    const auto items = spans.children(batch, "process-item");
    CHECK(items.size() == expected_sizes[b]);
    first_item += expected_sizes[b];
  }
  CHECK(spans.all.size() == 5 + 2 + 5);  // nothing else
}

TEST_CASE(
    "batch_processing with more items than the link limit keeps the limit "
    "and reports the dropped links",
    "[samples][batch_processing]") {
  TestProvider test;
  const std::uint32_t limit = test.provider->config().limits().link_count;
  REQUIRE(limit == 32);
  auto options = fast_options(40, 40);
  options.processor.link_limit = limit;
  samples::run_batch_processing(*test.tracer, options);
  const Spans spans(test.take_all());

  const auto batches = spans.named("process-batch");
  REQUIRE(batches.size() == 1);
  const sdk::SpanData& batch = *batches.front();
  CHECK(batch.links.size() == 32);
  CHECK(batch.dropped_links_count == 8);
  CHECK(int_attribute(batch.attributes, "batch.link_limit") == 32);
  CHECK(int_attribute(batch.attributes, "batch.size") == 40);
  // The first 32 items keep their links; every item is still processed.
  CHECK(text_attribute(batch.links[31].attributes, "original.item.id") ==
        "item-31");
  CHECK(spans.children(batch, "process-item").size() == 40);
}

TEST_CASE("batch_processing flushes leftovers when the flush interval passes",
          "[samples][batch_processing]") {
  TestProvider test;
  samples::BatchProcessorOptions options;
  options.batch_size = 10;
  options.flush_interval = std::chrono::milliseconds(1);
  options.item_work = std::chrono::microseconds(0);
  samples::BatchProcessor processor(*test.tracer, options);
  processor.add_item("item-0", "order", 1);
  // receive-item, then process-item and process-batch from the timer.
  REQUIRE(test.store->wait_for(3, std::chrono::seconds(10)));
  processor.close();
  CHECK(processor.batches_processed() == 1);
  const Spans spans(test.take_all());
  const auto batches = spans.named("process-batch");
  REQUIRE(batches.size() == 1);
  CHECK(text_attribute(batches.front()->attributes, "batch.flush_reason") ==
        "interval");
  CHECK(batches.front()->links.size() == 1);
  CHECK(spans.all.size() == 3);  // close() found nothing left
}

}  // namespace weft::testing
