// Tests of SpanLimits as a recording span applies them: links (32 by default,
// first or latest kept), attributes per link, attributes per span, invalid
// links, the dropped counts and the drop warning (once per span, and at most
// once per 10 s for a provider).
#include "weft/sdk/span_limits.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "numbered_links.h"
#include "test_provider.h"

namespace {

using weft::Link;
using weft::SpanContext;
using weft::StartSpanOptions;
using weft::sdk::LinkRetention;
using weft::sdk::SpanData;
using weft::sdk::SpanLimits;
using weft::sdk::TracerProviderOptions;
using weft::testing::FakeEnvironment;
using weft::testing::linked_span_numbers;
using weft::testing::make_context;
using weft::testing::number_range;
using weft::testing::numbered_links;
using weft::testing::TestProvider;

TracerProviderOptions with_limits(const SpanLimits& limits) {
  TracerProviderOptions options;
  options.limits = limits;
  return options;
}

}  // namespace

TEST_CASE("the default limits keep 32 links and 128 of everything else",
          "[limits]") {
  const SpanLimits limits;
  CHECK(limits.link_count == 32);
  CHECK(limits.attributes_per_link == 128);
  CHECK(limits.attribute_count == 128);
  CHECK(limits.event_count == 128);
  CHECK(limits.attributes_per_event == 128);
  CHECK(limits.attribute_value_length == SpanLimits::kUnlimited);
  CHECK(limits.link_retention == LinkRetention::kFirst);
}

TEST_CASE(
    "a span offered 64 links at start keeps the first 32 in order and counts "
    "32 dropped",
    "[limits]") {
  TestProvider test;
  const std::vector<Link> links = numbered_links(64);
  test.tracer->start_span("batch", StartSpanOptions().with_links(links)).end();

  const auto span = test.take_one();
  REQUIRE(span->links.size() == 32);
  CHECK(span->dropped_links_count == 32);
  CHECK(linked_span_numbers(*span) == number_range(1, 32));
  for (std::size_t i = 0; i < span->links.size(); ++i) {
    CAPTURE(i);
    const auto& link = span->links[i];
    CHECK(link.trace_id == links[i].context.trace_id());
    CHECK(weft::testing::attribute_as<std::int64_t>(link.attributes, "index") ==
          static_cast<std::int64_t>(i + 1));
    CHECK(weft::testing::text_attribute(link.attributes, "link.relationship") ==
          "batch_member");
    CHECK(link.dropped_attributes_count == 0);
  }
}

TEST_CASE("with LinkRetention::kLatest a span keeps the last 32 links in order",
          "[limits]") {
  SpanLimits limits;
  limits.link_retention = LinkRetention::kLatest;
  TestProvider test(with_limits(limits));
  const std::vector<Link> links = numbered_links(64);

  SECTION("offered at start") {
    test.tracer->start_span("retry", StartSpanOptions().with_links(links))
        .end();
  }
  SECTION("added after start") {
    auto span = test.tracer->start_span("retry");
    for (const Link& link : links) span.add_link(link);
    span.end();
  }
  SECTION("half at start, half after") {
    const std::vector<Link> first(links.begin(), links.begin() + 32);
    auto span =
        test.tracer->start_span("retry", StartSpanOptions().with_links(first));
    for (std::size_t i = 32; i < links.size(); ++i) {
      span.add_link(links[i].context, {{"index", std::int64_t(i + 1)}});
    }
    span.end();
  }

  const auto span = test.take_one();
  REQUIRE(span->links.size() == 32);
  CHECK(span->dropped_links_count == 32);
  CHECK(linked_span_numbers(*span) == number_range(33, 64));
  for (std::size_t i = 0; i < span->links.size(); ++i) {
    CAPTURE(i);
    CHECK(weft::testing::attribute_as<std::int64_t>(span->links[i].attributes,
                                                    "index") ==
          static_cast<std::int64_t>(i + 33));
  }
}

TEST_CASE("links added after start count against the same link limit",
          "[limits]") {
  TestProvider test;
  const std::vector<Link> at_start = numbered_links(20, 1);
  auto span =
      test.tracer->start_span("s", StartSpanOptions().with_links(at_start));
  for (const Link& link : numbered_links(10, 21)) span.add_link(link);
  for (std::uint64_t id = 31; id <= 40; ++id) {
    span.add_link(make_context(7, id), {{"index", std::int64_t(id)}});
  }
  span.end();

  const auto data = test.take_one();
  CHECK(data->links.size() == 32);
  CHECK(data->dropped_links_count == 8);
  CHECK(linked_span_numbers(*data) == number_range(1, 32));
}

