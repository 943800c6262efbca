// Tests of weft/b3.h: the B3 propagator's single header and x-b3-* headers
// (with the examples of the OpenZipkin specification), 64-bit trace ids, the
// sampling states and the debug flag, the deny form, malformed input, round
// trips and B3 beside W3C Trace Context in a composite.
#include "weft/b3.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/propagation.h"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Map = std::map<std::string, std::string>;
using Format = weft::B3Propagator::Format;

constexpr const char* kTraceId = "80f198ee56343ba864fe8b2a57d3eff7";
constexpr const char* kTraceId64 = "64fe8b2a57d3eff7";
constexpr const char* kPaddedTraceId64 = "000000000000000064fe8b2a57d3eff7";
constexpr const char* kSpanId = "e457b5a2e4d86bd1";
constexpr const char* kParentSpanId = "05e3ac9a4f6e3b90";

// A key of the test's own, to check that extract keeps the base's values.
const weft::ContextKey<std::string> kTenant("tenant");

// The base every extraction starts from: an application value and a local
// span context that extraction replaces (or keeps, when nothing is valid).
weft::Context make_base() {
  const weft::SpanContext local(
      *weft::TraceId::from_hex("11111111111111111111111111111111"),
      *weft::SpanId::from_hex("2222222222222222"),
      weft::TraceFlags(weft::TraceFlags::kSampled));
  return weft::Context().with_span_context(local).with(kTenant, "acme");
}

weft::SpanContext make_context(bool sampled, const char* trace_id = kTraceId) {
  return weft::SpanContext(*weft::TraceId::from_hex(trace_id),
                           *weft::SpanId::from_hex(kSpanId),
                           weft::TraceFlags().with_sampled(sampled));
}

std::string single(const std::string& tail) {
  return std::string(kTraceId) + "-" + kSpanId + tail;
}

struct Expected {
  std::string trace_id;
  bool sampled;
  bool debug;
};

void check_extracted(const weft::Context& context, const Expected& expected) {
  const weft::SpanContext& parent = context.span_context();
  REQUIRE(parent.is_valid());
  CHECK(parent.is_remote());
  CHECK(parent.trace_id().to_hex() == expected.trace_id);
  CHECK(parent.span_id().to_hex() == kSpanId);
  CHECK(parent.is_sampled() == expected.sampled);
  CHECK(parent.flags().random() == false);
  CHECK(parent.trace_state().empty());
  CHECK(weft::B3Propagator::is_debug(context) == expected.debug);
  // The base's values stay.
  REQUIRE(context.get(kTenant) != nullptr);
  CHECK(*context.get(kTenant) == "acme");
}

}  // namespace

TEST_CASE("the b3 header yields a remote parent with its ids and sampling",
          "[b3]") {
  struct Row {
    int line;
    std::string value;
    Expected expected;
  };
  const std::string tail64 = std::string(kTraceId64) + "-" + kSpanId;
  const Row row = GENERATE_COPY(values<Row>({
      // The specification's examples.
      {__LINE__, single("-1"), {kTraceId, true, false}},
      {__LINE__, single("-1-") + kParentSpanId, {kTraceId, true, false}},
      {__LINE__, single("-0"), {kTraceId, false, false}},
      {__LINE__, single("-d"), {kTraceId, true, true}},
      {__LINE__, single("-d-") + kParentSpanId, {kTraceId, true, true}},
      {__LINE__, single("-0-") + kParentSpanId, {kTraceId, false, false}},
      // Defer: no sampling state reads as not sampled (OpenTelemetry).
      {__LINE__, single(""), {kTraceId, false, false}},
      // 64-bit trace ids are left-padded to 128 bits.
      {__LINE__, tail64 + "-1", {kPaddedTraceId64, true, false}},
      {__LINE__, tail64, {kPaddedTraceId64, false, false}},
      {__LINE__,
       tail64 + "-d-" + kParentSpanId,
       {kPaddedTraceId64, true, true}},
      // Optional whitespace around the value (HTTP).
      {__LINE__, " \t" + single("-1") + " ", {kTraceId, true, false}},
  }));
  CAPTURE(row.line, row.value);
  const weft::B3Propagator propagator;
  check_extracted(propagator.extract(Map{{"b3", row.value}}, make_base()),
                  row.expected);
  // The header name matches in any case.
  check_extracted(propagator.extract(Map{{"B3", row.value}}, make_base()),
                  row.expected);
}

