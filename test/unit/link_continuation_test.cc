// Tests of LinkRetention::kContinue: the links beyond the limit go to
// continuation spans (children named after the span with the range of links
// they hold, marked weft.link.continuation_of and weft.link.first_index),
// each within the limits, handed over as soon as they are full, capped per
// span; no link is lost, and the other retentions are unchanged. Meant for
// the ASan and TSan runs too (concurrent add_link).
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_sampler.h"
#include "fake_span_processor.h"
#include "numbered_links.h"
#include "test_provider.h"
#include "weft/sdk/span_limits.h"

namespace {

using weft::Link;
using weft::SpanContext;
using weft::StartSpanOptions;
using weft::sdk::LinkRetention;
using weft::sdk::SpanData;
using weft::sdk::SpanLimits;
using weft::sdk::TracerProviderOptions;
using weft::testing::attribute_as;
using weft::testing::FakeClock;
using weft::testing::FakeSpanProcessor;
using weft::testing::linked_span_numbers;
using weft::testing::make_context;
using weft::testing::number_range;
using weft::testing::numbered_links;
using weft::testing::span_number;
using weft::testing::TestProvider;
using weft::testing::text_attribute;

TracerProviderOptions continuing(SpanLimits limits = {}) {
  limits.link_retention = LinkRetention::kContinue;
  TracerProviderOptions options;
  options.limits = limits;
  return options;
}

bool is_continuation(const SpanData& span) {
  return weft::sdk::find_attribute(span.attributes,
                                   "weft.link.continuation_of") != nullptr;
}

// The ended spans split into the one span that is not a continuation and
// its continuation spans, by first index.
struct Split {
  explicit Split(weft::sdk::SpanBatch ended) : all(std::move(ended)) {
    for (const auto& span : all) {
      if (!is_continuation(*span)) {
        REQUIRE(span_ == nullptr);
        span_ = span.get();
        continue;
      }
      const auto first =
          attribute_as<std::int64_t>(span->attributes, "weft.link.first_index");
      REQUIRE(first.has_value());
      REQUIRE(continuations.emplace(*first, span.get()).second);
    }
    REQUIRE(span_ != nullptr);
  }
  const SpanData& span() const { return *span_; }
  // Every link of the span and its continuations, in index order.
  std::vector<std::uint64_t> all_linked_ids() const {
    std::vector<std::uint64_t> ids = linked_span_numbers(*span_);
    for (const auto& [first, continuation] : continuations) {
      REQUIRE(first == static_cast<std::int64_t>(ids.size()));
      const auto more = linked_span_numbers(*continuation);
      ids.insert(ids.end(), more.begin(), more.end());
    }
    return ids;
  }

  weft::sdk::SpanBatch all;
  std::map<std::int64_t, const SpanData*> continuations;

 private:
  const SpanData* span_ = nullptr;
};

}  // namespace

TEST_CASE(
    "with LinkRetention::kContinue a span offered 100 links keeps 32 and "
    "continues the rest in spans of 32 named by the links they hold",
    "[limits][continuation]") {
  TestProvider test(continuing());
  const std::vector<Link> links = numbered_links(100);
  test.tracer->start_span("process batch", StartSpanOptions().with_links(links))
      .end();

  const auto ended = test.take_all();
  REQUIRE(ended.size() == 4);
  // Each continuation span ends as soon as it is full, the last just before
  // the span itself.
  CHECK(ended[0]->name == "process batch (links 33-64)");
  CHECK(ended[1]->name == "process batch (links 65-96)");
  CHECK(ended[2]->name == "process batch (links 97-100)");
  CHECK(ended[3]->name == "process batch");
  const SpanData& span = *ended[3];
  CHECK(linked_span_numbers(span) == number_range(1, 32));
  CHECK(span.dropped_links_count == 0);
  const std::uint64_t firsts[] = {32, 64, 96};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const SpanData& continuation = *ended[i];
    CHECK(linked_span_numbers(continuation) ==
          number_range(firsts[i] + 1,
                       std::min<std::uint64_t>(firsts[i] + 32, 100)));
    CHECK(text_attribute(continuation.attributes,
                         "weft.link.continuation_of") == span.span_id.to_hex());
    CHECK(attribute_as<std::int64_t>(continuation.attributes,
                                     "weft.link.first_index") ==
          static_cast<std::int64_t>(firsts[i]));
    CHECK(continuation.dropped_links_count == 0);
    for (const auto& link : continuation.links) {
      CHECK(attribute_as<std::int64_t>(link.attributes, "index") ==
            static_cast<std::int64_t>(span_number(link.span_id)));
      CHECK(text_attribute(link.attributes, "link.relationship") ==
            "batch_member");
    }
  }
  CHECK(test.provider->stats().links_dropped == 0);
  CHECK(test.provider->stats().spans_started == 4);
  CHECK(test.provider->stats().spans_ended == 4);
}

