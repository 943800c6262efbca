// Tests of the SDK's TracerProvider: the resource (service.name,
// OTEL_RESOURCE_ATTRIBUTES, telemetry.sdk.*), tracers per scope, several
// processors, force_flush and shutdown, stats, OTEL_SDK_DISABLED and the W3C
// random flag of generated trace ids.
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_exporter.h"
#include "fake_id_generator.h"
#include "fake_sampler.h"
#include "test_provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/version.h"

namespace {

using std::chrono::milliseconds;
using weft::SpanContext;
using weft::StartSpanOptions;
using weft::TraceFlags;
using weft::sdk::Resource;
using weft::sdk::TracerProviderOptions;
using weft::testing::FakeEnvironment;
using weft::testing::FakeExporter;
using weft::testing::FakeExporterState;
using weft::testing::make_context;
using weft::testing::TestProvider;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// The string attributes of `resource`, in order.
Pairs string_attributes(const Resource& resource) {
  Pairs pairs;
  for (const auto& [key, value] : resource.attributes) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      pairs.emplace_back(key, *text);
    }
  }
  return pairs;
}

std::string resource_value(const Resource& resource, const std::string& key) {
  for (const auto& [name, value] : resource.attributes) {
    if (name == key) {
      const auto* text = std::get_if<std::string>(&value);
      return text ? *text : "<not a string>";
    }
  }
  return "<absent>";
}

constexpr milliseconds kDeadline(10000);

// A provider whose only processor (a batch processor with a schedule delay
// of an hour, or a simple one) feeds a FakeExporter, and one tracer.
struct ExporterProvider {
  enum class Processor { kBatch, kSimple };

  explicit ExporterProvider(Processor kind = Processor::kBatch) {
    auto exporting = std::make_unique<FakeExporter>(exporter);
    std::unique_ptr<weft::sdk::SpanProcessor> processor;
    if (kind == Processor::kBatch) {
      weft::sdk::BatchOptions batch;
      batch.environment = &environment;
      batch.schedule_delay = std::chrono::hours(1);
      auto made = weft::sdk::make_batch_processor(std::move(exporting), batch);
      REQUIRE(made.has_value());
      processor = std::move(made).value();
    } else {
      processor = weft::sdk::make_simple_processor(std::move(exporting));
    }
    TracerProviderOptions options;
    options.environment = &environment;
    options.processors.push_back(std::move(processor));
    auto made = weft::sdk::make_tracer_provider(std::move(options));
    REQUIRE(made.has_value());
    provider = std::move(made).value();
    tracer = provider->get_tracer("exporting");
  }

  // Whether the provider's state was destroyed: its processor and exporter
  // go with it, and the exporter's state is then held here alone.
  bool destroyed() const { return exporter.use_count() == 1; }

  FakeEnvironment environment;
  std::shared_ptr<FakeExporterState> exporter =
      std::make_shared<FakeExporterState>();
  std::shared_ptr<weft::sdk::TracerProvider> provider;
  std::shared_ptr<weft::Tracer> tracer;
};

}  // namespace

TEST_CASE("the resource carries service.name and the telemetry.sdk attributes",
          "[provider]") {
  TestProvider test;
  const Resource& resource = *test.provider->config().resource();
  CHECK(resource_value(resource, "service.name") == "unknown_service");
  CHECK(resource_value(resource, "telemetry.sdk.name") == "weft");
  CHECK(resource_value(resource, "telemetry.sdk.language") == "cpp");
  CHECK(resource_value(resource, "telemetry.sdk.version") ==
        std::string(weft::kVersion));

  test.tracer->start_span("s").end();
  const auto span = test.take_one();
  REQUIRE(span->tracer);
  CHECK(span->tracer->resource.get() == &resource);
}

