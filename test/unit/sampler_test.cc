// Tests of the built-in samplers (always_on, always_off, trace_id_ratio,
// parent_based) and of how the tracer uses a sampler: what it is told at
// start (links included) and what its decision does to the span.
#include "weft/sdk/sampler.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "builtin_fast_paths.h"
#include "fake_sampler.h"
#include "test_provider.h"

namespace {

using weft::Link;
using weft::SpanContext;
using weft::SpanKind;
using weft::StartSpanOptions;
using weft::TraceFlags;
using weft::TraceId;
using weft::sdk::SamplingDecision;
using weft::sdk::SamplingParameters;
using weft::testing::FakeSampler;
using weft::testing::make_context;
using weft::testing::TestProvider;

// A trace id whose first byte is `high` and whose last eight bytes are
// `low` (big-endian): the ratio sampler reads the last eight.
TraceId trace_id_with(std::uint64_t low, std::uint8_t high = 0xaa) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[0] = high;
  for (int i = 15; i >= 8; --i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(low);
    low >>= 8;
  }
  return TraceId(bytes);
}

// A deterministic stream of well-spread trace ids (splitmix64).
struct TraceIdStream {
  std::uint64_t state = 0x5eed;
  TraceId next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return trace_id_with(z ^ (z >> 31), static_cast<std::uint8_t>(z));
  }
};

SamplingDecision decide(const weft::sdk::Sampler& sampler,
                        const TraceId& trace_id,
                        const SpanContext& parent = SpanContext()) {
  return sampler
      .should_sample({parent, trace_id, "op", SpanKind::kInternal, {}, {}})
      .decision;
}

}  // namespace

TEST_CASE("always_on samples and always_off drops every span", "[sampler]") {
  const auto on = weft::sdk::make_always_on_sampler();
  const auto off = weft::sdk::make_always_off_sampler();
  TraceIdStream ids;
  for (int i = 0; i < 100; ++i) {
    const TraceId id = ids.next();
    CHECK(decide(*on, id) == SamplingDecision::kRecordAndSample);
    CHECK(decide(*off, id) == SamplingDecision::kDrop);
    // Not even a sampled parent changes their minds.
    CHECK(decide(*off, id, make_context(1, 1, TraceFlags(1))) ==
          SamplingDecision::kDrop);
  }
  CHECK(on->description() == "AlwaysOnSampler");
  CHECK(off->description() == "AlwaysOffSampler");
}

TEST_CASE("trace_id_ratio decides on the last eight bytes of the trace id",
          "[sampler]") {
  struct Row {
    int line;
    double ratio;
    std::uint64_t low;
    bool sampled;
  };
  const Row row = GENERATE(values<Row>({
      // 0.5: sampled when the top bit of the last eight bytes is clear.
      {__LINE__, 0.5, 0x0000000000000000ull, true},
      {__LINE__, 0.5, 0x7fffffffffffffffull, true},
      {__LINE__, 0.5, 0x8000000000000000ull, false},
      {__LINE__, 0.5, 0xffffffffffffffffull, false},
      // 0.25: below 2^62 after the shift.
      {__LINE__, 0.25, 0x3fffffffffffffffull, true},
      {__LINE__, 0.25, 0x4000000000000000ull, false},
      {__LINE__, 0.0, 0x0000000000000000ull, false},
      {__LINE__, 0.0, 0x0000000000000001ull, false},
      {__LINE__, 1.0, 0xffffffffffffffffull, true},
      // Out-of-range ratios are clamped.
      {__LINE__, 7.0, 0xffffffffffffffffull, true},
      {__LINE__, -1.0, 0x0000000000000000ull, false},
      {__LINE__, std::nan(""), 0x0000000000000000ull, false},
  }));
  CAPTURE(row.line, row.ratio, row.low);
  const auto sampler = weft::sdk::make_trace_id_ratio_sampler(row.ratio);
  // The first eight bytes do not matter.
  for (std::uint8_t high : {0x00, 0x01, 0x80, 0xff}) {
    CAPTURE(int(high));
    CHECK((decide(*sampler, trace_id_with(row.low, high)) ==
           SamplingDecision::kRecordAndSample) == row.sampled);
  }
}

