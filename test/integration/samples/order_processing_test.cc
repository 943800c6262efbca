#include "order_processing/order_processing.h"

#include <catch2/catch.hpp>
#include <map>

#include "sample_checks.h"

namespace weft::testing {
namespace {

samples::OrderSampleOptions fast_options(std::uint64_t seed) {
  samples::OrderSampleOptions options;
  options.seed = seed;
  options.processor.backoff_unit = std::chrono::microseconds(0);
  options.processor.item_work = std::chrono::microseconds(0);
  return options;
}

// Per order id: the attempt span names under its worker, in end order.
std::map<std::string, std::vector<std::string>> attempts_by_order(
    const Spans& spans) {
  std::map<std::string, std::vector<std::string>> attempts;
  for (const auto& span : spans.all) {
    if (span->name.rfind("process-item-attempt-", 0) != 0) continue;
    const sdk::SpanData* worker = spans.parent(*span);
    REQUIRE(worker != nullptr);
    attempts[text_attribute(worker->attributes, "order.id")].push_back(
        std::string(span->name) + ":" +
        (span->status_code == StatusCode::kOk ? "ok" : "error"));
  }
  return attempts;
}

}  // namespace

TEST_CASE(
    "order_processing batches orders, fans out workers, retries items and "
    "fans in, with every link of the article",
    "[samples][order_processing]") {
  TestProvider test;
  const auto stats =
      samples::run_order_processing(*test.tracer, fast_options(42));
  CHECK(stats.orders == 7);
  CHECK(stats.batches == 2);  // 5, then the 2 leftovers
  CHECK(stats.failed == 0);
  const Spans spans(test.take_all());

  const auto received = spans.named("receive-order");
  REQUIRE(received.size() == 7);
  std::map<std::string, const sdk::SpanData*> receive_of;
  for (const sdk::SpanData* span : received) {
    CHECK(is_root(*span));
    receive_of[text_attribute(span->attributes, "order.id")] = span;
  }
  CHECK(receive_of.size() == 7);

  const auto batches = spans.named("process-order-batch");
  REQUIRE(batches.size() == 2);
  const std::size_t sizes[] = {5, 2};
  std::size_t attempt_spans = 0;
  for (std::size_t b = 0; b < 2; ++b) {
    const sdk::SpanData& batch = *batches[b];
    CAPTURE(b);
    CHECK(is_root(batch));
    CHECK(int_attribute(batch.attributes, "batch.size") ==
          static_cast<std::int64_t>(sizes[b]));
    REQUIRE(batch.links.size() == sizes[b]);
    for (const sdk::LinkData& link : batch.links) {
      CHECK(relationship_of(link) == "batch_member");
      const std::string order_id = text_attribute(link.attributes, "order.id");
      CHECK(spans.target(link) == receive_of[order_id]);
      CHECK(text_attribute(link.attributes, "order.received_at").size() == 27);
    }

    const auto fan_outs = spans.children(batch, "fan-out-orders");
    REQUIRE(fan_outs.size() == 1);
    const auto workers =
        spans.children(*fan_outs.front(), "process-order-worker");
    REQUIRE(workers.size() == sizes[b]);
    for (const sdk::SpanData* worker : workers) {
      const std::string order_id =
          text_attribute(worker->attributes, "order.id");
      CAPTURE(order_id);
      REQUIRE(worker->links.size() == 2);
      CHECK(relationship_of(worker->links[0]) == "triggered_by");
      CHECK(spans.target(worker->links[0]) == &batch);
      CHECK(relationship_of(worker->links[1]) == "processes");
      CHECK(spans.target(worker->links[1]) == receive_of[order_id]);
      CHECK(text_attribute(worker->attributes, "processing.status") ==
            "success");
      // Each attempt N links retry_of to the N-1 attempts before it.
      for (const auto& span : spans.all) {
        if (span->parent_span_id != worker->span_id ||
            span->name.rfind("process-item-attempt-", 0) != 0) {
          continue;
        }
        ++attempt_spans;
        const int n = std::stoi(std::string(span->name.substr(21)));
        CHECK(int_attribute(span->attributes, "retry.attempt") == n);
        REQUIRE(span->links.size() == static_cast<std::size_t>(n - 1));
        for (int k = 1; k < n; ++k) {
          const sdk::LinkData& link = span->links[k - 1];
          CHECK(relationship_of(link) == "retry_of");
          CHECK(int_attribute(link.attributes, "retry.previous_attempt") == k);
          const sdk::SpanData* earlier = spans.target(link);
          REQUIRE(earlier != nullptr);
          CHECK(earlier->name == "process-item-attempt-" + std::to_string(k));
          CHECK(earlier->status_code == StatusCode::kError);
          CHECK(earlier->parent_span_id == worker->span_id);
        }
      }
    }

    const auto aggregates = spans.children(batch, "aggregate-order-results");
    REQUIRE(aggregates.size() == 1);
    const sdk::SpanData& aggregate = *aggregates.front();
    CHECK(aggregate.status_code == StatusCode::kOk);
    CHECK(int_attribute(aggregate.attributes, "aggregation.total_orders") ==
          static_cast<std::int64_t>(sizes[b]));
    CHECK(int_attribute(aggregate.attributes, "aggregation.failed") == 0);
    CHECK(attribute_as<double>(aggregate.attributes,
                               "aggregation.success_rate") == 1.0);
    REQUIRE(aggregate.links.size() == sizes[b] + 1);
    CHECK(relationship_of(aggregate.links[0]) == "aggregates_batch");
    CHECK(spans.target(aggregate.links[0]) == &batch);
    for (std::size_t i = 1; i < aggregate.links.size(); ++i) {
      CHECK(relationship_of(aggregate.links[i]) == "aggregates_worker");
      CHECK(spans.target(aggregate.links[i])->name == "process-order-worker");
      CHECK(text_attribute(aggregate.links[i].attributes, "worker.status") ==
            "success");
    }
  }
  CHECK(attempt_spans == stats.attempts);
}

TEST_CASE("order_processing repeats its orders and failures for one seed",
          "[samples][order_processing]") {
  TestProvider first;
  samples::run_order_processing(*first.tracer, fast_options(7));
  TestProvider second;
  samples::run_order_processing(*second.tracer, fast_options(7));
  const auto a = attempts_by_order(Spans(first.take_all()));
  const auto b = attempts_by_order(Spans(second.take_all()));
  CHECK(a.size() == 7);
  CHECK(a == b);

  const auto orders = samples::make_orders(7, 7);
  const auto again = samples::make_orders(7, 7);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    CHECK(orders[i].items.size() == again[i].items.size());
    CHECK(orders[i].total_amount == again[i].total_amount);
    CHECK(orders[i].total_amount >= 50);
    CHECK(orders[i].total_amount < 500);
  }
}

TEST_CASE(
    "order_processing with a failure rate of 1 fails every attempt but the "
    "last, as the article does",
    "[samples][order_processing]") {
  TestProvider test;
  auto options = fast_options(42);
  options.orders = 2;
  options.processor.failure_rate = 1.0;
  const auto stats = samples::run_order_processing(*test.tracer, options);
  std::size_t items = 0;
  for (const auto& order : samples::make_orders(2, 42)) {
    items += order.items.size();
  }
  CHECK(stats.attempts == 3 * items);
  const Spans spans(test.take_all());
  CHECK(spans.named("process-item-attempt-3").size() == items);
  for (const sdk::SpanData* span : spans.named("process-item-attempt-2")) {
    CHECK(span->status_description == "Retrying...");
  }
}

}  // namespace weft::testing