TEST_CASE("the x-b3 headers yield a remote parent with its ids and sampling",
          "[b3]") {
  struct Row {
    int line;
    Headers headers;
    Expected expected;
  };
  const Row row = GENERATE_COPY(values<Row>({
      // The specification's example.
      {__LINE__,
       {{"X-B3-TraceId", kTraceId},
        {"X-B3-ParentSpanId", kParentSpanId},
        {"X-B3-SpanId", kSpanId},
        {"X-B3-Sampled", "1"}},
       {kTraceId, true, false}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "0"}},
       {kTraceId, false, false}},
      // Defer: not sampled.
      {__LINE__,
       {{"x-b3-traceid", kTraceId}, {"x-b3-spanid", kSpanId}},
       {kTraceId, false, false}},
      // Debug is x-b3-flags: 1 and implies sampled, whatever x-b3-sampled.
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-flags", "1"}},
       {kTraceId, true, true}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "0"},
        {"x-b3-flags", "1"}},
       {kTraceId, true, true}},
      // Other flags values are ignored.
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "1"},
        {"x-b3-flags", "0"}},
       {kTraceId, true, false}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-flags", "2"}},
       {kTraceId, false, false}},
      // The pre-specification true and false, in any case.
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "true"}},
       {kTraceId, true, false}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "False"}},
       {kTraceId, false, false}},
      // 64-bit trace id.
      {__LINE__,
       {{"x-b3-traceid", kTraceId64},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "1"}},
       {kPaddedTraceId64, true, false}},
      // Optional whitespace; of several values the first counts.
      {__LINE__,
       {{"x-b3-traceid", " " + std::string(kTraceId) + "\t"},
        {"x-b3-spanid", kSpanId},
        {"x-b3-spanid", "not an id"},
        {"x-b3-sampled", "1"},
        {"x-b3-sampled", "0"}},
       {kTraceId, true, false}},
  }));
  CAPTURE(row.line);
  check_extracted(weft::B3Propagator().extract(row.headers, make_base()),
                  row.expected);
}