TEST_CASE("OTEL_SPAN_LINK_COUNT_LIMIT sets how many links a span keeps",
          "[limits]") {
  struct Row {
    int line;
    std::string value;
    std::size_t kept;
    std::uint32_t dropped;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "5", 5, 15},
      {__LINE__, "0", 0, 20},
      {__LINE__, "20", 20, 0},
      {__LINE__, "1000", 20, 0},
  }));
  CAPTURE(row.line, row.value);
  TestProvider test({},
                    FakeEnvironment{{"OTEL_SPAN_LINK_COUNT_LIMIT", row.value}});
  const std::vector<Link> links = numbered_links(20);
  test.tracer->start_span("s", StartSpanOptions().with_links(links)).end();

  const auto span = test.take_one();
  CHECK(span->links.size() == row.kept);
  CHECK(span->dropped_links_count == row.dropped);
  CHECK(linked_span_numbers(*span) == number_range(1, row.kept));
}

TEST_CASE(
    "a link keeps at most OTEL_LINK_ATTRIBUTE_COUNT_LIMIT attributes and "
    "counts the rest on that link",
    "[limits]") {
  TestProvider test({},
                    FakeEnvironment{{"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "2"}});
  const Link rich{make_context(7, 1),
                  {{"a", std::int64_t(1)},
                   {"b", std::int64_t(2)},
                   {"c", std::int64_t(3)},
                   {"d", std::int64_t(4)},
                   {"e", std::int64_t(5)}}};
  const Link small{make_context(7, 2), {{"only", true}}};
  const Link links[] = {rich, small};
  auto span = test.tracer->start_span(
      "s", StartSpanOptions().with_borrowed_links(links));
  span.add_link(make_context(7, 3), {{"x", 1}, {"y", 2}, {"z", 3}});
  span.end();

  const auto data = test.take_one();
  REQUIRE(data->links.size() == 3);
  CHECK(weft::testing::keys_of(data->links[0].attributes) ==
        std::vector<std::string>{"a", "b"});
  CHECK(data->links[0].dropped_attributes_count == 3);
  CHECK(weft::testing::keys_of(data->links[1].attributes) ==
        std::vector<std::string>{"only"});
  CHECK(data->links[1].dropped_attributes_count == 0);
  CHECK(weft::testing::keys_of(data->links[2].attributes) ==
        std::vector<std::string>{"x", "y"});
  CHECK(data->links[2].dropped_attributes_count == 1);
  // Link attribute drops are the link's, not the span's.
  CHECK(data->dropped_attributes_count == 0);
  CHECK(data->dropped_links_count == 0);
}

TEST_CASE(
    "a link to an invalid context is kept when it has attributes or a "
    "tracestate and ignored otherwise",
    "[limits]") {
  struct Row {
    int line;
    bool valid;
    bool with_attribute;
    const char* trace_state;
    bool kept;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, false, false, "", false},
      {__LINE__, false, true, "", true},
      {__LINE__, false, false, "vendor=value", true},
      {__LINE__, false, true, "vendor=value", true},
      {__LINE__, true, false, "", true},
      {__LINE__, true, true, "vendor=value", true},
  }));
  CAPTURE(row.line, row.valid, row.with_attribute, row.trace_state);
  const weft::TraceState trace_state = weft::TraceState::parse(row.trace_state);
  REQUIRE(trace_state.empty() == (std::string(row.trace_state).empty()));
  const SpanContext context =
      row.valid ? make_context(7, 1, weft::TraceFlags(1), false, trace_state)
                : SpanContext().with_trace_state(trace_state);
  Link link{context, {}};
  if (row.with_attribute) link.attributes.emplace_back("why", std::string("x"));
  CHECK(link.is_recordable() == row.kept);

  TestProvider test;
  SECTION("offered at start") {
    const Link links[] = {link};
    test.tracer->start_span("s", StartSpanOptions().with_borrowed_links(links))
        .end();
  }
  SECTION("added after start as a Link") {
    auto span = test.tracer->start_span("s");
    span.add_link(link);
    span.end();
  }
  SECTION("added after start as a context and attributes") {
    auto span = test.tracer->start_span("s");
    if (row.with_attribute) {
      span.add_link(context, {{"why", "x"}});
    } else {
      span.add_link(context);
    }
    span.end();
  }

  const auto span = test.take_one();
  CHECK(span->links.size() == (row.kept ? 1u : 0u));
  // An ignored link is not a dropped one.
  CHECK(span->dropped_links_count == 0);
  if (row.kept) {
    CHECK(span->links[0].trace_state == row.trace_state);
    CHECK(span->links[0].attributes.size() == (row.with_attribute ? 1u : 0u));
  }
}

