// Tests of weft/propagation.h: carriers and their adapters, the W3C Trace
// Context propagator (with rows from the Recommendation and its test
// harness), the composite and the global propagator.
#include "weft/propagation.h"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weft/exporters/memory_exporter.h"
#include "weft/link.h"
#include "weft/provider.h"
#include "weft/sdk/sampler.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Map = std::map<std::string, std::string>;

constexpr const char* kTraceparent =
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
constexpr const char* kTraceId = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* kSpanId = "b7ad6b7169203331";

weft::SpanContext make_context(std::uint8_t flags,
                               std::string_view trace_state = {}) {
  return weft::SpanContext(
      *weft::TraceId::from_hex(kTraceId), *weft::SpanId::from_hex(kSpanId),
      weft::TraceFlags(flags), weft::TraceState::parse(trace_state));
}

weft::Context extract(const Headers& headers) {
  return weft::TraceContextPropagator().extract(headers);
}

// A second propagation format for the composite tests: one header holding the
// span id, extracted only when no parent was found before it.
class SpanIdHeaderPropagator final : public weft::TextMapPropagator {
 public:
  weft::ArrayView<std::string_view> fields() const noexcept override {
    static constexpr std::string_view kFields[] = {"x-span-id", "traceparent"};
    return kFields;
  }

 protected:
  void do_inject(const weft::Context& context,
                 weft::CarrierWriter& carrier) const noexcept override {
    carrier.set("x-span-id", context.span_context().span_id().to_hex());
  }
  weft::Context do_extract(const weft::CarrierReader& carrier,
                           const weft::Context& base) const noexcept override {
    if (base.span_context().is_valid()) return base;
    std::optional<weft::SpanId> span_id;
    auto on_value = [&](std::string_view v) {
      span_id = weft::SpanId::from_hex(v);
    };
    carrier.get_all("x-span-id", on_value);
    if (!span_id) return base;
    return weft::Context(weft::SpanContext(
        *weft::TraceId::from_hex("11111111111111111111111111111111"), *span_id,
        {}, {}, true));
  }
};

}  // namespace

TEST_CASE("extract returns a remote parent from a valid traceparent",
          "[propagation]") {
  const Map carrier = {{"traceparent", kTraceparent},
                       {"tracestate", "congo=t61rcWkgMzE"}};
  const weft::Context context = weft::TraceContextPropagator().extract(carrier);
  const weft::SpanContext& parent = context.span_context();

  REQUIRE(parent.is_valid());
  CHECK(parent.is_remote());
  CHECK(parent.trace_id().to_hex() == kTraceId);
  CHECK(parent.span_id().to_hex() == kSpanId);
  CHECK(parent.is_sampled());
  CHECK(parent.trace_state().header() == "congo=t61rcWkgMzE");

  const auto tracer = weft::NoopTracerProvider().get_tracer("test", {}, {});
  SECTION("it is the parent of a span started with with_parent(context)") {
    const weft::Span span = tracer->start_span(
        "child", weft::StartSpanOptions{}.with_parent(context));
    // The no-op tracer hands the parent's context on unchanged.
    CHECK(span.context() == parent);
    CHECK(weft::StartSpanOptions{}.with_parent(context).resolve_parent() ==
          parent);
  }
  SECTION("it is the parent of a span started inside a Scope") {
    weft::Scope scope(context);
    CHECK(weft::StartSpanOptions{}.resolve_parent() == parent);
    const weft::Span span = tracer->start_span("child");
    CHECK(span.context() == parent);
  }
}

TEST_CASE("traceparent and tracestate names match in any case",
          "[propagation]") {
  const std::string name =
      GENERATE("traceparent", "TraceParent", "TrAcEpArEnT", "TRACEPARENT");
  const std::string state_name =
      GENERATE("tracestate", "TraceState", "TRACESTATE");
  CAPTURE(name, state_name);

  const weft::Context context =
      extract({{name, kTraceparent}, {state_name, "foo=1"}});
  CHECK(context.span_context().span_id().to_hex() == kSpanId);
  CHECK(context.span_context().trace_state().header() == "foo=1");
}

