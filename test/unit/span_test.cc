// Tests of a recording span through the API's Span handle: exceptions,
// status rules, names, ending (twice, with a timestamp, calls afterwards),
// move semantics, events and their limits, attribute values of every type
// the truncation of long strings, and the memory of spans whose name, status
// and attributes are overwritten again and again.
#include "weft/span.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "recording_span.h"
#include "test_provider.h"

namespace {

using std::chrono::milliseconds;
using weft::Span;
using weft::StartSpanOptions;
using weft::StatusCode;
using weft::sdk::SpanData;
using weft::sdk::SpanLimits;
using weft::sdk::TracerProviderOptions;
using weft::testing::attribute_as;
using weft::testing::FakeClock;
using weft::testing::keys_of;
using weft::testing::make_context;
using weft::testing::TestProvider;
using weft::testing::text_attribute;

TracerProviderOptions with_limits(const SpanLimits& limits) {
  TracerProviderOptions options;
  options.limits = limits;
  return options;
}

template <class T>
std::vector<T> as_vector(weft::ArrayView<T> view) {
  return std::vector<T>(view.begin(), view.end());
}

std::vector<std::string> as_strings(weft::ArrayView<std::string_view> view) {
  return std::vector<std::string>(view.begin(), view.end());
}

}  // namespace

TEST_CASE("record_exception adds an exception event with type and message",
          "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("s");
  SECTION("from a type and a message, with extra attributes") {
    span.record_exception("db::Timeout", "no answer in 5 s",
                          {{"exception.stacktrace", "main()"}, {"retry", 2}});
    span.end();
    const auto data = test.take_one();
    REQUIRE(data->events.size() == 1);
    const auto& event = data->events[0];
    CHECK(event.name == "exception");
    CHECK(keys_of(event.attributes) ==
          std::vector<std::string>{"exception.type", "exception.message",
                                   "exception.stacktrace", "retry"});
    CHECK(text_attribute(event.attributes, "exception.type") == "db::Timeout");
    CHECK(text_attribute(event.attributes, "exception.message") ==
          "no answer in 5 s");
    CHECK(attribute_as<std::int64_t>(event.attributes, "retry") == 2);
  }
  SECTION("from a std::exception, with its demangled type") {
    span.record_exception(std::runtime_error("disk full"));
    span.end();
    const auto data = test.take_one();
    REQUIRE(data->events.size() == 1);
    CHECK(text_attribute(data->events[0].attributes, "exception.type") ==
          "std::runtime_error");
    CHECK(text_attribute(data->events[0].attributes, "exception.message") ==
          "disk full");
  }
  SECTION("without changing the status") {
    span.record_exception("E", "m");
    span.end();
    CHECK(test.take_one()->status_code == StatusCode::kUnset);
  }
}

TEST_CASE(
    "status: Ok is final, Unset is ignored and only Error keeps a description",
    "[span]") {
  struct Call {
    StatusCode code;
    const char* description;
  };
  struct Row {
    int line;
    std::vector<Call> calls;
    StatusCode code;
    const char* description;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, {}, StatusCode::kUnset, ""},
      {__LINE__, {{StatusCode::kError, "boom"}}, StatusCode::kError, "boom"},
      {__LINE__, {{StatusCode::kOk, "ignored"}}, StatusCode::kOk, ""},
      {__LINE__, {{StatusCode::kUnset, "ignored"}}, StatusCode::kUnset, ""},
      {__LINE__,
       {{StatusCode::kError, "a"}, {StatusCode::kOk, ""}},
       StatusCode::kOk,
       ""},
      {__LINE__,
       {{StatusCode::kOk, ""}, {StatusCode::kError, "late"}},
       StatusCode::kOk,
       ""},
      {__LINE__,
       {{StatusCode::kOk, ""}, {StatusCode::kUnset, ""}},
       StatusCode::kOk,
       ""},
      {__LINE__,
       {{StatusCode::kError, "a"}, {StatusCode::kUnset, "b"}},
       StatusCode::kError,
       "a"},
      {__LINE__,
       {{StatusCode::kError, "first"}, {StatusCode::kError, "second"}},
       StatusCode::kError,
       "second"},
  }));
  CAPTURE(row.line);
  TestProvider test;
  auto span = test.tracer->start_span("s");
  for (const Call& call : row.calls)
    span.set_status(call.code, call.description);
  span.end();
  const auto data = test.take_one();
  CHECK(data->status_code == row.code);
  CHECK(data->status_description == row.description);
}

