// Tests of weft/link.h as a user meets it: make_link on a context that was
// not extracted (no link, no drop), the links StartSpanOptions owns
// (with_links: a braced list outlives its full expression) or borrows
// (with_borrowed_links: the batch pattern, no copy), and the forms that must
// not compile. The raw Link rule itself is tested in span_limits_test.cc.
#include "weft/link.h"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "fake_sampler.h"
#include "test_provider.h"
#include "weft/propagation.h"
#include "weft/tracer.h"

namespace {

using weft::ArrayView;
using weft::Link;
using weft::SpanContext;
using weft::StartSpanOptions;
using weft::testing::FakeSampler;
using weft::testing::make_context;
using weft::testing::TestProvider;

// Whether `options.with_borrowed_links(argument)` compiles.
template <class Argument, class = void>
struct CanBorrow : std::false_type {};
template <class Argument>
struct CanBorrow<
    Argument,
    std::void_t<decltype(std::declval<StartSpanOptions&>().with_borrowed_links(
        std::declval<Argument>()))>> : std::true_type {};

// Whether `options.with_links(argument)` compiles.
template <class Argument, class = void>
struct CanOwn : std::false_type {};
template <class Argument>
struct CanOwn<Argument,
              std::void_t<decltype(std::declval<StartSpanOptions&>().with_links(
                  std::declval<Argument>()))>> : std::true_type {};

// Borrowing needs links that outlive the call: named ones only.
static_assert(CanBorrow<const std::vector<Link>&>::value);
static_assert(CanBorrow<std::vector<Link>&>::value);
static_assert(CanBorrow<const Link (&)[2]>::value);
static_assert(CanBorrow<ArrayView<Link>>::value);
static_assert(!CanBorrow<std::vector<Link>>::value);  // a temporary
static_assert(!CanBorrow<std::initializer_list<Link>>::value);
static_assert(!CanBorrow<std::array<Link, 2>>::value);  // a temporary
// Owning takes a braced list or a vector; never a view it could not own.
static_assert(CanOwn<std::vector<Link>>::value);
static_assert(CanOwn<const std::vector<Link>&>::value);
static_assert(!CanOwn<ArrayView<Link>>::value);

// A consumer's context for a message that arrived without `traceparent`.
SpanContext extracted_from_bare_message() {
  const std::map<std::string, std::string> headers = {{"other", "1"}};
  return weft::extract_context(headers).span_context();
}

TEST_CASE(
    "make_link on a context that is not valid gives the empty link, whatever "
    "attributes and tracestate came with it",
    "[link]") {
  struct Row {
    int line;
    bool valid;
    const char* trace_state;
    bool with_attribute;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, false, "", false},
      {__LINE__, false, "", true},
      {__LINE__, false, "vendor=value", true},
      {__LINE__, true, "", false},
      {__LINE__, true, "vendor=value", true},
  }));
  CAPTURE(row.line, row.valid, row.trace_state, row.with_attribute);
  const weft::TraceState trace_state = weft::TraceState::parse(row.trace_state);
  const SpanContext context =
      row.valid ? make_context(7, 1, weft::TraceFlags(1), true, trace_state)
                : SpanContext().with_trace_state(trace_state);
  weft::OwnedAttributes attributes;
  if (row.with_attribute) attributes.emplace_back("why", std::string("x"));

  const Link link = weft::make_link(context, weft::relationship::kConsumedFrom,
                                    std::move(attributes));

  CHECK(link.is_recordable() == row.valid);
  if (row.valid) {
    CHECK(link.context == context);
    REQUIRE(link.attributes.size() == (row.with_attribute ? 2u : 1u));
    CHECK(link.attributes[0].first == weft::kLinkRelationshipKey);
  } else {
    CHECK(link.context == SpanContext());
    CHECK(link.attributes.empty());
  }
}

TEST_CASE(
    "a consumer span linked with make_link to a message without traceparent "
    "exports no link and counts no dropped link",
    "[link]") {
  TestProvider test;
  const SpanContext producer = extracted_from_bare_message();
  REQUIRE_FALSE(producer.is_valid());

  SECTION("offered at start in a braced list") {
    test.tracer
        ->start_span("consume",
                     StartSpanOptions()
                         .as_root()
                         .with_kind(weft::SpanKind::kConsumer)
                         .with_links({weft::make_link(
                             producer, weft::relationship::kConsumedFrom,
                             {{"messaging.message_id", std::string("m-1")}})}))
        .end();
  }
  SECTION("added after start") {
    auto span = test.tracer->start_span("consume");
    span.add_link(
        weft::make_link(producer, weft::relationship::kConsumedFrom,
                        {{"messaging.message_id", std::string("m-1")}}));
    span.end();
  }

  const auto span = test.take_one();
  CHECK(span->links.empty());
  CHECK(span->dropped_links_count == 0);
  CHECK(test.provider->stats().links_dropped == 0);
}