TEST_CASE(
    "trace_id_ratio makes the same decision for the same trace id every time "
    "and in every sampler",
    "[sampler]") {
  const auto first = weft::sdk::make_trace_id_ratio_sampler(0.3);
  const auto second = weft::sdk::make_trace_id_ratio_sampler(0.3);
  TraceIdStream ids;
  for (int i = 0; i < 1000; ++i) {
    const TraceId id = ids.next();
    const SamplingDecision decision = decide(*first, id);
    CHECK(decide(*first, id) == decision);
    CHECK(decide(*second, id) == decision);
    // Parents do not matter to the plain ratio sampler.
    CHECK(decide(*first, id, make_context(1, 1, TraceFlags(0))) == decision);
  }
}

TEST_CASE("trace_id_ratio samples about its ratio of many trace ids",
          "[sampler]") {
  const double ratio = GENERATE(0.01, 0.1, 0.25, 0.5, 0.9);
  CAPTURE(ratio);
  const auto sampler = weft::sdk::make_trace_id_ratio_sampler(ratio);
  TraceIdStream ids;
  constexpr int kIds = 40000;
  int sampled = 0;
  for (int i = 0; i < kIds; ++i) {
    if (decide(*sampler, ids.next()) == SamplingDecision::kRecordAndSample) {
      ++sampled;
    }
  }
  // Six standard deviations of a binomial share, so a correct sampler does
  // not fail by chance (the ids are deterministic anyway).
  const double share = double(sampled) / kIds;
  const double tolerance = 6 * std::sqrt(ratio * (1 - ratio) / kIds);
  CAPTURE(share, tolerance);
  CHECK(std::abs(share - ratio) <= tolerance);
}

TEST_CASE("a trace sampled at one ratio is sampled at every higher ratio",
          "[sampler]") {
  const auto low = weft::sdk::make_trace_id_ratio_sampler(0.2);
  const auto high = weft::sdk::make_trace_id_ratio_sampler(0.6);
  TraceIdStream ids;
  for (int i = 0; i < 2000; ++i) {
    const TraceId id = ids.next();
    if (decide(*low, id) == SamplingDecision::kRecordAndSample) {
      CHECK(decide(*high, id) == SamplingDecision::kRecordAndSample);
    }
  }
}

TEST_CASE(
    "parent_based follows the parent's sampled flag and asks root for roots",
    "[sampler]") {
  struct Row {
    int line;
    const char* parent;
    bool root_samples;
    SamplingDecision expected;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "none", true, SamplingDecision::kRecordAndSample},
      {__LINE__, "none", false, SamplingDecision::kDrop},
      {__LINE__, "remote sampled", false, SamplingDecision::kRecordAndSample},
      {__LINE__, "remote unsampled", true, SamplingDecision::kDrop},
      {__LINE__, "local sampled", false, SamplingDecision::kRecordAndSample},
      {__LINE__, "local unsampled", true, SamplingDecision::kDrop},
  }));
  CAPTURE(row.line, row.parent, row.root_samples);
  const std::string parent_name = row.parent;
  SpanContext parent;
  if (parent_name != "none") {
    const bool sampled = parent_name.find("unsampled") == std::string::npos;
    const bool remote = parent_name.rfind("remote", 0) == 0;
    parent = make_context(1, 1, TraceFlags(sampled ? 1 : 0), remote);
  }
  const auto sampler = weft::sdk::make_parent_based_sampler(
      row.root_samples ? weft::sdk::make_always_on_sampler()
                       : weft::sdk::make_always_off_sampler());
  CHECK(decide(*sampler, trace_id_with(1), parent) == row.expected);
}

TEST_CASE("parent_based asks the delegate that matches the parent",
          "[sampler]") {
  struct Row {
    int line;
    bool has_parent;
    bool remote;
    bool sampled;
    int delegate;  // index into the delegates below
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, false, false, false, 0},
      {__LINE__, true, true, true, 1},
      {__LINE__, true, true, false, 2},
      {__LINE__, true, false, true, 3},
      {__LINE__, true, false, false, 4},
  }));
  CAPTURE(row.line, row.has_parent, row.remote, row.sampled);
  std::vector<std::shared_ptr<FakeSampler>> delegates;
  for (int i = 0; i < 5; ++i) {
    delegates.push_back(std::make_shared<FakeSampler>(
        i == row.delegate ? SamplingDecision::kRecordOnly
                          : SamplingDecision::kDrop));
  }
  weft::sdk::ParentBasedSamplers samplers;
  samplers.root = delegates[0];
  samplers.remote_parent_sampled = delegates[1];
  samplers.remote_parent_not_sampled = delegates[2];
  samplers.local_parent_sampled = delegates[3];
  samplers.local_parent_not_sampled = delegates[4];
  const auto sampler = weft::sdk::make_parent_based_sampler(samplers);
  const SpanContext parent =
      row.has_parent
          ? make_context(1, 1, TraceFlags(row.sampled ? 1 : 0), row.remote)
          : SpanContext();

  CHECK(decide(*sampler, trace_id_with(1), parent) ==
        SamplingDecision::kRecordOnly);
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(delegates[static_cast<std::size_t>(i)]->recorded().size() ==
          (i == row.delegate ? 1u : 0u));
  }
  CHECK(sampler->description() ==
        "ParentBased{root=FakeSampler,remoteParentSampled=FakeSampler,"
        "remoteParentNotSampled=FakeSampler,localParentSampled=FakeSampler,"
        "localParentNotSampled=FakeSampler}");
}