TEST_CASE(
    "service.name: OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES over code",
    "[provider]") {
  struct Row {
    int line;
    const char* code_name;
    const char* code_attribute;
    const char* resource_attributes;
    const char* service_name;
    const char* expected;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "", "", "", "", "unknown_service"},
      {__LINE__, "", "from-code-attribute", "", "", "from-code-attribute"},
      {__LINE__, "from-code", "from-code-attribute", "", "", "from-code"},
      {__LINE__, "from-code", "", "service.name=from-attributes", "",
       "from-attributes"},
      {__LINE__, "from-code", "", "service.name=from-attributes", "from-env",
       "from-env"},
      {__LINE__, "", "", "", "from-env", "from-env"},
  }));
  CAPTURE(row.line);
  TracerProviderOptions options;
  options.service_name = row.code_name;
  if (*row.code_attribute != '\0') {
    options.resource_attributes.emplace_back("service.name",
                                             std::string(row.code_attribute));
  }
  TestProvider test(
      std::move(options),
      FakeEnvironment{{"OTEL_RESOURCE_ATTRIBUTES", row.resource_attributes},
                      {"OTEL_SERVICE_NAME", row.service_name}});
  CHECK(resource_value(*test.provider->config().resource(), "service.name") ==
        row.expected);
  CHECK(test.logger->size() == 0);
}

TEST_CASE("OTEL_RESOURCE_ATTRIBUTES is parsed and percent-decoded",
          "[provider]") {
  struct Row {
    int line;
    std::string text;
    Pairs added;  // after service.name and telemetry.sdk.*
    bool reported;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "a=b", {{"a", "b"}}, false},
      {__LINE__, "a=b,c=d", {{"a", "b"}, {"c", "d"}}, false},
      {__LINE__, " a = b , c=d ", {{"a", "b"}, {"c", "d"}}, false},
      {__LINE__, "a=b,,c=d,", {{"a", "b"}, {"c", "d"}}, false},
      {__LINE__, "k=hello%20world%2C%3D%25", {{"k", "hello world,=%"}}, false},
      {__LINE__, "k=%C3%A9t%c3%a9", {{"k", "\xc3\xa9t\xc3\xa9"}}, false},
      {__LINE__, "k=a=b", {{"k", "a=b"}}, false},
      {__LINE__, "k=", {{"k", ""}}, false},
      {__LINE__, "a=1,a=2", {{"a", "2"}}, false},
      {__LINE__,
       "deployment.environment=prod,host.name=web-1",
       {{"deployment.environment", "prod"}, {"host.name", "web-1"}},
       false},
      // Malformed: the whole variable is ignored and reported once.
      {__LINE__, "a=b,novalue", {}, true},
      {__LINE__, "=b", {}, true},
      {__LINE__, " =b", {}, true},
      {__LINE__, "a=b,k=%zz", {}, true},
      {__LINE__, "k=%4", {}, true},
      {__LINE__, "k=%", {}, true},
  }));
  CAPTURE(row.line, row.text);
  TestProvider test({},
                    FakeEnvironment{{"OTEL_RESOURCE_ATTRIBUTES", row.text}});
  Pairs expected = {{"service.name", "unknown_service"},
                    {"telemetry.sdk.name", "weft"},
                    {"telemetry.sdk.language", "cpp"},
                    {"telemetry.sdk.version", std::string(weft::kVersion)}};
  expected.insert(expected.end(), row.added.begin(), row.added.end());
  CHECK(string_attributes(*test.provider->config().resource()) == expected);
  CHECK(test.logger->count_containing({"OTEL_RESOURCE_ATTRIBUTES"}) ==
        (row.reported ? 1u : 0u));
  CHECK(test.logger->size() == (row.reported ? 1u : 0u));
}

TEST_CASE("OTEL_RESOURCE_ATTRIBUTES overrides code resource attributes",
          "[provider]") {
  TracerProviderOptions options;
  options.resource_attributes = {{"team", std::string("code")},
                                 {"replicas", std::int64_t(3)}};
  TestProvider test(std::move(options),
                    FakeEnvironment{{"OTEL_RESOURCE_ATTRIBUTES", "team=env"}});
  const Resource& resource = *test.provider->config().resource();
  CHECK(resource_value(resource, "team") == "env");
  CHECK(resource_value(resource, "replicas") == "<not a string>");
}