TEST_CASE("update_name changes the name the span is exported with", "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("GET");
  span.update_name("GET /orders/{id}");
  span.update_name("GET /orders/{id} (cached)");
  span.end();
  CHECK(test.take_one()->name == "GET /orders/{id} (cached)");
}

TEST_CASE("a span's times come from the clock unless given", "[span]") {
  FakeClock::reset();
  TestProvider test;
  SECTION("from the provider's clock") {
    auto span = test.tracer->start_span("s");
    FakeClock::advance(milliseconds(250));
    span.add_event("half way");
    FakeClock::advance(milliseconds(250));
    span.end();
    const auto data = test.take_one();
    CHECK(data->start_time == FakeClock::at(milliseconds(0)));
    CHECK(data->events[0].time == FakeClock::at(milliseconds(250)));
    CHECK(data->end_time == FakeClock::at(milliseconds(500)));
  }
  SECTION("given at start, for an event and at end") {
    auto span = test.tracer->start_span(
        "s",
        StartSpanOptions().with_start_time(FakeClock::at(-milliseconds(9))));
    span.add_event("e", {}, FakeClock::at(milliseconds(3)));
    span.end(FakeClock::at(milliseconds(7)));
    const auto data = test.take_one();
    CHECK(data->start_time == FakeClock::at(-milliseconds(9)));
    CHECK(data->events[0].time == FakeClock::at(milliseconds(3)));
    CHECK(data->end_time == FakeClock::at(milliseconds(7)));
  }
}

TEST_CASE("ending a span twice exports it once with the first end time",
          "[span]") {
  FakeClock::reset();
  TestProvider test;
  auto span = test.tracer->start_span("s");
  span.end(FakeClock::at(milliseconds(5)));
  span.end(FakeClock::at(milliseconds(9)));
  span.end();
  const auto spans = test.take_all();
  REQUIRE(spans.size() == 1);
  CHECK(spans[0]->end_time == FakeClock::at(milliseconds(5)));
  CHECK(test.provider->stats().spans_ended == 1);
}

TEST_CASE("every call after end is safe and changes nothing", "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("s", {}, {{"before", true}});
  const weft::SpanContext context = span.context();
  span.end();
  CHECK_FALSE(span.is_recording());
  span.set_attribute("after", 1);
  span.set_attributes({{"a", 1}, {"b", 2}});
  span.add_event("after");
  span.add_link(make_context(1, 1));
  span.add_link(weft::Link{make_context(1, 2), {}});
  span.record_exception("E", "after");
  span.record_exception(std::logic_error("after"));
  span.set_status(StatusCode::kError, "after");
  span.update_name("after");
  span.end();
  CHECK(span.context() == context);

  const auto data = test.take_one();
  CHECK(data->name == "s");
  CHECK(keys_of(data->attributes) == std::vector<std::string>{"before"});
  CHECK(data->events.empty());
  CHECK(data->links.empty());
  CHECK(data->status_code == StatusCode::kUnset);
}

TEST_CASE("a span is ended when its handle is destroyed", "[span]") {
  TestProvider test;
  weft::SpanContext context;
  {
    auto span = test.tracer->start_span("scoped");
    context = span.context();
    CHECK(test.store->size() == 0);
  }
  const auto data = test.take_one();
  CHECK(data->span_id == context.span_id());
}

