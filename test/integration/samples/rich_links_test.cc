#include "rich_links/rich_links.h"

#include <catch2/catch.hpp>

#include "sample_checks.h"

namespace weft::testing {

TEST_CASE(
    "rich_links links a later trace to order contexts stored as strings, "
    "with every descriptive attribute",
    "[samples][rich_links]") {
  TestProvider test;
  const auto result = samples::run_rich_links(*test.tracer, {3, 40, 32});
  const Spans spans(test.take_all());

  const auto orders = spans.named("process-order");
  REQUIRE(orders.size() == 3);
  REQUIRE(result.stored_contexts.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(is_root(*orders[i]));
    CHECK(spans.children(*orders[i], "validate-order").size() == 1);
    CHECK(spans.children(*orders[i], "check-inventory").size() == 1);
    // The stored text is the order span's context.
    const auto parsed =
        samples::deserialize_span_context(result.stored_contexts[i]);
    REQUIRE(parsed.has_value());
    CHECK(parsed->trace_id() == orders[i]->trace_id);
    CHECK(parsed->span_id() == orders[i]->span_id);
    CHECK(parsed->is_remote());
  }

  const auto batches = spans.named("process-stored-orders");
  REQUIRE(batches.size() == 1);
  const sdk::SpanData& batch = *batches.front();
  REQUIRE(batch.links.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const sdk::LinkData& link = batch.links[i];
    const std::string id = "ORD-000" + std::to_string(i + 1);
    CAPTURE(i);
    CHECK(spans.target(link) == orders[i]);
    CHECK(link.trace_id != batch.trace_id);
    CHECK(relationship_of(link) == "batch_member");
    CHECK(keys_of(link.attributes) ==
          std::vector<std::string>{
              "link.relationship", "link.description", "link.created_at",
              "link.source.service", "link.source.operation",
              "link.correlation_id", "link.business.entity_type",
              "link.business.entity_id"});
    CHECK(text_attribute(link.attributes, "link.source.service") ==
          "order-service");
    CHECK(text_attribute(link.attributes, "link.correlation_id") ==
          "corr-" + id);
    CHECK(text_attribute(link.attributes, "link.business.entity_id") == id);
    const std::string created =
        text_attribute(link.attributes, "link.created_at");
    CHECK(created.size() == 27);  // 2024-05-01T12:00:00.000123Z
    CHECK(created.back() == 'Z');
    CHECK(created[10] == 'T');
  }

  const auto refunds = spans.named("refund-payment");
  REQUIRE(refunds.size() == 1);
  REQUIRE(refunds.front()->links.size() == 1);
  CHECK(relationship_of(refunds.front()->links[0]) == "compensates");
  CHECK(spans.target(refunds.front()->links[0])->name == "charge-payment");
}

TEST_CASE(
    "rich_links bounds the report's links itself and warns when it "
    "truncates",
    "[samples][rich_links]") {
  TestProvider test;
  const auto result = samples::run_rich_links(*test.tracer, {1, 40, 32});
  CHECK(result.report_links == 32);
  CHECK(result.warnings ==
        std::vector<std::string>{"Truncating 40 links to 32"});
  const Spans spans(test.take_all());
  const auto reports = spans.named("generate-report");
  REQUIRE(reports.size() == 1);
  const sdk::SpanData& report = *reports.front();
  CHECK(report.links.size() == 32);
  CHECK(report.dropped_links_count == 0);  // nothing left for the SDK to drop
  CHECK(int_attribute(report.attributes, "report.sources") == 40);
  for (std::size_t i = 0; i < report.links.size(); ++i) {
    const sdk::SpanData* source = spans.target(report.links[i]);
    REQUIRE(source != nullptr);
    CHECK(source->name == "read-source");
    CHECK(int_attribute(source->attributes, "source.id") ==
          static_cast<std::int64_t>(i + 1));  // the first ones are kept
    CHECK(relationship_of(report.links[i]) == "derived_from");
  }

  std::string warning;
  CHECK(samples::create_bounded_links({SpanContext(), SpanContext()},
                                      "aggregates", 32, &warning)
            .size() == 2);
  CHECK(warning.empty());
}

TEST_CASE("rich_links knows the relationship vocabulary",
          "[samples][rich_links]") {
  const auto [name, known] = GENERATE(table<std::string, bool>({
      {"triggered_by", true},
      {"batch_member", true},
      {"follows_from", true},
      {"aggregates", true},
      {"retry_of", true},
      {"compensates", true},
      {"derived_from", true},
      {"consumed_from", true},
      {"child_of", false},
      {"", false},
  }));
  CAPTURE(name);
  CHECK(samples::validate_link_relationship(name) == known);
}

}  // namespace weft::testing