TEST_CASE("get_tracer returns one tracer per instrumentation scope",
          "[provider]") {
  TestProvider test;
  auto& provider = *test.provider;
  const auto a = provider.get_tracer("lib", "1.0");
  CHECK(provider.get_tracer("lib", "1.0") == a);
  CHECK(provider.get_tracer("lib", "2.0") != a);
  CHECK(provider.get_tracer("other", "1.0") != a);
  CHECK(provider.get_tracer("lib", "1.0", "https://schema") != a);

  provider.get_tracer("lib", "2.0", "https://schema")->start_span("s").end();
  const auto span = test.take_one();
  CHECK(span->tracer->scope.name == "lib");
  CHECK(span->tracer->scope.version == "2.0");
  CHECK(span->tracer->scope.schema_url == "https://schema");
}

TEST_CASE("every processor receives every span with the same content",
          "[provider]") {
  auto second_store = std::make_shared<weft::exporters::InMemorySpanStore>();
  TracerProviderOptions options;
  options.limits.link_count = 1;
  options.limits.attributes_per_event = 1;
  options.processors.push_back(weft::sdk::make_simple_processor(
      std::make_unique<weft::exporters::InMemoryExporter>(second_store)));
  TestProvider test(std::move(options));
  {
    auto span = test.tracer->start_span(
        "shared", StartSpanOptions().with_kind(weft::SpanKind::kServer),
        {{"s", "text"}, {"list", std::vector<std::string>{"x", "y"}}});
    span.add_event("e", {{"a", 1}, {"b", 2}});
    span.add_link(
        make_context(1, 1, TraceFlags(1), true, weft::TraceState::parse("k=v")),
        {{"link.relationship", "retry_of"}});
    span.add_link(make_context(1, 2));
    span.set_status(weft::StatusCode::kError, "why");
  }
  auto first = test.take_one();
  auto copies = second_store->take_all();
  REQUIRE(copies.size() == 1);
  auto second = std::move(copies.front());
  // Each processor owns its span: free the original before reading the copy.
  const std::string formatted_first = [&] {
    std::string text;
    text += std::string(first->name) + "|" + first->span_id.to_hex() + "|" +
            std::string(first->status_description);
    return text;
  }();
  const auto first_trace_id = first->trace_id;
  const auto first_start = first->start_time;
  const auto first_end = first->end_time;
  first.reset();

  CHECK(std::string(second->name) + "|" + second->span_id.to_hex() + "|" +
            std::string(second->status_description) ==
        formatted_first);
  CHECK(second->trace_id == first_trace_id);
  CHECK(second->start_time == first_start);
  CHECK(second->end_time == first_end);
  CHECK(second->kind == weft::SpanKind::kServer);
  CHECK(second->status_code == weft::StatusCode::kError);
  CHECK(weft::testing::text_attribute(second->attributes, "s") == "text");
  const auto list =
      weft::testing::attribute_as<weft::ArrayView<std::string_view>>(
          second->attributes, "list");
  REQUIRE(list);
  CHECK(std::vector<std::string>(list->begin(), list->end()) ==
        std::vector<std::string>{"x", "y"});
  REQUIRE(second->events.size() == 1);
  CHECK(second->events[0].name == "e");
  CHECK(second->events[0].dropped_attributes_count == 1);
  REQUIRE(second->links.size() == 1);
  CHECK(second->dropped_links_count == 1);
  CHECK(second->links[0].trace_state == "k=v");
  CHECK(second->links[0].is_remote);
  CHECK(weft::testing::text_attribute(second->links[0].attributes,
                                      "link.relationship") == "retry_of");
  CHECK(second->tracer->scope.name == "weft.test");
}

TEST_CASE("make_tracer_provider rejects a null processor", "[provider]") {
  FakeEnvironment environment;
  TracerProviderOptions options;
  options.environment = &environment;
  options.processors.push_back(nullptr);
  auto made = weft::sdk::make_tracer_provider(std::move(options));
  REQUIRE_FALSE(made.has_value());
  CHECK(made.error().code == weft::sdk::Error::kMissingComponent);
}