TEST_CASE("moving a span moves the recording and ends it once", "[span]") {
  TestProvider test;
  SECTION("move construction") {
    auto first = test.tracer->start_span("s");
    const weft::SpanContext context = first.context();
    Span second(std::move(first));
    CHECK_FALSE(first.is_recording());  // NOLINT: use after move is the test
    CHECK(second.is_recording());
    CHECK(second.context() == context);
    first.set_attribute("ignored", 1);
    first.end();
    CHECK(test.store->size() == 0);
    second.set_attribute("kept", 1);
    second.end();
    const auto data = test.take_one();
    CHECK(keys_of(data->attributes) == std::vector<std::string>{"kept"});
  }
  SECTION("move assignment ends the span that is overwritten") {
    auto target = test.tracer->start_span("overwritten");
    auto source = test.tracer->start_span("moved");
    const weft::SpanContext moved_context = source.context();
    target = std::move(source);
    REQUIRE(test.store->size() == 1);
    CHECK(target.context() == moved_context);
    CHECK(target.is_recording());
    target.end();
    const auto spans = test.take_all();
    REQUIRE(spans.size() == 2);
    CHECK(spans[0]->name == "overwritten");
    CHECK(spans[1]->name == "moved");
  }
  SECTION("self move assignment keeps the span") {
    auto span = test.tracer->start_span("self");
    Span& alias = span;
    span = std::move(alias);
    CHECK(span.is_recording());
    span.end();
    CHECK(test.take_one()->name == "self");
  }
  SECTION("a moved span in a container ends once") {
    std::vector<Span> spans;
    for (int i = 0; i < 10; ++i) {
      spans.push_back(test.tracer->start_span("item " + std::to_string(i)));
    }
    spans.clear();
    CHECK(test.take_all().size() == 10);
    CHECK(test.provider->stats().spans_ended == 10);
  }
}

TEST_CASE("events keep their name, attributes and order", "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("s");
  span.add_event("cache miss", {{"key", "order:42"}});
  span.add_event("retry", {{"attempt", 2}, {"backoff_ms", 12.5}});
  span.add_event("done");
  span.end();
  const auto data = test.take_one();
  REQUIRE(data->events.size() == 3);
  CHECK(data->events[0].name == "cache miss");
  CHECK(text_attribute(data->events[0].attributes, "key") == "order:42");
  CHECK(data->events[1].name == "retry");
  CHECK(attribute_as<std::int64_t>(data->events[1].attributes, "attempt") == 2);
  CHECK(attribute_as<double>(data->events[1].attributes, "backoff_ms") == 12.5);
  CHECK(data->events[2].name == "done");
  CHECK(data->events[2].attributes.empty());
  CHECK(data->dropped_events_count == 0);
}

TEST_CASE("a span keeps the first event_count events and counts the rest",
          "[span]") {
  SpanLimits limits;
  limits.event_count = 3;
  TestProvider test(with_limits(limits));
  auto span = test.tracer->start_span("s");
  for (int i = 0; i < 10; ++i) span.add_event("e" + std::to_string(i));
  span.record_exception("E", "dropped too");
  span.end();
  const auto data = test.take_one();
  REQUIRE(data->events.size() == 3);
  CHECK(data->events[0].name == "e0");
  CHECK(data->events[2].name == "e2");
  CHECK(data->dropped_events_count == 8);
  CHECK(test.provider->stats().events_dropped == 8);
}

TEST_CASE("an event keeps the first attributes_per_event attributes",
          "[span]") {
  weft::testing::FakeEnvironment environment{
      {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "2"}};
  TestProvider test({}, environment);
  auto span = test.tracer->start_span("s");
  span.add_event("e", {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}});
  span.add_event("f", {{"a", 1}, {"a", 5}, {"b", 2}});
  span.end();
  const auto data = test.take_one();
  REQUIRE(data->events.size() == 2);
  CHECK(keys_of(data->events[0].attributes) ==
        std::vector<std::string>{"a", "b"});
  CHECK(data->events[0].dropped_attributes_count == 2);
  // A repeated key replaces the value and is not a drop.
  CHECK(keys_of(data->events[1].attributes) ==
        std::vector<std::string>{"a", "b"});
  CHECK(attribute_as<std::int64_t>(data->events[1].attributes, "a") == 5);
  CHECK(data->events[1].dropped_attributes_count == 0);
  CHECK(data->dropped_attributes_count == 0);
}