TEST_CASE("parent_based without a root sampler samples root spans",
          "[sampler]") {
  const auto sampler = weft::sdk::make_parent_based_sampler(nullptr);
  CHECK(decide(*sampler, trace_id_with(1)) ==
        SamplingDecision::kRecordAndSample);
  CHECK(decide(*sampler, trace_id_with(1), make_context(1, 1, TraceFlags(0))) ==
        SamplingDecision::kDrop);
}

TEST_CASE(
    "the sampler receives the links offered at start with the name, kind, "
    "attributes, parent and trace id",
    "[sampler]") {
  auto sampler = std::make_shared<FakeSampler>();
  weft::sdk::TracerProviderOptions options;
  options.sampler = sampler;
  TestProvider test(std::move(options));
  const std::vector<Link> links = {
      weft::make_link(make_context(5, 1), weft::relationship::kTriggeredBy),
      weft::make_link(make_context(5, 2), weft::relationship::kBatchMember,
                      {{"queue", std::string("orders")}}),
      {make_context(5, 3), {}},
  };
  const SpanContext parent = make_context(9, 77, TraceFlags(1), true);
  auto span =
      test.tracer->start_span("consume",
                              StartSpanOptions()
                                  .with_parent(parent)
                                  .with_kind(SpanKind::kConsumer)
                                  .with_links(links),
                              {{"messaging.system", "kafka"}, {"n", 3}});
  span.end();

  const auto calls = sampler->recorded();
  REQUIRE(calls.size() == 1);
  const FakeSampler::Call& call = calls[0];
  CHECK(call.name == "consume");
  CHECK(call.kind == SpanKind::kConsumer);
  CHECK(call.parent == parent);
  CHECK(call.parent.is_remote());
  CHECK(call.trace_id == parent.trace_id());
  CHECK(call.attribute_keys ==
        std::vector<std::string>{"messaging.system", "n"});
  REQUIRE(call.links.size() == 3);
  for (std::size_t i = 0; i < links.size(); ++i) {
    CAPTURE(i);
    CHECK(call.links[i].context == links[i].context);
    CHECK(call.links[i].attributes == links[i].attributes);
  }
}

TEST_CASE("a root span's sampler sees the trace id the span gets",
          "[sampler]") {
  auto sampler = std::make_shared<FakeSampler>();
  weft::sdk::TracerProviderOptions options;
  options.sampler = sampler;
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span("root");
  const auto calls = sampler->recorded();
  REQUIRE(calls.size() == 1);
  CHECK_FALSE(calls[0].parent.is_valid());
  CHECK(calls[0].trace_id == span.context().trace_id());
}

TEST_CASE("the sampling decision sets recording, the sampled flag and export",
          "[sampler]") {
  struct Row {
    int line;
    SamplingDecision decision;
    bool recording;
    bool sampled;
    std::size_t exported;
    std::uint64_t not_sampled;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, SamplingDecision::kDrop, false, false, 0, 1},
      {__LINE__, SamplingDecision::kRecordOnly, true, false, 0, 0},
      {__LINE__, SamplingDecision::kRecordAndSample, true, true, 1, 0},
  }));
  CAPTURE(row.line);
  weft::sdk::TracerProviderOptions options;
  options.sampler = std::make_shared<FakeSampler>(row.decision);
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span("s");
  CHECK(span.is_recording() == row.recording);
  CHECK(span.context().is_valid());
  CHECK(span.context().is_sampled() == row.sampled);
  span.set_attribute("a", 1);
  span.end();
  CHECK(test.take_all().size() == row.exported);
  CHECK(test.provider->stats().spans_not_sampled == row.not_sampled);
  CHECK(test.provider->stats().spans_started == (row.recording ? 1u : 0u));
  CHECK(test.provider->stats().spans_ended == (row.recording ? 1u : 0u));
}