TEST_CASE(
    "a missing, invalid or repeated traceparent gives no parent and no "
    "tracestate",
    "[propagation]") {
  struct Row {
    int line;
    Headers headers;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, {}},
      {__LINE__, {{"tracestate", "foo=1"}}},
      {__LINE__, {{"trace-parent", kTraceparent}, {"tracestate", "foo=1"}}},
      {__LINE__, {{"trace.parent", kTraceparent}}},
      {__LINE__,
       {{"traceparent",
         "00-00000000000000000000000000000000-b7ad6b7169203331-01"},
        {"tracestate", "foo=1"}}},
      {__LINE__,
       {{"traceparent",
         "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"}}},
      {__LINE__,
       {{"traceparent",
         "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}},
      {__LINE__,
       {{"traceparent",
         "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"}}},
      {__LINE__, {{"traceparent", ""}, {"tracestate", "foo=1"}}},
      // Two traceparent headers, equal or not, in any spelling.
      {__LINE__,
       {{"traceparent",
         "00-12345678901234567890123456789011-1234567890123456-01"},
        {"traceparent",
         "00-12345678901234567890123456789012-1234567890123456-01"}}},
      {__LINE__,
       {{"traceparent", kTraceparent},
        {"TraceParent", kTraceparent},
        {"tracestate", "foo=1"}}},
      // Two, of which only one is valid.
      {__LINE__, {{"traceparent", kTraceparent}, {"traceparent", "junk"}}},
  }));
  CAPTURE(row.line);

  const weft::Context context = extract(row.headers);
  CHECK_FALSE(context.span_context().is_valid());
  CHECK(context.span_context().trace_state().empty());
}

TEST_CASE("tracestate is not read when traceparent is invalid",
          "[propagation]") {
  std::vector<std::string> keys_read;
  const auto reader = weft::make_carrier_reader(
      [&](std::string_view key) -> std::optional<std::string> {
        keys_read.emplace_back(key);
        if (key == "traceparent") return std::string("garbage");
        return std::string("foo=1");
      });
  const weft::Context context = weft::TraceContextPropagator().extract(reader);
  CHECK_FALSE(context.span_context().is_valid());
  CHECK(keys_read == std::vector<std::string>{"traceparent"});
}

TEST_CASE("optional whitespace around traceparent is ignored",
          "[propagation]") {
  const std::string value = GENERATE(
      std::string(" ") + kTraceparent, std::string("\t") + kTraceparent,
      std::string(kTraceparent) + " ", std::string(kTraceparent) + "\t",
      std::string("\t ") + kTraceparent + " \t");
  CAPTURE(value);
  CHECK(extract({{"traceparent", value}}).span_context().span_id().to_hex() ==
        kSpanId);
}