TEST_CASE(
    "string values longer than the value length limit are truncated without "
    "splitting a UTF-8 character",
    "[span]") {
  struct Row {
    int line;
    std::uint32_t limit;
    std::string value;
    std::string expected;
  };
  const std::string e_acute = "\xc3\xa9";        // 2 bytes
  const std::string euro = "\xe2\x82\xac";       // 3 bytes
  const std::string emoji = "\xf0\x9f\x98\x80";  // 4 bytes
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, 5, "hello world", "hello"},
      {__LINE__, 11, "hello world", "hello world"},
      {__LINE__, 100, "hello world", "hello world"},
      {__LINE__, 0, "hello", ""},
      {__LINE__, 1, "h" + e_acute + "llo", "h"},
      {__LINE__, 2, "h" + e_acute + "llo", "h"},
      {__LINE__, 3, "h" + e_acute + "llo", "h" + e_acute},
      {__LINE__, 1, euro, ""},
      {__LINE__, 2, euro, ""},
      {__LINE__, 3, euro + "x", euro},
      {__LINE__, 3, emoji, ""},
      {__LINE__, 4, emoji + emoji, emoji},
      {__LINE__, 7, emoji + emoji, emoji},
      {__LINE__, SpanLimits::kUnlimited, std::string(5000, 'x'),
       std::string(5000, 'x')},
  }));
  CAPTURE(row.line, row.limit);
  SpanLimits limits;
  limits.attribute_value_length = row.limit;
  TestProvider test(with_limits(limits));
  const std::vector<std::string> array = {row.value, "ok"};
  auto span = test.tracer->start_span("s", {}, {{"at_start", row.value}});
  span.set_attribute("later", row.value);
  span.set_attribute("array", array);
  span.set_attribute("number", std::int64_t(123456789));
  span.add_event("e", {{"event", row.value}});
  span.add_link(make_context(1, 1), {{"link", row.value}});
  span.add_link(weft::Link{make_context(1, 2), {{"owned", row.value}}});
  span.end();

  const auto data = test.take_one();
  CHECK(text_attribute(data->attributes, "at_start") == row.expected);
  CHECK(text_attribute(data->attributes, "later") == row.expected);
  const auto stored = attribute_as<weft::ArrayView<std::string_view>>(
      data->attributes, "array");
  REQUIRE(stored);
  CHECK(as_strings(*stored) ==
        std::vector<std::string>{
            row.expected,
            std::string("ok").substr(0, std::min<std::size_t>(2, row.limit))});
  CHECK(attribute_as<std::int64_t>(data->attributes, "number") == 123456789);
  CHECK(text_attribute(data->events[0].attributes, "event") == row.expected);
  REQUIRE(data->links.size() == 2);
  CHECK(text_attribute(data->links[0].attributes, "link") == row.expected);
  CHECK(text_attribute(data->links[1].attributes, "owned") == row.expected);
  // Truncation is not a drop.
  CHECK(data->dropped_attributes_count == 0);
}