TEST_CASE("force_flush and shutdown report whether they finished in time",
          "[provider]") {
  ExporterProvider test;
  test.exporter->close_gate();
  test.tracer->start_span("s").end();
  CHECK_FALSE(test.provider->force_flush(milliseconds(20)));
  test.exporter->open_gate();
  CHECK(test.provider->force_flush(kDeadline));
  CHECK(test.exporter->spans() == 1);

  test.tracer->start_span("t").end();
  CHECK(test.provider->shutdown(kDeadline));
  CHECK(test.exporter->names() == std::vector<std::string>{"s", "t"});
  CHECK(test.provider->shutdown(kDeadline));
  CHECK(test.provider->force_flush(kDeadline));
  test.provider.reset();
  CHECK(test.exporter->shutdown_calls == 1);
}

TEST_CASE("after shutdown new spans are non-recording and still propagate",
          "[provider]") {
  TestProvider test;
  auto before = test.tracer->start_span("before");
  REQUIRE(test.provider->shutdown());
  const SpanContext parent = make_context(8, 8);
  auto after =
      test.tracer->start_span("after", StartSpanOptions().with_parent(parent));
  CHECK_FALSE(after.is_recording());
  CHECK(after.context() == parent);
  CHECK_FALSE(test.provider->get_tracer("new")->start_span("x").is_recording());
  // A span started before shutdown and ended after it is dropped and counted.
  before.end();
  CHECK(test.store->size() == 0);
  const auto stats = test.provider->stats();
  CHECK(stats.spans_started == 1);
  CHECK(stats.spans_ended == 1);
  CHECK(stats.spans_dropped == 1);
}

TEST_CASE("the destructor shuts the processors down", "[provider]") {
  ExporterProvider test;
  test.tracer->start_span("queued").end();
  test.provider.reset();
  CHECK(test.exporter->names() == std::vector<std::string>{"queued"});
  CHECK(test.exporter->shutdown_calls == 1);
  // Tracers outlive the provider safely.
  CHECK_FALSE(test.tracer->start_span("late").is_recording());
}

TEST_CASE("the provider's stats count what happened to spans", "[provider]") {
  TracerProviderOptions options;
  options.limits.link_count = 1;
  options.limits.attribute_count = 1;
  options.limits.event_count = 1;
  options.limits.attributes_per_link = 1;
  options.sampler =
      weft::sdk::make_parent_based_sampler(weft::sdk::make_always_on_sampler());
  TestProvider test(std::move(options));
  {
    auto span = test.tracer->start_span("full", {}, {{"a", 1}, {"b", 2}});
    span.add_link(make_context(1, 1), {{"x", 1}, {"y", 2}});
    span.add_link(make_context(1, 2));
    span.add_link(make_context(1, 3));
    span.add_event("e1");
    span.add_event("e2");
  }
  test.tracer->start_span("plain").end();
  test.tracer
      ->start_span("unsampled", StartSpanOptions().with_parent(
                                    make_context(2, 2, TraceFlags(0))))
      .end();
  auto open = test.tracer->start_span("still open");

  const auto stats = test.provider->stats();
  CHECK(stats.spans_started == 3);
  CHECK(stats.spans_ended == 2);
  CHECK(stats.spans_not_sampled == 1);
  CHECK(stats.spans_exported == 2);
  CHECK(stats.spans_dropped == 0);
  CHECK(stats.spans_export_failed == 0);
  CHECK(stats.links_dropped == 2);
  CHECK(stats.attributes_dropped == 2);  // "b" on the span, "y" on the link
  CHECK(stats.events_dropped == 1);
}

