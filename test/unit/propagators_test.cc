// Tests of weft/sdk/propagators.h: the global propagator built from
// OTEL_PROPAGATORS (names, order, duplicates, `none`, unknown names and their
// warning, the default and the code value), and extraction through several
// propagators into one Context.
#include "weft/sdk/propagators.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fake_environment.h"
#include "fake_logger.h"
#include "weft/b3.h"
#include "weft/propagation.h"

#if __has_include("weft/baggage.h")
#include "weft/baggage.h"
#define WEFT_TEST_HAVE_BAGGAGE 1
#endif

namespace {

using Map = std::map<std::string, std::string>;

constexpr const char* kTraceId = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* kSpanId = "b7ad6b7169203331";
const std::string kTraceparent =
    "00-" + std::string(kTraceId) + "-" + kSpanId + "-01";
const std::string kB3 = std::string(kTraceId) + "-" + kSpanId + "-1";

weft::Context sampled_context() {
  return weft::Context(weft::SpanContext(
      *weft::TraceId::from_hex(kTraceId), *weft::SpanId::from_hex(kSpanId),
      weft::TraceFlags(weft::TraceFlags::kSampled)));
}

// The headers `propagator` writes for a sampled span context.
Map injected(const weft::TextMapPropagator& propagator) {
  Map carrier;
  propagator.inject(sampled_context(), carrier);
  return carrier;
}

struct Built {
  std::shared_ptr<const weft::TextMapPropagator> propagator;
  std::shared_ptr<weft::testing::FakeLogger> logger;
};

Built build(std::string value,
            std::shared_ptr<const weft::TextMapPropagator> code = nullptr) {
  weft::testing::FakeEnvironment environment;
  if (!value.empty()) environment.variables["OTEL_PROPAGATORS"] = value;
  Built built;
  built.logger = std::make_shared<weft::testing::FakeLogger>();
  weft::sdk::PropagatorOptions options;
  options.propagator = std::move(code);
  options.environment = &environment;
  options.logger = built.logger;
  built.propagator = weft::sdk::make_propagator_from_environment(options);
  return built;
}

const Map kW3C = {{"traceparent", kTraceparent}};
const Map kB3Single = {{"b3", kB3}};
const Map kB3Multiple = {{"x-b3-traceid", kTraceId},
                         {"x-b3-spanid", kSpanId},
                         {"x-b3-sampled", "1"}};

Map merged(std::initializer_list<Map> maps) {
  Map out;
  for (const Map& map : maps) out.insert(map.begin(), map.end());
  return out;
}

}  // namespace

TEST_CASE("OTEL_PROPAGATORS names the formats the global propagator writes",
          "[propagators]") {
  struct Row {
    int line;
    std::string value;
    Map headers;
  };
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, "tracecontext", kW3C},
      {__LINE__, "b3", kB3Single},
      {__LINE__, "b3multi", kB3Multiple},
      {__LINE__, "tracecontext,b3", merged({kW3C, kB3Single})},
      {__LINE__, "b3,b3multi", merged({kB3Single, kB3Multiple})},
      // Case-insensitive, spaces around names and empty entries ignored,
      // repeated names count once.
      {__LINE__, " B3 , TraceContext ", merged({kW3C, kB3Single})},
      {__LINE__, "tracecontext,,b3,", merged({kW3C, kB3Single})},
      {__LINE__, "b3,b3,B3", kB3Single},
      // none: nothing.
      {__LINE__, "none", {}},
      {__LINE__, "NONE,none", {}},
  }));
  CAPTURE(row.line, row.value);
  const Built built = build(row.value);
  REQUIRE(built.propagator != nullptr);
  CHECK(injected(*built.propagator) == row.headers);
  CHECK(built.logger->all().empty());
}