TEST_CASE("a malformed b3 header leaves the base context unchanged", "[b3]") {
  struct Row {
    int line;
    std::string value;
  };
  const std::string zeros64(16, '0');
  const std::string zeros128(32, '0');
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, ""},
      {__LINE__, "-"},
      // A lone sampling state must be 0, 1 or d.
      {__LINE__, "2"},
      {__LINE__, "D"},
      {__LINE__, "true"},
      // A trace id needs a span id.
      {__LINE__, kTraceId},
      {__LINE__, std::string(kTraceId) + "-"},
      {__LINE__, std::string(kTraceId64) + "-1"},
      // Lengths: trace id 16 or 32, span id 16, parent 16.
      {__LINE__, std::string(kTraceId).substr(1) + "-" + kSpanId + "-1"},
      {__LINE__, "0" + single("-1")},
      {__LINE__, std::string(kTraceId).substr(0, 24) + "-" + kSpanId},
      {__LINE__, std::string(kTraceId) + "-" + (kSpanId + 1) + "-1"},
      {__LINE__, std::string(kTraceId) + "-" + kSpanId + "0-1"},
      {__LINE__, single("-1-") + (kParentSpanId + 1)},
      {__LINE__, single("-1-") + kParentSpanId + "0"},
      // Lowercase hex only (the specification's "lower-hex").
      {__LINE__, "80F198EE56343BA864FE8B2A57D3EFF7-" + std::string(kSpanId)},
      {__LINE__, std::string(kTraceId) + "-E457B5A2E4D86BD1-1"},
      {__LINE__, single("-1-05E3AC9A4F6E3B90")},
      {__LINE__, "80f198ee56343ba864fe8b2a57d3eff/-" + std::string(kSpanId)},
      // All-zero ids.
      {__LINE__, zeros128 + "-" + kSpanId + "-1"},
      {__LINE__, zeros64 + "-" + kSpanId + "-1"},
      {__LINE__, std::string(kTraceId) + "-" + zeros64 + "-1"},
      {__LINE__, single("-1-") + zeros64},
      // Sampling states.
      {__LINE__, single("-")},
      {__LINE__, single("-2")},
      {__LINE__, single("-D")},
      {__LINE__, single("-true")},
      {__LINE__, single("-10")},
      // A parent without a sampling state, empty fields, extra fields.
      {__LINE__, single("-") + kParentSpanId},
      {__LINE__, single("-1-")},
      {__LINE__, single("--1")},
      {__LINE__, single("-1-") + kParentSpanId + "-1"},
      // Separators.
      {__LINE__, std::string(kTraceId) + "_" + kSpanId + "-1"},
      {__LINE__, single("_1")},
      {__LINE__, single("-1_") + kParentSpanId},
      // Whitespace inside the value.
      {__LINE__, std::string(kTraceId) + " -" + kSpanId + "-1"},
      {__LINE__, single("- 1")},
      // Far too long.
      {__LINE__, single("-1-") + kParentSpanId + std::string(4096, '0')},
  }));
  CAPTURE(row.line, row.value);
  const weft::Context base = make_base();
  const weft::Context context =
      weft::B3Propagator().extract(Map{{"b3", row.value}}, base);
  CHECK(context.span_context() == base.span_context());
  CHECK_FALSE(context.span_context().is_remote());
  CHECK(context.get(kTenant) != nullptr);
  CHECK_FALSE(weft::B3Propagator::is_debug(context));
}

TEST_CASE("malformed x-b3 headers leave the base context unchanged", "[b3]") {
  struct Row {
    int line;
    Headers headers;
  };
  const std::string zeros64(16, '0');
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, {}},
      // Both ids are required.
      {__LINE__, {{"x-b3-traceid", kTraceId}, {"x-b3-sampled", "1"}}},
      {__LINE__, {{"x-b3-spanid", kSpanId}, {"x-b3-sampled", "1"}}},
      {__LINE__, {{"x-b3-sampled", "1"}}},
      {__LINE__, {{"x-b3-flags", "1"}}},
      // Ids: lengths, case, zeros.
      {__LINE__, {{"x-b3-traceid", kTraceId + 1}, {"x-b3-spanid", kSpanId}}},
      {__LINE__,
       {{"x-b3-traceid", "80F198EE56343BA864FE8B2A57D3EFF7"},
        {"x-b3-spanid", kSpanId}}},
      {__LINE__, {{"x-b3-traceid", kTraceId}, {"x-b3-spanid", kSpanId + 1}}},
      {__LINE__, {{"x-b3-traceid", zeros64}, {"x-b3-spanid", kSpanId}}},
      {__LINE__, {{"x-b3-traceid", kTraceId}, {"x-b3-spanid", zeros64}}},
      // The first value counts, even when a later one is valid.
      {__LINE__,
       {{"x-b3-traceid", "bad"},
        {"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId}}},
      // An invalid sampling state invalidates the context, even with debug.
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "2"}}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "d"},
        {"x-b3-flags", "1"}}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "yes"}}},
      // A malformed parent span id.
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-parentspanid", "05e3ac9a4f6e3b9"}}},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-parentspanid", zeros64}}},
  }));
  CAPTURE(row.line);
  const weft::Context base = make_base();
  const weft::Context context = weft::B3Propagator().extract(row.headers, base);
  CHECK(context.span_context() == base.span_context());
  CHECK_FALSE(context.span_context().is_remote());
  CHECK(context.get(kTenant) != nullptr);
}