TEST_CASE(
    "a raw Link to an invalid context with attributes is exported with "
    "all-zero ids (OpenTelemetry's rule), where make_link gives no link",
    "[link]") {
  TestProvider test;
  const SpanContext missing = extracted_from_bare_message();
  auto span = test.tracer->start_span(
      "consume",
      StartSpanOptions().with_links(
          {Link{missing, {{"messaging.message_id", std::string("m-1")}}},
           weft::make_link(missing, weft::relationship::kConsumedFrom,
                           {{"messaging.message_id", std::string("m-2")}})}));
  span.add_link(Link{missing, {{"messaging.message_id", std::string("m-3")}}});
  span.add_link(
      weft::make_link(missing, weft::relationship::kConsumedFrom,
                      {{"messaging.message_id", std::string("m-4")}}));
  span.end();

  const auto data = test.take_one();
  REQUIRE(data->links.size() == 2);
  for (const auto& link : data->links) {
    CHECK_FALSE(link.trace_id.is_valid());
    CHECK_FALSE(link.span_id.is_valid());
    CHECK(weft::testing::keys_of(link.attributes) ==
          std::vector<std::string>{"messaging.message_id"});
  }
  CHECK(data->dropped_links_count == 0);
}

TEST_CASE(
    "of a batch whose messages did and did not carry a traceparent, only the "
    "carried contexts become links",
    "[link]") {
  TestProvider test;
  const SpanContext carried = make_context(3, 9, weft::TraceFlags(1), true);
  test.tracer
      ->start_span(
          "consume-batch",
          StartSpanOptions().as_root().with_links(
              {weft::make_link(extracted_from_bare_message(),
                               weft::relationship::kConsumedFrom),
               weft::make_link(carried, weft::relationship::kConsumedFrom)}))
      .end();

  const auto span = test.take_one();
  REQUIRE(span->links.size() == 1);
  CHECK(span->links[0].trace_id == carried.trace_id());
  CHECK(span->links[0].span_id == carried.span_id());
  CHECK(span->dropped_links_count == 0);
}

TEST_CASE(
    "the sampler is offered the links as given, including make_link's empty "
    "one that the span does not keep",
    "[link]") {
  auto sampler = std::make_shared<FakeSampler>();
  weft::sdk::TracerProviderOptions options;
  options.sampler = sampler;
  TestProvider test(std::move(options));
  const SpanContext carried = make_context(3, 9, weft::TraceFlags(1), true);
  test.tracer
      ->start_span(
          "consume",
          StartSpanOptions().as_root().with_links(
              {weft::make_link(SpanContext(),
                               weft::relationship::kConsumedFrom),
               weft::make_link(carried, weft::relationship::kConsumedFrom)}))
      .end();

  const auto calls = sampler->recorded();
  REQUIRE(calls.size() == 1);
  REQUIRE(calls[0].links.size() == 2);
  CHECK_FALSE(calls[0].links[0].is_recordable());
  CHECK(calls[0].links[1].context == carried);
  CHECK(test.take_one()->links.size() == 1);
}

TEST_CASE(
    "options given a braced list of links keep them after the expression "
    "that built them has ended",
    "[link]") {
  TestProvider test;
  const SpanContext first = make_context(4, 1);
  const SpanContext second = make_context(4, 2);
  auto options = StartSpanOptions().as_root().with_links(
      {weft::make_link(first, weft::relationship::kTriggeredBy,
                       {{"note", std::string(64, 'a')}}),
       weft::make_link(second, weft::relationship::kFollowsFrom)});
  // The list and its links are gone; reuse what their strings occupied, so a
  // dangling view would read other bytes (and ASan would report it).
  std::vector<std::string> churn(16, std::string(64, 'z'));

  SECTION("the options themselves") {
    test.tracer->start_span("s", options).end();
  }
  SECTION("a copy that outlives them") {
    auto copy = std::make_unique<StartSpanOptions>(options);
    options = StartSpanOptions();
    test.tracer->start_span("s", *copy).end();
  }

  const auto span = test.take_one();
  REQUIRE(span->links.size() == 2);
  CHECK(span->links[0].span_id == first.span_id());
  CHECK(weft::testing::keys_of(span->links[0].attributes) ==
        std::vector<std::string>{"link.relationship", "note"});
  CHECK(span->links[1].span_id == second.span_id());
  CHECK(churn.size() == 16);
}

TEST_CASE(
    "with_borrowed_links offers the application's remembered links to many "
    "spans without copying them",
    "[link]") {
  TestProvider test;
  const std::vector<Link> remembered = {
      weft::make_link(make_context(5, 1), weft::relationship::kBatchMember),
      weft::make_link(make_context(5, 2), weft::relationship::kBatchMember)};
  StartSpanOptions options;
  options.as_root().with_borrowed_links(remembered);
  CHECK(options.links().data() == remembered.data());
  CHECK(options.links().size() == 2);

  for (int i = 0; i < 3; ++i) test.tracer->start_span("batch", options).end();

  const auto spans = test.take_all();
  REQUIRE(spans.size() == 3);
  for (const auto& span : spans) {
    REQUIRE(span->links.size() == 2);
    CHECK(span->links[1].span_id == remembered[1].context.span_id());
  }
}

TEST_CASE(
    "with_links and with_borrowed_links each replace the links given "
    "before",
    "[link]") {
  const std::vector<Link> remembered = {
      weft::make_link(make_context(5, 1), weft::relationship::kBatchMember)};
  StartSpanOptions options;
  options.with_links({weft::make_link(make_context(6, 1), "a"),
                      weft::make_link(make_context(6, 2), "b")});
  CHECK(options.links().size() == 2);
  options.with_borrowed_links(remembered);
  CHECK(options.links().data() == remembered.data());
  options.with_links({});
  CHECK(options.links().empty());
  CHECK(StartSpanOptions::defaults().links().empty());
}

}  // namespace