TEST_CASE("without OTEL_PROPAGATORS the code value, else the default, is used",
          "[propagators]") {
  SECTION("default: tracecontext,baggage") {
    const Built built = build("");
    CHECK(injected(*built.propagator) == kW3C);
    const auto fields = built.propagator->fields();
    const std::vector<std::string_view> names(fields.begin(), fields.end());
    CHECK(names.at(0) == "traceparent");
    CHECK(names.at(1) == "tracestate");
    CHECK(built.logger->all().empty());
  }
  SECTION("blank is unset") {
    CHECK(injected(*build(" \t").propagator) == kW3C);
  }
  SECTION("the code value") {
    const auto code = std::make_shared<weft::B3Propagator>();
    const Built built = build("", code);
    CHECK(built.propagator == code);
  }
  SECTION("the environment wins over the code value") {
    const Built built =
        build("b3multi", std::make_shared<weft::B3Propagator>());
    CHECK(injected(*built.propagator) == kB3Multiple);
  }
}

TEST_CASE("unknown OTEL_PROPAGATORS names are reported once and skipped",
          "[propagators]") {
  SECTION("beside known names") {
    const Built built = build("tracecontext,jaeger,b3,xray,jaeger");
    CHECK(injected(*built.propagator) == merged({kW3C, kB3Single}));
    const auto messages = built.logger->all();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].level == weft::sdk::LogLevel::kWarning);
    CHECK(built.logger->count_containing(
              {"OTEL_PROPAGATORS", "'tracecontext,jaeger,b3,xray,jaeger'",
               "unknown propagators jaeger, xray skipped",
               "tracecontext, baggage, b3, b3multi, none"}) == 1);
  }
  SECTION("alone: the default is used") {
    const Built built = build("tracecontxt");
    CHECK(injected(*built.propagator) == kW3C);
    CHECK(built.logger->count_containing(
              {"OTEL_PROPAGATORS", "unknown propagator tracecontxt skipped",
               "using the default tracecontext, baggage"}) == 1);
    CHECK(built.logger->all().size() == 1);
  }
  SECTION("alone, with a propagator given in code: the code's is used") {
    const auto code = std::make_shared<weft::B3Propagator>();
    const Built built = build("tracecontxt", code);
    CHECK(built.propagator == code);
    CHECK(built.logger->count_containing(
              {"OTEL_PROPAGATORS", "unknown propagator tracecontxt skipped",
               "using the one given in code"}) == 1);
    CHECK(built.logger->all().size() == 1);
  }
  SECTION("unprintable names are escaped") {
    const Built built = build("b3,\x01x");
    CHECK(injected(*built.propagator) == kB3Single);
    CHECK(built.logger->count_containing({"\\x01x"}) == 1);
  }
}

TEST_CASE("none beside other OTEL_PROPAGATORS names is reported and ignored",
          "[propagators]") {
  const Built built = build("none,b3");
  CHECK(injected(*built.propagator) == kB3Single);
  CHECK(built.logger->count_containing(
            {"OTEL_PROPAGATORS", "'none,b3'", "`none` beside other"}) == 1);
  CHECK(built.logger->all().size() == 1);
}

TEST_CASE("each OTEL_PROPAGATORS name makes its own propagator",
          "[propagators]") {
  CHECK(dynamic_cast<const weft::TraceContextPropagator*>(
            weft::sdk::make_named_propagator("tracecontext").get()) != nullptr);
  const auto b3 = std::dynamic_pointer_cast<const weft::B3Propagator>(
      weft::sdk::make_named_propagator("b3"));
  REQUIRE(b3 != nullptr);
  CHECK(b3->inject_format() == weft::B3Propagator::Format::kSingleHeader);
  const auto b3multi = std::dynamic_pointer_cast<const weft::B3Propagator>(
      weft::sdk::make_named_propagator("b3multi"));
  REQUIRE(b3multi != nullptr);
  CHECK(b3multi->inject_format() ==
        weft::B3Propagator::Format::kMultipleHeaders);
  CHECK(weft::sdk::make_named_propagator("baggage") != nullptr);
  const auto none = weft::sdk::make_named_propagator("none");
  REQUIRE(none != nullptr);
  CHECK(none->fields().size() == 0);
  CHECK(none->extract(kW3C).span_context().is_valid() == false);
  CHECK(weft::sdk::make_named_propagator("jaeger") == nullptr);
  CHECK(weft::sdk::make_named_propagator("B3") == nullptr);  // lowercase only
}