TEST_CASE("several tracestate headers are combined in order", "[propagation]") {
  struct Row {
    int line;
    std::vector<std::string> values;
    std::string expected;  // empty: the tracestate is discarded
  };
  const std::string k256(256, 'z');
  const std::string k257(257, 'z');
  std::string m32 = "k1=1";  // 32 distinct members
  for (int i = 2; i <= 32; ++i) {
    m32 += ",k" + std::to_string(i) + "=" + std::to_string(i);
  }
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__,
       {"foo=1,bar=2", "rojo=1,congo=2", "baz=3"},
       "foo=1,bar=2,rojo=1,congo=2,baz=3"},
      // Empty headers are accepted and contribute nothing.
      {__LINE__, {""}, ""},
      {__LINE__, {"foo=1", ""}, "foo=1"},
      {__LINE__, {"", "foo=1"}, "foo=1"},
      {__LINE__, {" , ", "foo=1", "\t"}, "foo=1"},
      // A key repeated across headers keeps its first member, and the others
      // stay.
      {__LINE__, {"foo=1", "foo=1"}, "foo=1"},
      {__LINE__, {"foo=1", "foo=2"}, "foo=1"},
      {__LINE__, {"foo=1,bar=2", "baz=3,foo=4"}, "foo=1,bar=2,baz=3"},
      {__LINE__, {"foo=1,foo=2", "bar=3,foo=4"}, "foo=1,bar=3"},
      {__LINE__, {"", "foo=1", "foo=2"}, "foo=1"},
      // ... and does not count toward the 32; a 33rd distinct key does.
      {__LINE__, {m32, "k1=x"}, m32},
      {__LINE__, {m32, m32}, m32},
      {__LINE__, {m32 + ",k1=x", "k2=y"}, m32},
      {__LINE__, {m32, "k1=x,k33=33"}, ""},
      // A repeated key with an invalid value is still an invalid member.
      {__LINE__, {"foo=1", "foo=a\tb"}, ""},
      // An invalid header anywhere discards the whole list.
      {__LINE__, {"FOO=1", "bar=2"}, ""},
      {__LINE__, {"foo=1", "bar=2", "BAZ=3"}, ""},
      {__LINE__, {"foo=1", k257 + "=1"}, ""},
      {__LINE__, {"foo=1", k256 + "=1"}, "foo=1," + k256 + "=1"},
      // Level 2 keys: '@' anywhere after the first character.
      {__LINE__,
       {"foo=1", std::string(242, 't') + "@v=1"},
       "foo=1," + std::string(242, 't') + "@v=1"},
      {__LINE__, {"foo@=1", "a@b@c=2"}, "foo@=1,a@b@c=2"},
      {__LINE__, {"foo=1", "@foo=1"}, ""},
      // The harness's member count rows: 32 across four headers, then 33.
      {__LINE__,
       {"bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,"
        "bar08=08,bar09=09,bar10=10",
        "bar11=11,bar12=12,bar13=13,bar14=14,bar15=15,bar16=16,bar17=17,"
        "bar18=18,bar19=19,bar20=20",
        "bar21=21,bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,"
        "bar28=28,bar29=29,bar30=30",
        "bar31=31,bar32=32"},
       "bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,"
       "bar08=08,bar09=09,bar10=10,bar11=11,bar12=12,bar13=13,bar14=14,"
       "bar15=15,bar16=16,bar17=17,bar18=18,bar19=19,bar20=20,bar21=21,"
       "bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,bar28=28,"
       "bar29=29,bar30=30,bar31=31,bar32=32"},
      {__LINE__,
       {"bar01=01,bar02=02,bar03=03,bar04=04,bar05=05,bar06=06,bar07=07,"
        "bar08=08,bar09=09,bar10=10",
        "bar11=11,bar12=12,bar13=13,bar14=14,bar15=15,bar16=16,bar17=17,"
        "bar18=18,bar19=19,bar20=20",
        "bar21=21,bar22=22,bar23=23,bar24=24,bar25=25,bar26=26,bar27=27,"
        "bar28=28,bar29=29,bar30=30",
        "bar31=31,bar32=32,bar33=33"},
       ""},
  }));
  CAPTURE(row.line);

  Headers headers = {{"traceparent", kTraceparent}};
  for (const std::string& value : row.values) {
    headers.emplace_back("tracestate", value);
  }
  const weft::Context context = extract(headers);
  REQUIRE(context.span_context().is_valid());
  CHECK(context.span_context().trace_state().header() == row.expected);
}

TEST_CASE("an invalid tracestate does not affect the traceparent",
          "[propagation]") {
  const weft::Context context =
      extract({{"traceparent", kTraceparent}, {"tracestate", "foo=1,Bar=2"}});
  CHECK(context.span_context().span_id().to_hex() == kSpanId);
  CHECK(context.span_context().trace_state().empty());
}

TEST_CASE("attacker-sized headers are rejected and bounded", "[propagation]") {
  SECTION("a megabyte traceparent gives no parent") {
    const std::string huge =
        std::string(kTraceparent) + std::string(1 << 20, '-');
    CHECK_FALSE(extract({{"traceparent", huge}}).span_context().is_valid());
  }
  SECTION("tracestate values over the combined bound are discarded") {
    const std::string padding(weft::TraceContextPropagator::kMaxTraceStateInput,
                              ' ');
    Headers headers = {{"traceparent", kTraceparent},
                       {"tracestate", "foo=1"},
                       {"tracestate", padding + "bar=2"}};
    weft::Context context = extract(headers);
    CHECK(context.span_context().is_valid());
    CHECK(context.span_context().trace_state().empty());
    // Just under the bound the same members are kept.
    headers[2].second =
        std::string(weft::TraceContextPropagator::kMaxTraceStateInput - 16,
                    ' ') +
        "bar=2";
    context = extract(headers);
    CHECK(context.span_context().trace_state().header() == "foo=1,bar=2");
  }
  SECTION("a thousand tracestate headers are discarded") {
    Headers headers = {{"traceparent", kTraceparent}};
    for (int i = 0; i < 1000; ++i) {
      headers.emplace_back("tracestate", "k" + std::to_string(i) + "=1");
    }
    CHECK(extract(headers).span_context().trace_state().empty());
  }
}