TEST_CASE("OTEL_SDK_DISABLED makes every span non-recording", "[provider]") {
  TestProvider test({}, FakeEnvironment{{"OTEL_SDK_DISABLED", "true"}});
  CHECK(test.provider->config().disabled());
  const SpanContext parent = make_context(6, 6);
  auto root = test.tracer->start_span("root");
  auto child =
      test.tracer->start_span("child", StartSpanOptions().with_parent(parent));
  CHECK_FALSE(root.is_recording());
  CHECK_FALSE(root.context().is_valid());
  CHECK_FALSE(child.is_recording());
  CHECK(child.context() == parent);
  root.end();
  child.end();
  CHECK(test.store->size() == 0);
  CHECK(test.provider->stats().spans_started == 0);
}

TEST_CASE("root spans carry the W3C random flag and children inherit it",
          "[provider]") {
  TestProvider test;
  auto root = test.tracer->start_span("root");
  CHECK(root.context().flags().bits() ==
        (TraceFlags::kSampled | TraceFlags::kRandom));
  {
    weft::Scope scope(root.context());
    auto child = test.tracer->start_span("child");
    CHECK(child.context().flags().bits() ==
          (TraceFlags::kSampled | TraceFlags::kRandom));
    child.end();
  }
  root.end();
  for (const auto& span : test.take_all()) {
    CAPTURE(span->name);
    CHECK(span->flags.random());
  }

  SECTION("a remote parent without the flag passes on its absence") {
    const SpanContext parent = make_context(3, 3, TraceFlags(0x01), true);
    auto child = test.tracer->start_span(
        "child", StartSpanOptions().with_parent(parent));
    CHECK(child.context().flags().bits() == TraceFlags::kSampled);
  }
  SECTION("a remote parent with the flag passes it on") {
    const SpanContext parent = make_context(3, 3, TraceFlags(0x03), true);
    auto child = test.tracer->start_span(
        "child", StartSpanOptions().with_parent(parent));
    CHECK(child.context().flags().random());
  }
}

TEST_CASE("an id generator that is not random leaves the random flag clear",
          "[provider]") {
  auto ids = std::make_shared<weft::testing::FakeIdGenerator>();
  TracerProviderOptions options;
  options.id_generator = ids;
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span("root");
  CHECK_FALSE(span.context().flags().random());
  CHECK(span.context().trace_id() == ids->trace_id);
  CHECK(span.context().span_id() == weft::testing::FakeIdGenerator::span_id(1));
  ids->random = true;
  CHECK(test.tracer->start_span("random").context().flags().random());
}

TEST_CASE("generated ids are valid and unique across threads", "[provider]") {
  TestProvider test;
  constexpr int kThreads = 4;
  constexpr int kSpans = 2000;
  std::vector<std::vector<SpanContext>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSpans; ++i) {
        auto span = test.tracer->start_span("s", StartSpanOptions().as_root());
        seen[static_cast<std::size_t>(t)].push_back(span.context());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> trace_ids;
  std::set<std::string> span_ids;
  for (const auto& contexts : seen) {
    for (const SpanContext& context : contexts) {
      CHECK(context.is_valid());
      trace_ids.insert(context.trace_id().to_hex());
      span_ids.insert(context.span_id().to_hex());
    }
  }
  CHECK(trace_ids.size() == kThreads * kSpans);
  CHECK(span_ids.size() == kThreads * kSpans);
  CHECK(test.take_all().size() == kThreads * kSpans);
}

TEST_CASE("children get their parent's trace id and span ids of their own",
          "[provider]") {
  TestProvider test;
  const SpanContext parent = make_context(7, 9, TraceFlags(0x01), true);
  std::set<std::string> span_ids;
  for (int i = 0; i < 1000; ++i) {
    auto child =
        test.tracer->start_span("c", StartSpanOptions().with_parent(parent));
    CHECK(child.context().trace_id() == parent.trace_id());
    CHECK(child.context().span_id().is_valid());
    CHECK(child.context().span_id() != parent.span_id());
    span_ids.insert(child.context().span_id().to_hex());
  }
  CHECK(span_ids.size() == 1000);
}