TEST_CASE(
    "a continuation span is a child of its span in the same trace, with its "
    "flags, tracestate, tracer and an id of its own",
    "[limits][continuation]") {
  TestProvider test(continuing());
  const SpanContext parent = make_context(3, 99, weft::TraceFlags(0x03), true,
                                          weft::TraceState::parse("v=1"));
  test.tracer
      ->start_span("consume", StartSpanOptions()
                                  .with_parent(parent)
                                  .with_kind(weft::SpanKind::kConsumer)
                                  .with_links(numbered_links(40)))
      .end();

  const Split spans(test.take_all());
  REQUIRE(spans.continuations.size() == 1);
  const SpanData& span = spans.span();
  const SpanData& continuation = *spans.continuations.at(32);
  CHECK(continuation.trace_id == span.trace_id);
  CHECK(continuation.parent_span_id == span.span_id);
  CHECK_FALSE(continuation.parent_is_remote);
  CHECK(continuation.span_id.is_valid());
  CHECK(continuation.span_id != span.span_id);
  CHECK(continuation.flags.bits() == span.flags.bits());
  CHECK(continuation.flags.sampled());
  CHECK(continuation.trace_state.header() == "v=1");
  CHECK(continuation.kind == weft::SpanKind::kInternal);
  CHECK(continuation.tracer == span.tracer);
  CHECK(continuation.name == "consume (links 33-40)");
  CHECK(continuation.start_time >= span.start_time);
  CHECK(continuation.end_time == span.end_time);
  CHECK(weft::testing::keys_of(continuation.attributes) ==
        std::vector<std::string>{"weft.link.continuation_of",
                                 "weft.link.first_index"});
}

TEST_CASE(
    "1000 links reach the span and its continuation spans once each and in "
    "order, offered at start or added after",
    "[limits][continuation]") {
  TestProvider test(continuing());
  const std::vector<Link> links = numbered_links(1000);
  SECTION("offered at start") {
    test.tracer->start_span("batch", StartSpanOptions().with_links(links))
        .end();
  }
  SECTION("added after start") {
    auto span = test.tracer->start_span("batch");
    for (const Link& link : links) span.add_link(link);
    span.end();
  }
  SECTION("half at start, half after, with the context-and-attributes call") {
    const std::vector<Link> first(links.begin(), links.begin() + 500);
    auto span =
        test.tracer->start_span("batch", StartSpanOptions().with_links(first));
    for (std::size_t i = 500; i < links.size(); ++i) {
      span.add_link(links[i].context,
                    {{"index", static_cast<std::int64_t>(i + 1)}});
    }
    span.end();
  }

  const Split spans(test.take_all());
  CHECK(spans.all.size() == 1 + 31);  // 30 continuation spans of 32, one of 8
  CHECK(spans.all_linked_ids() == number_range(1, 1000));
  CHECK(spans.span().dropped_links_count == 0);
  for (const auto& [first, continuation] : spans.continuations) {
    CAPTURE(first);
    CHECK(continuation->links.size() == (first == 992 ? 8 : 32));
    CHECK(continuation->name ==
          "batch (links " + std::to_string(first + 1) + "-" +
              std::to_string(first + continuation->links.size()) + ")");
  }
  CHECK(test.provider->stats().links_dropped == 0);
}

TEST_CASE(
    "a span with exactly twice the limit has one full continuation span and "
    "no empty one",
    "[limits][continuation]") {
  TestProvider test(continuing());
  test.tracer
      ->start_span("batch", StartSpanOptions().with_links(numbered_links(64)))
      .end();
  const auto ended = test.take_all();
  REQUIRE(ended.size() == 2);
  CHECK(ended[0]->name == "batch (links 33-64)");
  CHECK(ended[1]->name == "batch");
}