TEST_CASE("extraction through tracecontext and b3 combines into one context",
          "[propagators]") {
  static const weft::ContextKey<int> kValue("value");
  const weft::Context base = weft::Context().with(kValue, 7);
  const Built built = build("tracecontext,b3");
  const std::string b3_trace = "80f198ee56343ba864fe8b2a57d3eff7";

  SECTION("only traceparent") {
    const weft::Context context = built.propagator->extract(
        Map{{"traceparent", kTraceparent}, {"tracestate", "k=v"}}, base);
    CHECK(context.span_context().trace_id().to_hex() == kTraceId);
    CHECK(context.span_context().trace_state().header() == "k=v");
    REQUIRE(context.get(kValue) != nullptr);
    CHECK(*context.get(kValue) == 7);
  }
  SECTION("only b3, with the debug flag") {
    const weft::Context context = built.propagator->extract(
        Map{{"b3", b3_trace + "-" + kSpanId + "-d"}}, base);
    CHECK(context.span_context().trace_id().to_hex() == b3_trace);
    CHECK(context.span_context().is_remote());
    CHECK(weft::B3Propagator::is_debug(context));
    CHECK(context.get(kValue) != nullptr);
  }
  SECTION("both: b3, listed later, wins") {
    const weft::Context context = built.propagator->extract(
        Map{{"traceparent", kTraceparent}, {"b3", b3_trace + "-" + kSpanId}},
        base);
    CHECK(context.span_context().trace_id().to_hex() == b3_trace);
    CHECK(context.get(kValue) != nullptr);
  }
  SECTION("re-injected, both formats carry the extracted parent") {
    const weft::Context context = built.propagator->extract(
        Map{{"b3", b3_trace + "-" + kSpanId + "-d"}}, base);
    Map carrier;
    built.propagator->inject(context, carrier);
    CHECK(carrier == Map{{"traceparent", "00-" + b3_trace + "-" +
                                             std::string(kSpanId) + "-01"},
                         {"b3", b3_trace + "-" + kSpanId + "-d"}});
  }
}

TEST_CASE("install_propagator_from_environment sets the global propagator",
          "[propagators]") {
  weft::testing::FakeEnvironment environment{{"OTEL_PROPAGATORS", "b3multi"}};
  weft::sdk::PropagatorOptions options;
  options.environment = &environment;
  weft::sdk::install_propagator_from_environment(options);
  Map carrier;
  weft::inject_context(carrier, sampled_context());
  weft::set_global_propagator(nullptr);
  CHECK(carrier == kB3Multiple);
}

#ifdef WEFT_TEST_HAVE_BAGGAGE
TEST_CASE("the baggage name propagates W3C Baggage", "[propagators]") {
  const Built built = build("tracecontext,baggage");
  const weft::Context context =
      weft::baggage::set(sampled_context(), "tenant", "acme");
  Map carrier;
  built.propagator->inject(context, carrier);
  CHECK(carrier ==
        Map{{"traceparent", kTraceparent}, {"baggage", "tenant=acme"}});
  const weft::Context extracted = built.propagator->extract(carrier);
  CHECK(extracted.span_context().trace_id().to_hex() == kTraceId);
  CHECK(weft::baggage::get(extracted, "tenant") == "acme");
  // The default is the same pair.
  Map by_default;
  build("").propagator->inject(context, by_default);
  CHECK(by_default == carrier);
}
#endif