TEST_CASE("the b3 header wins over the x-b3 headers when it holds ids",
          "[b3]") {
  const std::string other_trace = "0af7651916cd43dd8448eb211c80319c";
  const Headers multiple = {{"x-b3-traceid", other_trace},
                            {"x-b3-spanid", kSpanId},
                            {"x-b3-sampled", "1"}};
  const weft::B3Propagator propagator;

  SECTION("a valid b3 header is used") {
    Headers headers = multiple;
    headers.emplace_back("b3", single("-0"));
    const weft::Context context = propagator.extract(headers);
    CHECK(context.span_context().trace_id().to_hex() == kTraceId);
    CHECK_FALSE(context.span_context().is_sampled());
  }
  SECTION("a malformed b3 header leaves the x-b3 headers to decide") {
    Headers headers = multiple;
    headers.emplace_back("b3", single("-x"));
    const weft::Context context = propagator.extract(headers);
    CHECK(context.span_context().trace_id().to_hex() == other_trace);
    CHECK(context.span_context().is_sampled());
  }
  SECTION("so does a b3 header with a sampling state only") {
    Headers headers = multiple;
    headers.emplace_back("b3", "0");
    const weft::Context context = propagator.extract(headers);
    CHECK(context.span_context().trace_id().to_hex() == other_trace);
    CHECK(context.span_context().is_sampled());
  }
}

TEST_CASE("a sampling state without ids gives no parent", "[b3]") {
  // The deny form `b3: 0`, and its accept and debug siblings: no ids, so no
  // span context; the next span is a root and the local sampler decides.
  const std::string value = GENERATE(as<std::string>{}, "0", "1", "d");
  CAPTURE(value);
  const weft::B3Propagator propagator;
  const weft::Context context = propagator.extract(Map{{"b3", value}});
  CHECK_FALSE(context.span_context().is_valid());
  CHECK_FALSE(weft::B3Propagator::is_debug(context));

  const weft::Context base = make_base();
  CHECK(propagator.extract(Map{{"b3", value}}, base).span_context() ==
        base.span_context());
}

TEST_CASE("inject writes the chosen B3 format", "[b3]") {
  SECTION("single header") {
    const weft::B3Propagator propagator;
    CHECK(propagator.inject_format() == Format::kSingleHeader);
    Map carrier;
    propagator.inject(weft::Context(make_context(true)), carrier);
    CHECK(carrier == Map{{"b3", single("-1")}});
    propagator.inject(weft::Context(make_context(false)), carrier);
    CHECK(carrier == Map{{"b3", single("-0")}});
  }
  SECTION("multiple headers, in lowercase") {
    const weft::B3Propagator propagator(Format::kMultipleHeaders);
    Map carrier;
    propagator.inject(weft::Context(make_context(true)), carrier);
    CHECK(carrier == Map{{"x-b3-traceid", kTraceId},
                         {"x-b3-spanid", kSpanId},
                         {"x-b3-sampled", "1"}});
    carrier.clear();
    propagator.inject(weft::Context(make_context(false)), carrier);
    CHECK(carrier == Map{{"x-b3-traceid", kTraceId},
                         {"x-b3-spanid", kSpanId},
                         {"x-b3-sampled", "0"}});
  }
  SECTION("a 64-bit trace id is written as 32 characters") {
    Map carrier;
    weft::B3Propagator().inject(
        weft::Context(make_context(true, kPaddedTraceId64)), carrier);
    CHECK(carrier ==
          Map{{"b3", std::string(kPaddedTraceId64) + "-" + kSpanId + "-1"}});
  }
  SECTION("nothing for an invalid span context") {
    Map carrier;
    weft::B3Propagator().inject(weft::Context(), carrier);
    weft::B3Propagator(Format::kMultipleHeaders)
        .inject(weft::Context(), carrier);
    CHECK(carrier.empty());
  }
}