TEST_CASE("a sampler's tracestate replaces the parent's in the new span",
          "[sampler]") {
  auto sampler = std::make_shared<FakeSampler>();
  sampler->trace_state = weft::TraceState::parse("sampler=chose");
  weft::sdk::TracerProviderOptions options;
  options.sampler = sampler;
  TestProvider test(std::move(options));
  const SpanContext parent = make_context(3, 4, TraceFlags(1), false,
                                          weft::TraceState::parse("parent=1"));
  auto span =
      test.tracer->start_span("s", StartSpanOptions().with_parent(parent));
  CHECK(span.context().trace_state().header() == "sampler=chose");
  span.end();
  CHECK(test.take_one()->trace_state.header() == "sampler=chose");
}

TEST_CASE("an unsampled parent makes the default sampler drop its children",
          "[sampler]") {
  TestProvider test;
  const SpanContext parent = make_context(3, 4, TraceFlags(0), true);
  auto span =
      test.tracer->start_span("s", StartSpanOptions().with_parent(parent));
  CHECK_FALSE(span.is_recording());
  CHECK(span.context().trace_id() == parent.trace_id());
  CHECK(span.context().span_id() != parent.span_id());
  CHECK(span.context().is_valid());
}

// The provider recognizes always_on and the default parent_based(always_on)
// and decides for them without calling them (builtin_fast_paths.h); every
// other sampler is asked. Either way, a span must get the decision the
// sampler's should_sample gives.
TEST_CASE("spans get the decision their sampler gives, built-in or not",
          "[sampler]") {
  using weft::sdk::BuiltinSampler;
  struct Row {
    int line;
    std::shared_ptr<weft::sdk::Sampler> sampler;
    BuiltinSampler shortcut;
  };
  weft::sdk::ParentBasedSamplers custom_delegate;
  custom_delegate.root = weft::sdk::make_always_on_sampler();
  custom_delegate.local_parent_not_sampled =
      weft::sdk::make_always_on_sampler();
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, weft::sdk::make_always_on_sampler(),
       BuiltinSampler::kAlwaysOn},
      {__LINE__,
       weft::sdk::make_parent_based_sampler(
           weft::sdk::make_always_on_sampler()),
       BuiltinSampler::kParentBasedAlwaysOn},
      {__LINE__, weft::sdk::make_parent_based_sampler(nullptr),
       BuiltinSampler::kParentBasedAlwaysOn},
      {__LINE__, weft::sdk::make_always_off_sampler(), BuiltinSampler::kOther},
      {__LINE__,
       weft::sdk::make_parent_based_sampler(
           weft::sdk::make_always_off_sampler()),
       BuiltinSampler::kOther},
      {__LINE__,
       weft::sdk::make_parent_based_sampler(
           weft::sdk::make_trace_id_ratio_sampler(0.5)),
       BuiltinSampler::kOther},
      {__LINE__, weft::sdk::make_parent_based_sampler(custom_delegate),
       BuiltinSampler::kOther},
  }));
  CAPTURE(row.line);
  CHECK(weft::sdk::classify_sampler(*row.sampler) == row.shortcut);

  weft::sdk::TracerProviderOptions options;
  options.sampler = row.sampler;
  TestProvider test(std::move(options));
  const std::vector<SpanContext> parents = {
      SpanContext(),
      make_context(3, 4, TraceFlags(TraceFlags::kSampled), false),
      make_context(3, 4, TraceFlags(0), false),
      make_context(3, 4, TraceFlags(TraceFlags::kSampled), true),
      make_context(3, 4, TraceFlags(0), true),
  };
  for (const SpanContext& parent : parents) {
    CAPTURE(parent.is_valid(), parent.is_sampled(), parent.is_remote());
    auto span = test.tracer->start_span(
        "s", parent.is_valid() ? StartSpanOptions().with_parent(parent)
                               : StartSpanOptions().as_root());
    const SamplingDecision expected =
        decide(*row.sampler, span.context().trace_id(), parent);
    CHECK(span.is_recording() == (expected != SamplingDecision::kDrop));
    CHECK(span.context().is_sampled() ==
          (expected == SamplingDecision::kRecordAndSample));
  }
}