TEST_CASE("inject writes a version 00 traceparent and a non-empty tracestate",
          "[propagation]") {
  const weft::TraceContextPropagator propagator;
  Map carrier;

  SECTION("with tracestate") {
    propagator.inject(weft::Context(make_context(0x01, "rojo=1, congo=2")),
                      carrier);
    CHECK(carrier ==
          Map{{"traceparent", kTraceparent}, {"tracestate", "rojo=1,congo=2"}});
  }
  SECTION("without tracestate, only traceparent") {
    propagator.inject(weft::Context(make_context(0x00)), carrier);
    CHECK(carrier ==
          Map{{"traceparent",
               "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}});
  }
  SECTION("only the sampled and random flags are written") {
    propagator.inject(weft::Context(make_context(0xfb)), carrier);
    CHECK(carrier.at("traceparent").substr(53) == "03");
  }
  SECTION("an invalid context writes nothing") {
    propagator.inject(weft::Context(), carrier);
    CHECK(carrier.empty());
  }
  SECTION("an existing value is replaced") {
    carrier["traceparent"] = "old";
    propagator.inject(weft::Context(make_context(0x01)), carrier);
    CHECK(carrier.at("traceparent") == kTraceparent);
  }
}

TEST_CASE("inject then extract gives the same span context", "[propagation]") {
  const std::uint8_t flags = GENERATE(0x00, 0x01, 0x02, 0x03);
  const std::string state =
      GENERATE(std::string(), std::string("congo=t61rcWkgMzE"),
               std::string("a@b=1,c=  d,e=~!;\"\\"));
  CAPTURE(flags, state);
  const weft::SpanContext original = make_context(flags, state);
  const weft::TraceContextPropagator propagator;

  SECTION("through a std::map") {
    Map carrier;
    propagator.inject(weft::Context(original), carrier);
    const weft::Context extracted = propagator.extract(carrier);
    CHECK(extracted.span_context() == original);
    CHECK(extracted.span_context().is_remote());
  }
  SECTION("through a std::unordered_map") {
    std::unordered_map<std::string, std::string> carrier;
    propagator.inject(weft::Context(original), carrier);
    CHECK(propagator.extract(carrier).span_context() == original);
  }
  SECTION("through a std::multimap") {
    std::multimap<std::string, std::string> carrier;
    propagator.inject(weft::Context(original), carrier);
    propagator.inject(weft::Context(original), carrier);  // replaces
    CHECK(carrier.count("traceparent") == 1);
    CHECK(propagator.extract(carrier).span_context() == original);
  }
  SECTION("through a vector of pairs") {
    Headers carrier;
    propagator.inject(weft::Context(original), carrier);
    propagator.inject(weft::Context(original), carrier);  // replaces
    CHECK(carrier.size() == (state.empty() ? 1u : 2u));
    CHECK(propagator.extract(carrier).span_context() == original);
  }
  SECTION("through user lambdas") {
    std::vector<std::pair<std::string, std::string>> written;
    propagator.inject(weft::Context(original),
                      weft::make_carrier_writer(
                          [&](std::string_view key, std::string_view value) {
                            written.emplace_back(key, value);
                          }));
    const auto reader = weft::make_carrier_reader(
        [&](std::string_view key, weft::ValueSink sink) {
          for (const auto& [k, v] : written) {
            if (k == key) sink(v);
          }
        });
    CHECK(propagator.extract(reader).span_context() == original);
  }
}

TEST_CASE("user lambdas may return one value in several forms",
          "[propagation]") {
  const weft::TraceContextPropagator propagator;
  const Map headers = {{"traceparent", kTraceparent}, {"tracestate", "k=v"}};
  auto find = [&](std::string_view key) -> const std::string* {
    const auto it = headers.find(std::string(key));
    return it == headers.end() ? nullptr : &it->second;
  };
  weft::Context context;

  SECTION("std::optional<std::string>") {
    context = propagator.extract(weft::make_carrier_reader(
        [&](std::string_view key) -> std::optional<std::string> {
          const std::string* v = find(key);
          return v ? std::optional<std::string>(*v) : std::nullopt;
        }));
  }
  SECTION("std::optional<std::string_view>") {
    context = propagator.extract(weft::make_carrier_reader(
        [&](std::string_view key) -> std::optional<std::string_view> {
          const std::string* v = find(key);
          return v ? std::optional<std::string_view>(*v) : std::nullopt;
        }));
  }
  SECTION("std::string, empty when absent (a temporary)") {
    context = propagator.extract(
        weft::make_carrier_reader([&](std::string_view key) -> std::string {
          const std::string* v = find(key);
          return v ? *v : std::string();
        }));
  }
  SECTION("const char*, null when absent") {
    context = propagator.extract(
        weft::make_carrier_reader([&](std::string_view key) -> const char* {
          const std::string* v = find(key);
          return v ? v->c_str() : nullptr;
        }));
  }
  CHECK(context.span_context().span_id().to_hex() == kSpanId);
  CHECK(context.span_context().trace_state().header() == "k=v");
}

TEST_CASE("several values from a temporary-producing lambda are combined",
          "[propagation]") {
  // Each value is a temporary that dies after its sink call: the propagator
  // must copy what it keeps.
  const auto reader =
      weft::make_carrier_reader([](std::string_view key, weft::ValueSink sink) {
        if (key == "traceparent") {
          sink(std::string(kTraceparent));
          return;
        }
        for (int i = 0; i < 3; ++i) {
          sink(std::string("k") + std::to_string(i) + "=" + std::to_string(i));
        }
      });
  CHECK(weft::TraceContextPropagator()
            .extract(reader)
            .span_context()
            .trace_state()
            .header() == "k0=0,k1=1,k2=2");
}

TEST_CASE("a throwing carrier never makes the propagator throw",
          "[propagation]") {
  const weft::TraceContextPropagator propagator;
  const weft::Context base(make_context(0x01));

  const auto reader = weft::make_carrier_reader(
      [](std::string_view) -> std::string { throw std::runtime_error("x"); });
  CHECK(propagator.extract(reader, base).span_context() == base.span_context());

  bool called = false;
  CHECK_NOTHROW(propagator.inject(
      base, weft::make_carrier_writer([&](std::string_view, std::string_view) {
        called = true;
        throw std::runtime_error("x");
      })));
  CHECK(called);
}

TEST_CASE("extract leaves the base context when the carrier holds none",
          "[propagation]") {
  const weft::Context base(make_context(0x01));
  const weft::Context context =
      weft::TraceContextPropagator().extract(Map{{"other", "x"}}, base);
  CHECK(context.span_context() == base.span_context());
}

TEST_CASE("a composite propagator runs each propagator in order",
          "[propagation]") {
  const weft::CompositePropagator composite(
      {std::make_shared<weft::TraceContextPropagator>(), nullptr,
       std::make_shared<SpanIdHeaderPropagator>()});

  SECTION("its fields are the union, without duplicates") {
    const auto fields = composite.fields();
    CHECK(std::vector<std::string_view>(fields.begin(), fields.end()) ==
          std::vector<std::string_view>{"traceparent", "tracestate",
                                        "x-span-id"});
  }
  SECTION("inject writes every format") {
    Map carrier;
    composite.inject(weft::Context(make_context(0x01, "k=v")), carrier);
    CHECK(carrier == Map{{"traceparent", kTraceparent},
                         {"tracestate", "k=v"},
                         {"x-span-id", kSpanId}});
  }
  SECTION("extract hands each result to the next propagator") {
    // traceparent wins; the second propagator keeps what it was given.
    weft::Context context = composite.extract(
        Map{{"traceparent", kTraceparent}, {"x-span-id", "1111111111111111"}});
    CHECK(context.span_context().span_id().to_hex() == kSpanId);
    // Without traceparent the second format supplies the parent.
    context = composite.extract(Map{{"x-span-id", "1111111111111111"}});
    CHECK(context.span_context().span_id().to_hex() == "1111111111111111");
  }
}

TEST_CASE("the global propagator is W3C Trace Context until replaced",
          "[propagation]") {
  REQUIRE(dynamic_cast<const weft::TraceContextPropagator*>(
              weft::global_propagator().get()) != nullptr);

  SECTION("inject_context writes the current context") {
    Map carrier;
    {
      weft::Scope scope(make_context(0x01));
      weft::inject_context(carrier);
    }
    CHECK(carrier == Map{{"traceparent", kTraceparent}});
    CHECK(weft::extract_context(carrier).span_context() == make_context(0x01));
  }
  SECTION("a replacement is used, and nullptr restores the default") {
    weft::set_global_propagator(std::make_shared<SpanIdHeaderPropagator>());
    Map carrier;
    weft::inject_context(carrier, weft::Context(make_context(0x01)));
    CHECK(carrier == Map{{"x-span-id", kSpanId}});
    weft::set_global_propagator(nullptr);
    CHECK(dynamic_cast<const weft::TraceContextPropagator*>(
              weft::global_propagator().get()) != nullptr);
  }
}

TEST_CASE("a context extracted in one thread is linked in another",
          "[propagation]") {
  const Map carrier = {{"traceparent", kTraceparent},
                       {"tracestate", "congo=t61rcWkgMzE"}};
  weft::Context extracted;
  std::thread consumer_thread(
      [&] { extracted = weft::extract_context(carrier); });
  consumer_thread.join();

  weft::Link link;
  weft::SpanContext parent_seen;
  std::thread worker([&, context = extracted] {
    link = weft::make_link(context.span_context(),
                           weft::relationship::kConsumedFrom);
    weft::Scope scope(context);
    parent_seen = weft::StartSpanOptions{}.resolve_parent();
  });
  worker.join();

  CHECK(link.context == make_context(0x01, "congo=t61rcWkgMzE"));
  CHECK(link.context.is_remote());
  CHECK(link.is_recordable());
  REQUIRE(link.attributes.size() == 1);
  CHECK(link.attributes[0].first == weft::kLinkRelationshipKey);
  CHECK(parent_seen == link.context);
  // The Scope was opened on the worker thread only.
  CHECK_FALSE(weft::Context::current().span_context().is_valid());
}

TEST_CASE(
    "with the SDK, a consumer thread's spans link to and continue the "
    "producer's span",
    "[propagation]") {
  auto store = std::make_shared<weft::exporters::InMemorySpanStore>();
  weft::sdk::TracerProviderOptions options;
  options.sampler = weft::sdk::make_always_on_sampler();
  options.processors.push_back(weft::sdk::make_simple_processor(
      std::make_unique<weft::exporters::InMemoryExporter>(store)));
  auto provider = weft::sdk::make_tracer_provider(std::move(options)).value();
  const auto tracer = provider->get_tracer("propagation-test");

  // Producer thread: a span whose context goes into message headers.
  Map headers;
  weft::SpanContext produced;
  std::thread producer([&] {
    weft::Span span = tracer->start_span("publish");
    produced = span.context().with_trace_state(
        weft::TraceState::parse("congo=t61rcWkgMzE"));
    weft::TraceContextPropagator().inject(weft::Context(produced), headers);
  });
  producer.join();

  // Consumer thread: extract, then a linked root span and a child span.
  std::thread consumer([&] {
    const weft::Context context = weft::extract_context(headers);
    tracer->start_span(
        "consume",
        weft::StartSpanOptions{}.as_root().with_links({weft::make_link(
            context.span_context(), weft::relationship::kConsumedFrom)}));
    weft::Scope scope(context);
    tracer->start_span("continue");
  });
  consumer.join();

  REQUIRE(store->wait_for(3, std::chrono::seconds(10)));
  const weft::sdk::SpanBatch spans = store->take_all();
  const auto find = [&](std::string_view name) -> const weft::sdk::SpanData* {
    for (const auto& span : spans) {
      if (span->name == name) return span.get();
    }
    return nullptr;
  };
  REQUIRE(find("consume") != nullptr);
  REQUIRE(find("continue") != nullptr);
  const weft::sdk::SpanData& consume = *find("consume");
  REQUIRE(consume.links.size() == 1);
  const weft::sdk::LinkData& link = consume.links[0];
  CHECK(link.trace_id == produced.trace_id());
  CHECK(link.span_id == produced.span_id());
  CHECK(link.is_remote);
  CHECK(link.trace_state == "congo=t61rcWkgMzE");
  CHECK(consume.trace_id != produced.trace_id());

  const weft::sdk::SpanData& continued = *find("continue");
  CHECK(continued.trace_id == produced.trace_id());
  CHECK(continued.parent_span_id == produced.span_id());
  CHECK(continued.parent_is_remote);
  CHECK(continued.trace_state.header() == "congo=t61rcWkgMzE");
  CHECK(provider->shutdown());
}