TEST_CASE("inject writes the debug flag of a sampled debug trace", "[b3]") {
  const weft::Context debug =
      weft::B3Propagator::with_debug(weft::Context(make_context(true)));
  REQUIRE(weft::B3Propagator::is_debug(debug));

  SECTION("as d in the single header") {
    Map carrier;
    weft::B3Propagator().inject(debug, carrier);
    CHECK(carrier == Map{{"b3", single("-d")}});
  }
  SECTION("as x-b3-flags: 1, without x-b3-sampled") {
    Map carrier;
    weft::B3Propagator(Format::kMultipleHeaders).inject(debug, carrier);
    CHECK(carrier == Map{{"x-b3-traceid", kTraceId},
                         {"x-b3-spanid", kSpanId},
                         {"x-b3-flags", "1"}});
  }
  SECTION("a span of the same trace inherits it") {
    const weft::SpanContext child(*weft::TraceId::from_hex(kTraceId),
                                  *weft::SpanId::from_hex("3333333333333333"),
                                  weft::TraceFlags(weft::TraceFlags::kSampled));
    Map carrier;
    weft::B3Propagator().inject(debug.with_span_context(child), carrier);
    CHECK(carrier["b3"] == std::string(kTraceId) + "-3333333333333333-d");
  }
  SECTION("a new trace started in the same context does not") {
    const weft::SpanContext root(
        *weft::TraceId::from_hex("0af7651916cd43dd8448eb211c80319c"),
        *weft::SpanId::from_hex(kSpanId),
        weft::TraceFlags(weft::TraceFlags::kSampled));
    const weft::Context context = debug.with_span_context(root);
    CHECK_FALSE(weft::B3Propagator::is_debug(context));
    Map carrier;
    weft::B3Propagator().inject(context, carrier);
    CHECK(carrier["b3"] ==
          "0af7651916cd43dd8448eb211c80319c-" + std::string(kSpanId) + "-1");
  }
  SECTION("a span that is not sampled is written as not sampled") {
    Map carrier;
    weft::B3Propagator().inject(debug.with_span_context(make_context(false)),
                                carrier);
    CHECK(carrier == Map{{"b3", single("-0")}});
  }
  SECTION("with_debug needs a valid span context") {
    CHECK_FALSE(weft::B3Propagator::is_debug(
        weft::B3Propagator::with_debug(weft::Context())));
  }
}

TEST_CASE("extract then inject reproduces the trace in either format", "[b3]") {
  struct Row {
    int line;
    Headers headers;
    std::string single;  // what the single-header format writes back
  };
  const std::string id64 = std::string(kTraceId64) + "-" + kSpanId;
  const std::string padded = std::string(kPaddedTraceId64) + "-" + kSpanId;
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, {{"b3", single("-1")}}, single("-1")},
      {__LINE__, {{"b3", single("-0")}}, single("-0")},
      {__LINE__, {{"b3", single("-d")}}, single("-d")},
      // The parent span id is not propagated; defer becomes not sampled.
      {__LINE__, {{"b3", single("-1-") + kParentSpanId}}, single("-1")},
      {__LINE__, {{"b3", single("")}}, single("-0")},
      {__LINE__, {{"b3", id64 + "-d"}}, padded + "-d"},
      {__LINE__,
       {{"x-b3-traceid", kTraceId},
        {"x-b3-spanid", kSpanId},
        {"x-b3-flags", "1"}},
       single("-d")},
      {__LINE__,
       {{"x-b3-traceid", kTraceId64},
        {"x-b3-spanid", kSpanId},
        {"x-b3-sampled", "1"}},
       padded + "-1"},
  }));
  CAPTURE(row.line);
  const Format in = GENERATE(Format::kSingleHeader, Format::kMultipleHeaders);
  const Format out = GENERATE(Format::kSingleHeader, Format::kMultipleHeaders);
  const weft::Context extracted = weft::B3Propagator(in).extract(row.headers);
  REQUIRE(extracted.span_context().is_valid());

  Map carrier;
  weft::B3Propagator(out).inject(extracted, carrier);
  if (out == Format::kSingleHeader) {
    CHECK(carrier == Map{{"b3", row.single}});
  } else {
    const char state = row.single.back();
    Map expected = {{"x-b3-traceid", row.single.substr(0, 32)},
                    {"x-b3-spanid", kSpanId}};
    if (state == 'd') {
      expected["x-b3-flags"] = "1";
    } else {
      expected["x-b3-sampled"] = std::string(1, state);
    }
    CHECK(carrier == expected);
  }
  // And what was written extracts to the same span context and flag.
  const weft::Context again = weft::B3Propagator().extract(carrier);
  CHECK(again.span_context() == extracted.span_context());
  CHECK(weft::B3Propagator::is_debug(again) ==
        weft::B3Propagator::is_debug(extracted));
}