TEST_CASE(
    "spans ended on several threads all reach a batch processor by force_flush",
    "[provider]") {
  ExporterProvider test;
  constexpr int kThreads = 4;
  constexpr int kSpans = 300;  // within the default queue of 2048
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kSpans; ++i) {
        auto span = test.tracer->start_span("s");
        span.set_attribute("i", i);
        span.add_link(make_context(1, static_cast<std::uint64_t>(i + 1)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(test.provider->force_flush(kDeadline));
  CHECK(test.exporter->spans() == kThreads * kSpans);
  CHECK(test.provider->stats().spans_exported == kThreads * kSpans);
}

TEST_CASE("record-only spans reach the processors' on_end unsampled",
          "[provider]") {
  struct RecordingProcessor final : weft::sdk::SpanProcessor {
    explicit RecordingProcessor(std::vector<bool>* sampled) : seen(sampled) {}
    void on_end(std::unique_ptr<weft::sdk::SpanData> span) noexcept override {
      seen->push_back(span->flags.sampled());
    }
    bool force_flush(std::chrono::milliseconds) noexcept override {
      return true;
    }
    bool shutdown(std::chrono::milliseconds) noexcept override { return true; }
    weft::sdk::ProcessorStats stats() const noexcept override { return {}; }
    std::vector<bool>* seen;
  };
  std::vector<bool> seen;
  weft::sdk::TracerProviderOptions options;
  options.sampler = std::make_shared<weft::testing::FakeSampler>(
      weft::sdk::SamplingDecision::kRecordOnly);
  options.processors.push_back(std::make_unique<RecordingProcessor>(&seen));
  TestProvider test(std::move(options));
  test.tracer->start_span("record-only").end();
  // The custom processor saw the span; the exporting simple processor of the
  // fixture did not export it.
  CHECK(seen == std::vector<bool>{false});
  CHECK(test.take_all().empty());
}

TEST_CASE("spans outlive their provider, and the last one to end frees it",
          "[provider]") {
  ExporterProvider test(ExporterProvider::Processor::kSimple);
  weft::Span first = test.tracer->start_span("first");
  weft::Span second = test.tracer->start_span("second");
  test.tracer.reset();
  test.provider.reset();  // shuts the processors down
  CHECK_FALSE(test.destroyed());
  // Ending after shutdown: no export, nothing touched that is gone (ASan).
  first.end();
  CHECK_FALSE(test.destroyed());
  second.set_attribute("late", true);
  second.end();
  CHECK(test.destroyed());
  CHECK(test.exporter->spans() == 0);
  CHECK(test.exporter->shutdown_calls == 1);
}

TEST_CASE("a provider without recording spans is freed when its owners go",
          "[provider]") {
  ExporterProvider test(ExporterProvider::Processor::kSimple);
  test.tracer->start_span("done").end();
  test.tracer.reset();
  test.provider.reset();
  CHECK(test.destroyed());
  CHECK(test.exporter->names() == std::vector<std::string>{"done"});
}

TEST_CASE("spans ending on other threads while their provider goes away",
          "[provider]") {
  // Each round, four threads end a span each while the main thread lets
  // go of the provider: whichever comes last frees it (TSan checks that
  // nothing touches it after). A provider whose last span ended while it
  // was being let go is freed by the next provider made: by then every
  // earlier one is.
  std::shared_ptr<FakeExporterState> previous;
  for (int round = 0; round < 100; ++round) {
    ExporterProvider test(ExporterProvider::Processor::kSimple);
    if (previous) CHECK(previous.use_count() == 1);
    std::vector<weft::Span> spans;
    for (int i = 0; i < 4; ++i) spans.push_back(test.tracer->start_span("s"));
    std::vector<std::thread> threads;
    for (weft::Span& span : spans) {
      threads.emplace_back([&span] { span.end(); });
    }
    test.tracer.reset();
    test.provider.reset();
    for (std::thread& thread : threads) thread.join();
    previous = test.exporter;
  }
  ExporterProvider last(ExporterProvider::Processor::kSimple);
  CHECK(previous.use_count() == 1);
}