TEST_CASE("attribute values of every type are stored as given", "[span]") {
  TestProvider test;
  const std::vector<bool> bools = {true, false, true};
  const std::vector<std::int64_t> ints = {-1, 0, INT64_MAX};
  const std::vector<double> doubles = {0.5, -2.25, 1e300};
  const std::vector<std::string> strings = {"a", "", "long string value"};
  const std::vector<std::string> empty_strings;
  const std::string owned_text = "owned";
  auto span = test.tracer->start_span("s");
  span.set_attribute("bool", true);
  span.set_attribute("int", 42);
  span.set_attribute("unsigned", 7u);
  span.set_attribute("int64", std::int64_t(-9));
  span.set_attribute("double", 3.5);
  span.set_attribute("float", 0.25f);
  span.set_attribute("c string", "text");
  span.set_attribute("std string", owned_text);
  span.set_attribute("string_view", std::string_view("view"));
  span.set_attribute("bools", bools);
  span.set_attribute("ints", ints);
  span.set_attribute("doubles", doubles);
  span.set_attribute("strings", strings);
  span.set_attribute("empty strings", empty_strings);
  span.set_attribute("owned value", weft::AttributeValue(ints));
  span.end();

  const auto data = test.take_one();
  const auto& attributes = data->attributes;
  CHECK(attributes.size() == 15);
  CHECK(attribute_as<bool>(attributes, "bool") == true);
  CHECK(attribute_as<std::int64_t>(attributes, "int") == 42);
  CHECK(attribute_as<std::int64_t>(attributes, "unsigned") == 7);
  CHECK(attribute_as<std::int64_t>(attributes, "int64") == -9);
  CHECK(attribute_as<double>(attributes, "double") == 3.5);
  CHECK(attribute_as<double>(attributes, "float") == 0.25);
  CHECK(text_attribute(attributes, "c string") == "text");
  CHECK(text_attribute(attributes, "std string") == "owned");
  CHECK(text_attribute(attributes, "string_view") == "view");
  const auto stored_bools =
      attribute_as<weft::ArrayView<bool>>(attributes, "bools");
  REQUIRE(stored_bools);
  CHECK(as_vector(*stored_bools) == std::vector<bool>{true, false, true});
  const auto stored_ints =
      attribute_as<weft::ArrayView<std::int64_t>>(attributes, "ints");
  REQUIRE(stored_ints);
  CHECK(as_vector(*stored_ints) == ints);
  const auto stored_doubles =
      attribute_as<weft::ArrayView<double>>(attributes, "doubles");
  REQUIRE(stored_doubles);
  CHECK(as_vector(*stored_doubles) == doubles);
  const auto stored_strings =
      attribute_as<weft::ArrayView<std::string_view>>(attributes, "strings");
  REQUIRE(stored_strings);
  CHECK(as_strings(*stored_strings) == strings);
  const auto stored_empty = attribute_as<weft::ArrayView<std::string_view>>(
      attributes, "empty strings");
  REQUIRE(stored_empty);
  CHECK(stored_empty->empty());
  const auto stored_owned =
      attribute_as<weft::ArrayView<std::int64_t>>(attributes, "owned value");
  REQUIRE(stored_owned);
  CHECK(as_vector(*stored_owned) == ints);
}

TEST_CASE("stored attribute values do not refer to the caller's memory",
          "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("s");
  {
    std::string text = "temporary text";
    std::vector<std::string> strings = {"one", "two"};
    std::vector<double> doubles = {1.0, 2.0};
    span.set_attribute("text", text);
    span.set_attribute("strings", strings);
    span.set_attribute("doubles", doubles);
    span.add_event(text, {{text, text}});
    text.assign(text.size(), '#');
    strings[0] = "###";
    doubles[0] = -1;
  }
  span.end();
  const auto data = test.take_one();
  CHECK(text_attribute(data->attributes, "text") == "temporary text");
  CHECK(as_strings(*attribute_as<weft::ArrayView<std::string_view>>(
            data->attributes, "strings")) ==
        std::vector<std::string>{"one", "two"});
  CHECK(as_vector(*attribute_as<weft::ArrayView<double>>(
            data->attributes, "doubles")) == std::vector<double>{1.0, 2.0});
  CHECK(data->events[0].name == "temporary text");
  CHECK(text_attribute(data->events[0].attributes, "temporary text") ==
        "temporary text");
}

TEST_CASE("setting an attribute again replaces its value in place", "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("s", {}, {{"a", 1}, {"b", "x"}});
  span.set_attribute("a", "now a string");
  span.set_attributes({{"b", false}, {"c", 3}});
  span.end();
  const auto data = test.take_one();
  CHECK(keys_of(data->attributes) == std::vector<std::string>{"a", "b", "c"});
  CHECK(text_attribute(data->attributes, "a") == "now a string");
  CHECK(attribute_as<bool>(data->attributes, "b") == false);
}

