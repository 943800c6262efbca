#include "fan_out_fan_in/fan_out_fan_in.h"

#include <catch2/catch.hpp>
#include <set>

#include "sample_checks.h"

namespace weft::testing {

TEST_CASE(
    "fan_out_fan_in links every worker triggered_by the request and the "
    "aggregator to the request and to every worker",
    "[samples][fan_out_fan_in]") {
  TestProvider test;
  const auto result = samples::run_fan_out_fan_in(*test.tracer, {4, 10});
  CHECK(result.total_processed == 10);
  CHECK(result.chunks == 5);  // 10 items // 4 workers = chunks of 2
  const Spans spans(test.take_all());

  const auto requests = spans.named("fan-out-request");
  REQUIRE(requests.size() == 1);
  const sdk::SpanData& request = *requests.front();
  CHECK(is_root(request));
  CHECK(int_attribute(request.attributes, "fan_out.num_chunks") == 5);
  CHECK(text_attribute(request.attributes, "result.status") == "success");

  const auto coordinators = spans.children(request, "coordinate-fan-out");
  REQUIRE(coordinators.size() == 1);
  CHECK(int_attribute(coordinators.front()->attributes, "completed_workers") ==
        5);

  // Workers ran on pool threads, yet continue the coordinator's trace.
  const auto workers = spans.children(*coordinators.front(), "worker-process");
  REQUIRE(workers.size() == 5);
  std::set<std::int64_t> chunk_ids;
  for (const sdk::SpanData* worker : workers) {
    chunk_ids.insert(int_attribute(worker->attributes, "worker.chunk_id"));
    CHECK(int_attribute(worker->attributes, "worker.item_count") == 2);
    REQUIRE(worker->links.size() == 1);
    CHECK(relationship_of(worker->links[0]) == "triggered_by");
    CHECK(text_attribute(worker->links[0].attributes, "link.description") ==
          "Worker spawned from fan-out request");
    CHECK(spans.target(worker->links[0]) == &request);
  }
  CHECK(chunk_ids == std::set<std::int64_t>{0, 1, 2, 3, 4});

  const auto aggregators = spans.children(request, "aggregate-results");
  REQUIRE(aggregators.size() == 1);
  const sdk::SpanData& aggregator = *aggregators.front();
  CHECK(int_attribute(aggregator.attributes, "aggregation.num_workers") == 5);
  CHECK(int_attribute(aggregator.attributes, "aggregation.total_items") == 10);
  REQUIRE(aggregator.links.size() == 6);
  CHECK(relationship_of(aggregator.links[0]) == "aggregates_request");
  CHECK(spans.target(aggregator.links[0]) == &request);
  std::set<const sdk::SpanData*> aggregated;
  for (std::size_t i = 1; i < aggregator.links.size(); ++i) {
    const sdk::LinkData& link = aggregator.links[i];
    CHECK(relationship_of(link) == "aggregates_worker");
    const sdk::SpanData* worker = spans.target(link);
    REQUIRE(worker != nullptr);
    CHECK(worker->name == "worker-process");
    CHECK(int_attribute(link.attributes, "worker.chunk_id") ==
          int_attribute(worker->attributes, "worker.chunk_id"));
    aggregated.insert(worker);
  }
  CHECK(aggregated.size() == 5);
  CHECK(spans.all.size() == 1 + 1 + 5 + 1);
}

}  // namespace weft::testing
