#include "batch_processing/batch_processing.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

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

TEST_CASE(
    "batch_processing with WEFT_SPAN_LINK_RETENTION=continue and 1000 items "
    "records every link, in the batch span and its continuation spans",
    "[samples][batch_processing]") {
  TestProvider test(
      {}, FakeEnvironment({{"WEFT_SPAN_LINK_RETENTION", "continue"}}));
  samples::run_batch_processing(*test.tracer, fast_options(1000, 1000));
  const Spans spans(test.take_all());

  const auto batches = spans.named("process-batch");
  REQUIRE(batches.size() == 1);
  const sdk::SpanData& batch = *batches.front();
  CHECK(batch.links.size() == 32);
  CHECK(batch.dropped_links_count == 0);
  // Every link, in the batch span then in its continuation spans, by index.
  std::vector<const sdk::LinkData*> links;
  for (const sdk::LinkData& link : batch.links) links.push_back(&link);
  std::size_t continuations = 0;
  for (std::int64_t first = 32; first < 1000; first += 32) {
    CAPTURE(first);
    const std::string name =
        "process-batch (links " + std::to_string(first + 1) + "-" +
        std::to_string(std::min<std::int64_t>(first + 32, 1000)) + ")";
    const auto found = spans.named(name);
    REQUIRE(found.size() == 1);
    const sdk::SpanData& continuation = *found.front();
    CHECK(spans.parent(continuation) == &batch);
    CHECK(
        text_attribute(continuation.attributes, "weft.link.continuation_of") ==
        batch.span_id.to_hex());
    CHECK(int_attribute(continuation.attributes, "weft.link.first_index") ==
          first);
    CHECK(continuation.dropped_links_count == 0);
    for (const sdk::LinkData& link : continuation.links) {
      links.push_back(&link);
    }
    ++continuations;
  }
  CHECK(continuations == 31);
  REQUIRE(links.size() == 1000);
  for (std::size_t i = 0; i < links.size(); ++i) {
    CAPTURE(i);
    const std::string item_id = "item-" + std::to_string(i);
    CHECK(int_attribute(links[i]->attributes, "batch.item.index") ==
          static_cast<std::int64_t>(i));
    CHECK(text_attribute(links[i]->attributes, "original.item.id") == item_id);
    const sdk::SpanData* target = spans.target(*links[i]);
    REQUIRE(target != nullptr);
    CHECK(text_attribute(target->attributes, "item.id") == item_id);
  }
  CHECK(spans.children(batch, "process-item").size() == 1000);
  // 1000 receive-item, the batch, 1000 process-item, 31 continuation spans.
  CHECK(spans.all.size() == 1000 + 1 + 1000 + 31);
  CHECK(test.provider->stats().links_dropped == 0);
}

TEST_CASE(
    "batch_processing with 1000 items and the default retention keeps 32 "
    "links and counts 968 dropped",
    "[samples][batch_processing]") {
  TestProvider test;
  samples::run_batch_processing(*test.tracer, fast_options(1000, 1000));
  const Spans spans(test.take_all());
  const auto batches = spans.named("process-batch");
  REQUIRE(batches.size() == 1);
  CHECK(batches.front()->links.size() == 32);
  CHECK(batches.front()->dropped_links_count == 968);
  CHECK(spans.all.size() == 1000 + 1 + 1000);  // no continuation span
  CHECK(test.provider->stats().links_dropped == 968);
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