TEST_CASE("an overwritten string value reads back whole, shorter or longer",
          "[span]") {
  struct Row {
    int line;
    std::vector<std::string> values;  // set in turn; the last one stays
    std::uint32_t length_limit;
    std::string expected;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, {"a long first value", "short"}, 100, "short"},
      {__LINE__,
       {"short", "a longer second value"},
       100,
       "a longer second value"},
      {__LINE__, {"value", ""}, 100, ""},
      {__LINE__, {"", "value"}, 100, "value"},
      {__LINE__, {"same!", "SAME!"}, 100, "SAME!"},
      {__LINE__, {"abcdefgh", "0123456789"}, 6, "012345"},
      {__LINE__,
       {"abcdefgh", "\xc3\xa9\xc3\xa9\xc3\xa9"},
       5,
       "\xc3\xa9\xc3\xa9"},
  }));
  INFO("row at line " << row.line);
  SpanLimits limits;
  limits.attribute_value_length = row.length_limit;
  TestProvider test(with_limits(limits));
  auto span = test.tracer->start_span("s", {}, {{"before", "kept"}});
  for (const std::string& value : row.values) {
    span.set_attribute("k", value);
    span.update_name(value);
    span.set_status(StatusCode::kError, value);
  }
  span.end();
  const auto data = test.take_one();
  CHECK(text_attribute(data->attributes, "k") == row.expected);
  CHECK(text_attribute(data->attributes, "before") == "kept");
  CHECK(data->name == row.values.back());
  CHECK(data->status_description == row.values.back());
}

TEST_CASE("overwriting names, statuses and attributes keeps a span bounded",
          "[span]") {
  TestProvider test;
  std::vector<weft::Link> links;
  for (int i = 0; i < 3; ++i) {
    links.push_back(weft::make_link(make_context(7, i + 1),
                                    weft::relationship::kBatchMember,
                                    {{"item", "item-" + std::to_string(i)}}));
  }
  auto span = test.tracer->start_span("s", StartSpanOptions().with_links(links),
                                      {{"fixed", "value"}});
  for (int i = 0; i < 3; ++i) {
    span.add_event("event " + std::to_string(i), {{"i", i}});
  }
  // Lengths 50..249 in a varying order: most overwrites do not fit in place.
  // Kept naively, 20,000 rounds would hold about 15 MB.
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text.assign(50 + (i * 37) % 200, static_cast<char>('a' + i % 26));
    span.update_name(text);
    span.set_status(StatusCode::kError, text);
    span.set_attribute("mutable", text);
    span.set_attribute("array", std::vector<std::string>{text, text});
    span.set_attribute("count", i);
  }
  span.end();
  const auto data = test.take_one();
  const auto* recorded = dynamic_cast<const weft::sdk::RecordingSpan*>(&*data);
  REQUIRE(recorded != nullptr);
  CHECK(recorded->heap_bytes() < 64 * 1024);

  CHECK(data->name == text);
  CHECK(data->status_description == text);
  CHECK(keys_of(data->attributes) ==
        std::vector<std::string>{"fixed", "mutable", "array", "count"});
  CHECK(text_attribute(data->attributes, "fixed") == "value");
  CHECK(text_attribute(data->attributes, "mutable") == text);
  CHECK(as_strings(std::get<weft::ArrayView<std::string_view>>(
            data->attributes[2].value)) ==
        std::vector<std::string>{text, text});
  CHECK(attribute_as<std::int64_t>(data->attributes, "count") == 19999);
  REQUIRE(data->events.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(data->events[i].name == "event " + std::to_string(i));
    CHECK(attribute_as<std::int64_t>(data->events[i].attributes, "i") == i);
  }
  REQUIRE(data->links.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(data->links[i].span_id == make_context(7, i + 1).span_id());
    CHECK(text_attribute(data->links[i].attributes, "item") ==
          "item-" + std::to_string(i));
    CHECK(text_attribute(data->links[i].attributes, "link.relationship") ==
          "batch_member");
  }
}

namespace {

// How describe() prints one stored value.
struct Printer {
  std::string operator()(bool v) const { return v ? "true" : "false"; }
  std::string operator()(std::int64_t v) const { return std::to_string(v); }
  std::string operator()(double v) const { return std::to_string(v); }
  std::string operator()(std::string_view v) const { return std::string(v); }
  template <class T>
  std::string operator()(weft::ArrayView<T> values) const {
    std::string text = "[";
    for (const T& value : values) {
      if (text.size() > 1) text += ",";
      text += (*this)(value);
    }
    return text + "]";
  }
};

// "key=value" for each attribute, in order (arrays as [a,b]).
std::vector<std::string> describe(const weft::sdk::AttributeList& attributes) {
  std::vector<std::string> result;
  for (const auto& attribute : attributes) {
    result.push_back(std::string(attribute.key) + "=" +
                     std::visit(Printer{}, attribute.value));
  }
  return result;
}

}  // namespace