TEST_CASE("a non-debug extraction clears an earlier debug flag", "[b3]") {
  const weft::B3Propagator propagator;
  const weft::Context debug = propagator.extract(Map{{"b3", single("-d")}});
  REQUIRE(weft::B3Propagator::is_debug(debug));
  const weft::Context plain =
      propagator.extract(Map{{"b3", single("-1")}}, debug);
  CHECK_FALSE(weft::B3Propagator::is_debug(plain));
}

TEST_CASE("the B3 propagator's fields are every header it reads or writes",
          "[b3]") {
  const auto fields = weft::B3Propagator().fields();
  CHECK(std::vector<std::string_view>(fields.begin(), fields.end()) ==
        std::vector<std::string_view>{"b3", "x-b3-traceid", "x-b3-spanid",
                                      "x-b3-parentspanid", "x-b3-sampled",
                                      "x-b3-flags"});
}

TEST_CASE("a throwing carrier never makes the B3 propagator throw", "[b3]") {
  const weft::Context base = make_base();
  const auto reader = weft::make_carrier_reader(
      [](std::string_view) -> std::string { throw std::runtime_error("x"); });
  const Format format =
      GENERATE(Format::kSingleHeader, Format::kMultipleHeaders);
  const weft::B3Propagator propagator(format);
  CHECK(propagator.extract(reader, base).span_context() == base.span_context());

  bool called = false;
  CHECK_NOTHROW(propagator.inject(
      base, weft::make_carrier_writer([&](std::string_view, std::string_view) {
        called = true;
        throw std::runtime_error("x");
      })));
  CHECK(called);
}

TEST_CASE("a composite of tracecontext and b3 combines both into one context",
          "[b3]") {
  const weft::CompositePropagator composite(
      {std::make_shared<weft::TraceContextPropagator>(),
       std::make_shared<weft::B3Propagator>()});
  const std::string w3c_trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string traceparent = "00-" + w3c_trace + "-b7ad6b7169203331-01";

  SECTION("only traceparent: the W3C parent, with its tracestate") {
    const weft::Context context = composite.extract(
        Map{{"traceparent", traceparent}, {"tracestate", "k=v"}}, make_base());
    CHECK(context.span_context().trace_id().to_hex() == w3c_trace);
    CHECK(context.span_context().trace_state().header() == "k=v");
    CHECK(context.get(kTenant) != nullptr);
  }
  SECTION("only b3: the B3 parent") {
    const weft::Context context =
        composite.extract(Map{{"b3", single("-d")}}, make_base());
    check_extracted(context, {kTraceId, true, true});
  }
  SECTION("both: the later propagator, b3, wins") {
    const weft::Context context = composite.extract(
        Map{{"traceparent", traceparent}, {"b3", single("-0")}}, make_base());
    check_extracted(context, {kTraceId, false, false});
  }
  SECTION("an invalid b3 keeps the W3C parent") {
    const weft::Context context = composite.extract(
        Map{{"traceparent", traceparent}, {"b3", "garbage"}}, make_base());
    CHECK(context.span_context().trace_id().to_hex() == w3c_trace);
    CHECK(context.get(kTenant) != nullptr);
  }
  SECTION("inject writes both formats of the same span context") {
    Map carrier;
    composite.inject(weft::Context(make_context(true)), carrier);
    CHECK(carrier == Map{{"b3", single("-1")},
                         {"traceparent", "00-" + std::string(kTraceId) + "-" +
                                             kSpanId + "-01"}});
  }
}