TEST_CASE("ignored invalid links do not use up the link limit", "[limits]") {
  SpanLimits limits;
  limits.link_count = 2;
  TestProvider test(with_limits(limits));
  auto span = test.tracer->start_span("s");
  for (int i = 0; i < 10; ++i) span.add_link(SpanContext());
  span.add_link(make_context(7, 1));
  span.add_link(make_context(7, 2));
  span.end();

  const auto data = test.take_one();
  CHECK(linked_span_numbers(*data) == number_range(1, 2));
  CHECK(data->dropped_links_count == 0);
}

TEST_CASE("a kept link records the linked context's ids, flags and remoteness",
          "[limits]") {
  TestProvider test;
  const SpanContext remote =
      make_context(9, 0xabcdef, weft::TraceFlags(0x03), true,
                   weft::TraceState::parse("a=1,b=2"));
  auto span = test.tracer->start_span("s");
  span.add_link(remote);
  span.end();

  const auto data = test.take_one();
  REQUIRE(data->links.size() == 1);
  const auto& link = data->links[0];
  CHECK(link.trace_id == remote.trace_id());
  CHECK(link.span_id == remote.span_id());
  CHECK(link.flags.bits() == 0x03);
  CHECK(link.is_remote);
  CHECK(link.trace_state == "a=1,b=2");
}

TEST_CASE(
    "a span keeps the first attribute_count attributes, counts the rest, and "
    "replacing a kept key is not a drop",
    "[limits]") {
  SpanLimits limits;
  limits.attribute_count = 3;
  TestProvider test(with_limits(limits));
  auto span = test.tracer->start_span("s", {},
                                      {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}});
  span.set_attribute("e", 5);
  span.set_attribute("a", 10);  // replaces, although the span is full
  span.end();

  const auto data = test.take_one();
  CHECK(weft::testing::keys_of(data->attributes) ==
        std::vector<std::string>{"a", "b", "c"});
  CHECK(weft::testing::attribute_as<std::int64_t>(data->attributes, "a") == 10);
  CHECK(data->dropped_attributes_count == 2);
}

TEST_CASE("the drop warning is logged at most once per span", "[limits]") {
  SpanLimits limits;
  limits.link_count = 1;
  limits.attribute_count = 1;
  limits.event_count = 1;
  limits.attributes_per_link = 1;
  limits.attributes_per_event = 1;
  TestProvider test(with_limits(limits));
  const std::vector<Link> links = numbered_links(5);

  auto first = test.tracer->start_span(
      "first", StartSpanOptions().with_links(links), {{"a", 1}, {"b", 2}});
  first.add_link(make_context(7, 100), {{"x", 1}, {"y", 2}});
  for (int i = 0; i < 5; ++i) {
    first.set_attribute("k" + std::to_string(i), i);
    first.add_event("e", {{"p", 1}, {"q", 2}});
  }
  first.end();
  CHECK(test.logger->count_containing({"first"}) == 1);
  CHECK(test.logger->size() == 1);

  // Once per span, and once per 10 s for the provider: a later span logs
  // again once the interval has passed.
  weft::testing::FakeClock::advance(std::chrono::seconds(10));
  auto second = test.tracer->start_span("second");
  second.set_attribute("a", 1);
  second.set_attribute("b", 2);
  second.set_attribute("c", 3);
  second.end();
  CHECK(test.logger->count_containing({"second", "attribute"}) == 1);
  CHECK(test.logger->size() == 2);

  auto within = test.tracer->start_span("within");
  within.set_attribute("a", 1);
  within.end();
  CHECK(test.logger->size() == 2);

  const auto spans = test.take_all();
  REQUIRE(spans.size() == 3);
  CHECK(spans[0]->dropped_links_count == 5);
  CHECK(spans[0]->dropped_attributes_count == 6);  // "b" and k0..k4
  CHECK(spans[0]->dropped_events_count == 4);
  CHECK(spans[0]->events[0].dropped_attributes_count == 1);
  // link.relationship kept, "index" dropped.
  CHECK(spans[0]->links[0].dropped_attributes_count == 1);
}