TEST_CASE(
    "attributes given all at once are stored within the limits wherever "
    "they are given",
    "[span]") {
  using weft::AttributeValue;
  struct Row {
    int line;
    std::vector<std::pair<std::string, AttributeValue>> given;
    std::uint32_t count_limit;
    std::uint32_t length_limit;
    std::vector<std::string> stored;
    std::uint32_t dropped;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__,
       {{"s", std::string("ORD-1")}, {"i", std::int64_t{3}}, {"b", true}},
       8,
       100,
       {"s=ORD-1", "i=3", "b=true"},
       0},
      {__LINE__,
       {{"a", std::int64_t{1}}, {"a", std::string("two")}},
       8,
       100,
       {"a=two"},
       0},
      {__LINE__,
       {{"", std::int64_t{1}}, {"b", std::int64_t{2}}},
       8,
       100,
       {"b=2"},
       1},
      {__LINE__, {{"s", std::string("abcdefgh")}}, 8, 4, {"s=abcd"}, 0},
      {__LINE__,
       {{"e", std::string()}, {"f", false}},
       8,
       100,
       {"e=", "f=false"},
       0},
      {__LINE__,
       {{"arr", std::vector<std::int64_t>{1, 2}}, {"x", true}},
       8,
       100,
       {"arr=[1,2]", "x=true"},
       0},
      {__LINE__,
       {{"a", std::int64_t{1}}, {"b", std::int64_t{2}}, {"c", std::int64_t{3}}},
       2,
       100,
       {"a=1", "b=2"},
       1},
  }));
  INFO("row at line " << row.line);
  SpanLimits limits;
  limits.attribute_count = row.count_limit;
  limits.attributes_per_event = row.count_limit;
  limits.attributes_per_link = row.count_limit;
  limits.attribute_value_length = row.length_limit;
  TestProvider test(with_limits(limits));
  std::vector<weft::KeyValue> views;
  for (const auto& [key, value] : row.given) views.push_back({key, value});
  const weft::Link owned[] = {{make_context(3, 1), row.given}};

  auto span = test.tracer->start_span(
      "s", StartSpanOptions().with_borrowed_links(owned), views);
  span.add_event("e", views);
  span.add_link(make_context(3, 2), views);
  span.end();
  const auto data = test.take_one();
  CHECK(describe(data->attributes) == row.stored);
  CHECK(data->dropped_attributes_count == row.dropped);
  REQUIRE(data->events.size() == 1);
  CHECK(describe(data->events[0].attributes) == row.stored);
  CHECK(data->events[0].dropped_attributes_count == row.dropped);
  REQUIRE(data->links.size() == 2);
  for (const auto& link : data->links) {
    CHECK(describe(link.attributes) == row.stored);
    CHECK(link.dropped_attributes_count == row.dropped);
  }
}

TEST_CASE("a link's repeated attribute key keeps one entry with the last value",
          "[span]") {
  TestProvider test;
  const weft::Link link{
      make_context(1, 1),
      {{"k", std::int64_t(1)}, {"other", true}, {"k", std::int64_t(2)}}};
  auto span = test.tracer->start_span("s");
  span.add_link(link);
  span.add_link(make_context(1, 2), {{"k", 1}, {"k", 2}});
  span.end();
  const auto data = test.take_one();
  REQUIRE(data->links.size() == 2);
  for (const auto& stored : data->links) {
    CHECK(attribute_as<std::int64_t>(stored.attributes, "k") == 2);
    std::size_t k_count = 0;
    for (const auto& attribute : stored.attributes) {
      if (attribute.key == "k") ++k_count;
    }
    CHECK(k_count == 1);
    CHECK(stored.dropped_attributes_count == 0);
  }
}