TEST_CASE(
    "a span within the link limit has no continuation span under kContinue",
    "[limits][continuation]") {
  TestProvider test(continuing());
  test.tracer
      ->start_span("batch", StartSpanOptions().with_links(numbered_links(32)))
      .end();
  const auto span = test.take_one();
  CHECK(span->links.size() == 32);
}

TEST_CASE(
    "a full continuation span reaches the processors while its span still "
    "records, and the next one starts with the next link",
    "[limits][continuation]") {
  auto options = continuing();
  auto owned = std::make_unique<FakeSpanProcessor>();
  FakeSpanProcessor& processor = *owned;
  options.processors.push_back(std::move(owned));
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span("batch");
  const std::vector<Link> links = numbered_links(65);
  for (std::size_t i = 0; i < 33; ++i) span.add_link(links[i]);
  CHECK(processor.started ==
        std::vector<std::string>{"batch", "batch (links 33-64)"});
  CHECK(processor.ended.empty());
  for (std::size_t i = 33; i < 64; ++i) span.add_link(links[i]);
  REQUIRE(processor.ended.size() == 1);
  CHECK(processor.ended[0]->name == "batch (links 33-64)");
  CHECK(processor.started.size() == 2);  // no empty one started
  span.add_link(links[64]);
  CHECK(processor.started.back() == "batch (links 65-96)");
  FakeClock::advance(std::chrono::milliseconds(5));
  span.end();
  REQUIRE(processor.ended.size() == 3);
  CHECK(processor.ended[1]->name == "batch (links 65-65)");
  CHECK(processor.ended[1]->end_time == processor.ended[2]->end_time);
  CHECK(processor.ended[0]->end_time < processor.ended[2]->end_time);
  CHECK(processor.ended[2]->name == "batch");
  test.take_all();
}

TEST_CASE(
    "a continuation span keeps the name its span had when it started, also "
    "when the span is renamed",
    "[limits][continuation]") {
  TestProvider test(continuing());
  auto span = test.tracer->start_span(
      "batch", StartSpanOptions().with_links(numbered_links(40)));
  span.update_name("a much longer name for the batch");
  span.add_link(make_context(7, 41));
  span.end();
  const auto ended = test.take_all();
  REQUIRE(ended.size() == 2);
  CHECK(ended[0]->name == "batch (links 33-41)");
  CHECK(ended[1]->name == "a much longer name for the batch");
}

TEST_CASE(
    "continuation spans keep each link's attributes within "
    "attributes_per_link, and their own marks whatever the attribute limits",
    "[limits][continuation]") {
  SpanLimits limits;
  limits.link_count = 2;
  limits.attributes_per_link = 1;
  limits.attribute_count = 0;
  limits.attribute_value_length = 4;
  TestProvider test(continuing(limits));
  test.tracer->start_span("s", StartSpanOptions().with_links(numbered_links(3)))
      .end();
  const Split spans(test.take_all());
  REQUIRE(spans.continuations.size() == 1);
  const SpanData& continuation = *spans.continuations.at(2);
  CHECK(continuation.name == "s (links 3-3)");
  CHECK(text_attribute(continuation.attributes, "weft.link.continuation_of") ==
        spans.span().span_id.to_hex());
  CHECK(continuation.dropped_attributes_count == 0);
  REQUIRE(continuation.links.size() == 1);
  CHECK(continuation.links[0].attributes.size() == 1);
  CHECK(continuation.links[0].dropped_attributes_count == 1);
}

TEST_CASE(
    "links beyond the cap of continuation spans are dropped and counted on "
    "the span, with one warning",
    "[limits][continuation]") {
  SpanLimits limits;
  limits.link_continuation_count = 2;
  TestProvider test(continuing(limits));
  auto span = test.tracer->start_span(
      "batch", StartSpanOptions().with_links(numbered_links(150)));
  for (const Link& link : numbered_links(50, 151)) span.add_link(link);
  span.end();

  const Split spans(test.take_all());
  CHECK(spans.continuations.size() == 2);
  CHECK(spans.all_linked_ids() == number_range(1, 96));
  CHECK(spans.span().dropped_links_count == 104);
  CHECK(test.provider->stats().links_dropped == 104);
  CHECK(test.logger->size() == 1);
  CHECK(test.logger->count_containing(
            {"'batch'", "link continuation limit (2)"}) == 1);
}