TEST_CASE(
    "10000 spans over the link limit log one warning and later the count "
    "of the others",
    "[limits]") {
  weft::testing::FakeClock::reset();
  SpanLimits limits;
  limits.link_count = 2;
  TestProvider test(with_limits(limits));
  const std::vector<Link> links = numbered_links(3);

  for (int i = 0; i < 10000; ++i) {
    test.tracer->start_span("batch", StartSpanOptions().with_links(links));
  }
  CHECK(test.logger->size() == 1);
  CHECK(test.logger->count_containing({"'batch'", "link limit (2)"}) == 1);

  // The next one written, an interval later, tells how many were not.
  weft::testing::FakeClock::advance(std::chrono::seconds(10));
  test.tracer->start_span("batch", StartSpanOptions().with_links(links));
  CHECK(test.logger->size() == 2);
  CHECK(test.logger->count_containing(
            {"link limit", "(9999 similar messages suppressed)"}) == 1);

  // Suppressed again; shutdown tells the count.
  test.tracer->start_span("batch", StartSpanOptions().with_links(links));
  CHECK(test.logger->size() == 2);
  test.provider->shutdown();
  CHECK(test.logger->count_containing({"(1 similar message suppressed)"}) == 1);
  CHECK(test.provider->stats().links_dropped == 10002);
  test.take_all();
}

TEST_CASE("a link limit of 0 keeps no link under either retention",
          "[limits]") {
  const LinkRetention retention =
      GENERATE(LinkRetention::kFirst, LinkRetention::kLatest);
  CAPTURE(static_cast<int>(retention));
  SpanLimits limits;
  limits.link_count = 0;
  limits.link_retention = retention;
  TestProvider test(with_limits(limits));
  const std::vector<Link> links = numbered_links(3);
  auto span =
      test.tracer->start_span("s", StartSpanOptions().with_links(links));
  span.add_link(make_context(7, 9));
  span.end();

  const auto data = test.take_one();
  CHECK(data->links.empty());
  CHECK(data->dropped_links_count == 4);
}

TEST_CASE("a span with thousands of links offered keeps 32 and counts the rest",
          "[limits]") {
  TestProvider test;
  const std::vector<Link> links = numbered_links(5000);
  auto span =
      test.tracer->start_span("big", StartSpanOptions().with_links(links));
  for (const Link& link : numbered_links(1000, 5001)) span.add_link(link);
  span.end();

  const auto data = test.take_one();
  CHECK(linked_span_numbers(*data) == number_range(1, 32));
  CHECK(data->dropped_links_count == 5968);
  CHECK(test.provider->stats().links_dropped == 5968);
}

TEST_CASE("links dropped over the limit take no memory in the span",
          "[limits]") {
  TestProvider test;
  const std::vector<Link> links = numbered_links(32);
  const std::vector<Link> extra = numbered_links(2000, 100);
  test.tracer->start_span("batch", StartSpanOptions().with_links(links)).end();
  {
    auto span =
        test.tracer->start_span("batch", StartSpanOptions().with_links(links));
    for (const Link& link : extra) span.add_link(link);
    for (const Link& link : extra) {
      span.add_link(link.context, {{"k", "a value that would need memory"}});
    }
  }
  const auto spans = test.take_all();
  REQUIRE(spans.size() == 2);
  CHECK(spans[1]->dropped_links_count == 4000);
  CHECK(spans[1]->arena.heap_bytes() == spans[0]->arena.heap_bytes());
}

TEST_CASE("kLatest keeps the newest links intact through many evictions",
          "[limits]") {
  SpanLimits limits;
  limits.link_retention = LinkRetention::kLatest;
  TestProvider test(with_limits(limits));
  const std::vector<Link> links = numbered_links(1000);
  auto span = test.tracer->start_span("retry");
  for (std::size_t i = 0; i < links.size(); ++i) {
    const SpanContext context = links[i].context.with_trace_state(
        weft::TraceState::parse("vendor=v" + std::to_string(i + 1)));
    span.add_link(context, {{"index", std::int64_t(i + 1)},
                            {"note", "attempt " + std::to_string(i + 1)}});
  }
  span.end();

  const auto data = test.take_one();
  REQUIRE(data->links.size() == 32);
  CHECK(data->dropped_links_count == 968);
  CHECK(linked_span_numbers(*data) == number_range(969, 1000));
  for (std::size_t i = 0; i < data->links.size(); ++i) {
    CAPTURE(i);
    const std::string number = std::to_string(i + 969);
    CHECK(data->links[i].trace_state == "vendor=v" + number);
    CHECK(weft::testing::text_attribute(data->links[i].attributes, "note") ==
          "attempt " + number);
  }
}