TEST_CASE("link attributes of every type are stored as given", "[span]") {
  TestProvider test;
  const std::vector<std::string> strings = {"x", "y"};
  const weft::Link link{make_context(1, 1),
                        {{"bool", true},
                         {"int", std::int64_t(5)},
                         {"double", 1.5},
                         {"string", std::string("s")},
                         {"bools", std::vector<bool>{false}},
                         {"ints", std::vector<std::int64_t>{1, 2}},
                         {"doubles", std::vector<double>{0.5}},
                         {"strings", strings}}};
  auto span =
      test.tracer->start_span("s", StartSpanOptions().with_borrowed_links(
                                       weft::ArrayView<weft::Link>(&link, 1)));
  span.end();
  const auto data = test.take_one();
  REQUIRE(data->links.size() == 1);
  const auto& attributes = data->links[0].attributes;
  CHECK(attributes.size() == 8);
  CHECK(attribute_as<bool>(attributes, "bool") == true);
  CHECK(attribute_as<std::int64_t>(attributes, "int") == 5);
  CHECK(attribute_as<double>(attributes, "double") == 1.5);
  CHECK(text_attribute(attributes, "string") == "s");
  CHECK(as_vector(*attribute_as<weft::ArrayView<bool>>(attributes, "bools")) ==
        std::vector<bool>{false});
  CHECK(as_vector(*attribute_as<weft::ArrayView<std::int64_t>>(
            attributes, "ints")) == std::vector<std::int64_t>{1, 2});
  CHECK(as_vector(*attribute_as<weft::ArrayView<double>>(
            attributes, "doubles")) == std::vector<double>{0.5});
  CHECK(as_strings(*attribute_as<weft::ArrayView<std::string_view>>(
            attributes, "strings")) == strings);
}

TEST_CASE("an attribute with an empty key is not recorded", "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span("s");
  span.set_attribute("", 1);
  span.set_attribute("kept", 1);
  span.end();
  const auto data = test.take_one();
  CHECK(keys_of(data->attributes) == std::vector<std::string>{"kept"});
}

TEST_CASE("a span records its kind, ids and scope", "[span]") {
  TestProvider test;
  auto span = test.tracer->start_span(
      "s", StartSpanOptions().with_kind(weft::SpanKind::kProducer));
  const weft::SpanContext context = span.context();
  span.end();
  const auto data = test.take_one();
  CHECK(data->kind == weft::SpanKind::kProducer);
  CHECK(data->trace_id == context.trace_id());
  CHECK(data->span_id == context.span_id());
  CHECK(data->flags == context.flags());
  REQUIRE(data->tracer);
  CHECK(data->tracer->scope.name == "weft.test");
  CHECK(data->tracer->scope.version == "1.2.3");
}

TEST_CASE("a span with many long attributes, events and links stays intact",
          "[span]") {
  // Exercises the arena past its inline buffer (ASan checks the bounds).
  TestProvider test;
  std::vector<weft::Link> links;
  for (int i = 0; i < 40; ++i) {
    links.push_back(weft::make_link(make_context(2, i + 1),
                                    weft::relationship::kAggregates,
                                    {{"worker", std::string(100, 'w')}}));
  }
  auto span = test.tracer->start_span(std::string(300, 'n'),
                                      StartSpanOptions().with_links(links));
  for (int i = 0; i < 100; ++i) {
    span.set_attribute("key " + std::to_string(i), std::string(200, 'v'));
    span.add_event("event " + std::to_string(i), {{"i", i}});
  }
  span.end();
  const auto data = test.take_one();
  CHECK(data->name == std::string(300, 'n'));
  CHECK(data->attributes.size() == 100);
  CHECK(data->events.size() == 100);
  CHECK(data->links.size() == 32);
  for (std::size_t i = 0; i < data->attributes.size(); ++i) {
    CAPTURE(i);
    CHECK(data->attributes[i].key == "key " + std::to_string(i));
    CHECK(std::get<std::string_view>(data->attributes[i].value) ==
          std::string(200, 'v'));
  }
  for (const auto& link : data->links) {
    CHECK(text_attribute(link.attributes, "worker") == std::string(100, 'w'));
  }
}