TEST_CASE("the default cap allows 1024 continuation spans",
          "[limits][continuation]") {
  CHECK(SpanLimits().link_continuation_count == 1024);
}

TEST_CASE("a link limit of 0 keeps no link under kContinue either",
          "[limits][continuation]") {
  SpanLimits limits;
  limits.link_count = 0;
  TestProvider test(continuing(limits));
  auto span = test.tracer->start_span(
      "s", StartSpanOptions().with_links(numbered_links(3)));
  span.add_link(make_context(7, 9));
  span.end();
  const auto data = test.take_one();
  CHECK(data->links.empty());
  CHECK(data->dropped_links_count == 4);
}

TEST_CASE("kFirst and kLatest start no continuation span",
          "[limits][continuation]") {
  const LinkRetention retention =
      GENERATE(LinkRetention::kFirst, LinkRetention::kLatest);
  CAPTURE(static_cast<int>(retention));
  TracerProviderOptions options;
  options.limits.link_retention = retention;
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span(
      "s", StartSpanOptions().with_links(numbered_links(100)));
  for (const Link& link : numbered_links(100, 101)) span.add_link(link);
  span.end();
  const auto data = test.take_one();
  CHECK(data->links.size() == 32);
  CHECK(data->dropped_links_count == 168);
  CHECK(test.provider->stats().spans_started == 1);
}

TEST_CASE("a span that is not recorded has no continuation span",
          "[limits][continuation]") {
  auto options = continuing();
  options.sampler = std::make_shared<weft::testing::FakeSampler>(
      weft::sdk::SamplingDecision::kDrop);
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span(
      "s", StartSpanOptions().with_links(numbered_links(100)));
  for (const Link& link : numbered_links(100, 101)) span.add_link(link);
  span.end();
  CHECK(test.take_all().empty());
  CHECK(test.provider->stats().spans_started == 0);
  CHECK(test.provider->stats().links_dropped == 0);
}

TEST_CASE(
    "the continuation spans of a record-only span are recorded unsampled and "
    "not exported",
    "[limits][continuation]") {
  auto options = continuing();
  options.sampler = std::make_shared<weft::testing::FakeSampler>(
      weft::sdk::SamplingDecision::kRecordOnly);
  auto owned = std::make_unique<FakeSpanProcessor>();
  FakeSpanProcessor& processor = *owned;
  options.processors.push_back(std::move(owned));
  TestProvider test(std::move(options));
  test.tracer
      ->start_span("s", StartSpanOptions().with_links(numbered_links(40)))
      .end();
  REQUIRE(processor.ended.size() == 2);
  CHECK(processor.ended[0]->name == "s (links 33-40)");
  CHECK_FALSE(processor.ended[0]->flags.sampled());
  CHECK_FALSE(processor.ended[1]->flags.sampled());
  CHECK(test.take_all().empty());
}

TEST_CASE(
    "four threads adding links to one span under kContinue lose none and "
    "fill every continuation span",
    "[limits][continuation][concurrency]") {
  TestProvider test(continuing());
  constexpr std::uint64_t kThreads = 4;
  constexpr std::uint64_t kLinksPerThread = 500;
  auto span = test.tracer->start_span("shared batch");
  const weft::SpanRef shared = span;
  std::atomic<std::uint64_t> waiting{kThreads};
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t, ref = shared] {
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      for (std::uint64_t i = 0; i < kLinksPerThread; ++i) {
        const std::uint64_t id = 1 + t * kLinksPerThread + i;
        ref.add_link(make_context(7, id),
                     {{"index", static_cast<std::int64_t>(id)}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  span.end();

  const Split spans(test.take_all());
  std::vector<std::uint64_t> ids = spans.all_linked_ids();
  CHECK(ids.size() == kThreads * kLinksPerThread);
  std::sort(ids.begin(), ids.end());
  CHECK(ids == number_range(1, kThreads * kLinksPerThread));
  CHECK(spans.span().dropped_links_count == 0);
  for (const auto& [first, continuation] : spans.continuations) {
    CAPTURE(first);
    CHECK(continuation->links.size() == (first == 1984 ? 16 : 32));
  }
}
