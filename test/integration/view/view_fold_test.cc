// fold_continuation_spans: continuation spans (WEFT_SPAN_LINK_RETENTION=
// continue) folded back into the span they continue, in first-index order,
// kept as spans when that span is missing; and how the terminal view shows
// a span with folded links.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "view_model.h"
#include "view_render.h"

namespace weft::testing {

using tools::view::AttributeRecord;
using tools::view::fold_continuation_spans;
using tools::view::LinkRecord;
using tools::view::SpanRecord;
using tools::view::TraceSet;

namespace {

// `value` as `digits` lowercase hex digits after `prefix`.
std::string hex(std::size_t value, const char* prefix = "", int digits = 16) {
  char text[32];
  std::snprintf(text, sizeof text, "%s%0*zx", prefix, digits, value);
  return text;
}

constexpr const char* kTrace = "4af7651916cd43dd8448eb211c80319c";
constexpr const char* kBatchId = "b000000000000001";

// A link to span `index` (1-based, as hex) of another trace, with
// batch.item.index = index - 1.
LinkRecord link_to(std::size_t index) {
  LinkRecord link;
  link.trace_id = "5bf7651916cd43dd8448eb211c80319c";
  link.span_id = hex(index);
  link.attributes.push_back(
      {"link.relationship", "\"batch_member\"", "batch_member"});
  const std::string number = std::to_string(index - 1);
  link.attributes.push_back({"batch.item.index", number, number});
  return link;
}

SpanRecord span(std::string span_id, std::string name,
                std::string parent = "") {
  SpanRecord record;
  record.trace_id = kTrace;
  record.span_id = std::move(span_id);
  record.parent_span_id = std::move(parent);
  record.name = std::move(name);
  record.kind = 1;
  record.start_ns = 1000;
  record.end_ns = 2000;
  return record;
}

// The batch span holding links 1..32, as the SDK exports it.
SpanRecord batch(std::size_t links = 32) {
  SpanRecord record = span(kBatchId, "process batch");
  for (std::size_t i = 1; i <= links; ++i) record.links.push_back(link_to(i));
  return record;
}

// A continuation span of the batch holding links first+1 .. last (1-based).
SpanRecord continuation(std::size_t first, std::size_t last,
                        std::string continues = kBatchId) {
  SpanRecord record = span(hex(first, "c", 15),
                           "process batch (links " + std::to_string(first + 1) +
                               "-" + std::to_string(last) + ")",
                           kBatchId);
  record.attributes.push_back(
      {"weft.link.continuation_of", "\"" + continues + "\"", continues});
  const std::string index = std::to_string(first);
  record.attributes.push_back({"weft.link.first_index", index, index});
  for (std::size_t i = first + 1; i <= last; ++i) {
    record.links.push_back(link_to(i));
  }
  return record;
}

std::vector<std::string> linked_span_ids(const SpanRecord& record) {
  std::vector<std::string> ids;
  for (const LinkRecord& link : record.links) ids.push_back(link.span_id);
  return ids;
}

std::vector<std::string> span_ids_1_to(std::size_t last) {
  std::vector<std::string> ids;
  for (std::size_t i = 1; i <= last; ++i) {
    ids.push_back(hex(i));
  }
  return ids;
}

}  // namespace

TEST_CASE(
    "weft view folds continuation spans back into their span in first-index "
    "order, whatever order they come in",
    "[view][fold]") {
  std::vector<SpanRecord> spans;
  spans.push_back(continuation(64, 96));
  spans.push_back(span("d000000000000001", "process-item", kBatchId));
  spans.push_back(continuation(96, 100));
  spans.push_back(continuation(32, 64));
  spans.push_back(batch());
  spans[0].dropped_links_count = 1;  // out of memory in the SDK

  fold_continuation_spans(spans);
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].name == "process-item");  // the others keep their order
  const SpanRecord& folded = spans[1];
  CHECK(folded.name == "process batch");
  CHECK(linked_span_ids(folded) == span_ids_1_to(100));
  CHECK(folded.links[99].attributes[1].raw == "99");
  CHECK(folded.folded_link_count == 68);
  CHECK(folded.folded_span_count == 3);
  CHECK(folded.dropped_links_count == 1);
  CHECK(spans[0].folded_span_count == 0);
}

TEST_CASE(
    "weft view keeps a continuation span as a span when the span it "
    "continues is not in the input",
    "[view][fold]") {
  std::vector<SpanRecord> spans;
  spans.push_back(continuation(32, 64));
  spans.push_back(continuation(32, 40, "e000000000000009"));
  spans.push_back(batch());
  // Same span id, other trace: not the span it continues.
  spans.back().trace_id = "6cf7651916cd43dd8448eb211c80319c";

  fold_continuation_spans(spans);
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].name == "process batch (links 33-64)");
  CHECK(spans[0].links.size() == 32);
  CHECK(spans[1].links.size() == 8);
  CHECK(spans[2].links.size() == 32);
  CHECK(spans[2].folded_span_count == 0);
}

TEST_CASE("weft view folds a continuation span whose span id is uppercase",
          "[view][fold]") {
  std::vector<SpanRecord> spans;
  spans.push_back(batch());
  spans.push_back(continuation(32, 33, "B000000000000001"));
  fold_continuation_spans(spans);
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].links.size() == 33);
}

TEST_CASE("weft view leaves spans without continuation spans as they are",
          "[view][fold]") {
  std::vector<SpanRecord> spans;
  spans.push_back(batch());
  spans.push_back(span("d000000000000001", "process-item", kBatchId));
  fold_continuation_spans(spans);
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].links.size() == 32);
  CHECK(spans[1].name == "process-item");
}

TEST_CASE(
    "weft view shows how many of a span's links were folded from how many "
    "continuation spans",
    "[view][fold][render]") {
  std::vector<SpanRecord> spans;
  spans.push_back(batch());
  for (std::size_t first = 32; first < 1000; first += 32) {
    spans.push_back(
        continuation(first, std::min<std::size_t>(first + 32, 1000)));
  }
  fold_continuation_spans(spans);
  REQUIRE(spans.size() == 1);
  const TraceSet traces(std::move(spans));
  const std::string text = tools::view::render_waterfall(
      traces, tools::view::select_traces(traces, {}));
  CHECK_THAT(text, Catch::Contains("1 span, 1.0µs, 1000 links"));
  CHECK_THAT(text,
             Catch::Contains("⤷ 1000 links (968 from 31 continuation spans)"));
  CHECK_THAT(text, Catch::Contains("batch.item.index=999"));
  CHECK_THAT(text, !Catch::Contains("(links 33-64)"));
}

}  // namespace weft::testing
