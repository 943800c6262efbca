// Tests of the built-in samplers (always_on, always_off, trace_id_ratio,
// parent_based, links_based) and of how the tracer uses a sampler: what it is
// told at start (links included) and what its decision does to the span.
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
#include "seeded_id_generator.h"
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
                        const SpanContext& parent = SpanContext(),
                        const std::vector<Link>& links = {}) {
  return sampler
      .should_sample({parent, trace_id, "op", SpanKind::kInternal, {}, links})
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

namespace {

// Links for the links_based tests, by name.
std::vector<Link> links_named(const std::string& name) {
  const Link sampled{make_context(7, 1, TraceFlags(TraceFlags::kSampled)), {}};
  const Link unsampled{make_context(7, 2, TraceFlags(0)), {}};
  // An invalid context whose flags say sampled: it must not count.
  const Link invalid_sampled{
      SpanContext(TraceId(), weft::SpanId(), TraceFlags(TraceFlags::kSampled),
                  {}, false),
      {{"k", std::int64_t(1)}}};
  if (name == "none") return {};
  if (name == "unsampled") return {unsampled};
  if (name == "sampled") return {sampled};
  if (name == "invalid") return {invalid_sampled};
  if (name == "unsampled, sampled") return {unsampled, unsampled, sampled};
  if (name == "invalid, unsampled") return {invalid_sampled, unsampled};
  FAIL("unknown links " << name);
  return {};
}

SpanContext parent_named(const std::string& name) {
  if (name == "none") return SpanContext();
  const bool sampled = name.find("unsampled") == std::string::npos;
  const bool remote = name.rfind("remote", 0) == 0;
  return make_context(1, 1, TraceFlags(sampled ? 1 : 0), remote);
}

}  // namespace

TEST_CASE(
    "links_based samples a span with a sampled link and otherwise asks its "
    "delegate",
    "[sampler][links_based]") {
  struct Row {
    int line;
    const char* links;
    bool delegate_asked;
    SamplingDecision expected;  // the delegate answers kRecordOnly
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "none", true, SamplingDecision::kRecordOnly},
      {__LINE__, "unsampled", true, SamplingDecision::kRecordOnly},
      {__LINE__, "invalid", true, SamplingDecision::kRecordOnly},
      {__LINE__, "invalid, unsampled", true, SamplingDecision::kRecordOnly},
      {__LINE__, "sampled", false, SamplingDecision::kRecordAndSample},
      {__LINE__, "unsampled, sampled", false,
       SamplingDecision::kRecordAndSample},
  }));
  CAPTURE(row.line, row.links);
  auto delegate = std::make_shared<FakeSampler>(SamplingDecision::kRecordOnly);
  delegate->trace_state = weft::TraceState::parse("delegate=1");
  const auto sampler = weft::sdk::make_links_based_sampler(delegate);
  const std::vector<Link> links = links_named(row.links);
  const SpanContext parent;
  const auto result = sampler->should_sample(
      {parent, trace_id_with(1), "op", SpanKind::kConsumer, {}, links});

  CHECK(result.decision == row.expected);
  const auto calls = delegate->recorded();
  REQUIRE(calls.size() == (row.delegate_asked ? 1u : 0u));
  if (row.delegate_asked) {
    // The delegate sees the same parameters, links included, and its
    // tracestate is passed on.
    CHECK(calls[0].links.size() == links.size());
    CHECK(calls[0].kind == SpanKind::kConsumer);
    REQUIRE(result.trace_state.has_value());
    CHECK(result.trace_state->header() == "delegate=1");
  } else {
    CHECK_FALSE(result.trace_state.has_value());
  }
}

TEST_CASE("links_based with a null delegate drops spans without sampled links",
          "[sampler][links_based]") {
  const auto sampler = weft::sdk::make_links_based_sampler(nullptr);
  CHECK(sampler->description() == "LinksBased{AlwaysOffSampler}");
  CHECK(decide(*sampler, trace_id_with(1), SpanContext(),
               links_named("none")) == SamplingDecision::kDrop);
  CHECK(decide(*sampler, trace_id_with(1), SpanContext(),
               links_named("unsampled")) == SamplingDecision::kDrop);
  CHECK(decide(*sampler, trace_id_with(1), SpanContext(),
               links_named("sampled")) == SamplingDecision::kRecordAndSample);
}

TEST_CASE("links_based describes itself with its delegate",
          "[sampler][links_based]") {
  using weft::sdk::make_links_based_sampler;
  using weft::sdk::make_parent_based_sampler;
  using weft::sdk::make_trace_id_ratio_sampler;
  CHECK(make_links_based_sampler(make_trace_id_ratio_sampler(0.1))
            ->description() == "LinksBased{TraceIdRatioBased{0.100000}}");
  CHECK(make_parent_based_sampler(
            make_links_based_sampler(make_trace_id_ratio_sampler(0.1)))
            ->description() ==
        "ParentBased{root=LinksBased{TraceIdRatioBased{0.100000}},"
        "remoteParentSampled=AlwaysOnSampler,"
        "remoteParentNotSampled=AlwaysOffSampler,"
        "localParentSampled=AlwaysOnSampler,"
        "localParentNotSampled=AlwaysOffSampler}");
  CHECK(make_links_based_sampler(
            make_parent_based_sampler(weft::sdk::make_always_on_sampler()))
            ->description()
            .rfind("LinksBased{ParentBased{root=AlwaysOnSampler,", 0) == 0);
}

// parent_based(links_based(delegate)): the parent decides for children, the
// links for roots, the delegate for roots without sampled links. The other
// way round (Java contrib's links_based(parent_based(always_on))), a sampled
// link wins even over an unsampled parent.
TEST_CASE(
    "parent_based over links_based follows the parent for children and the "
    "links for roots",
    "[sampler][links_based]") {
  struct Row {
    int line;
    const char* parent;
    const char* links;
    SamplingDecision parent_first;  // parent_based(links_based(always_off))
    SamplingDecision links_first;   // links_based(parent_based(always_off))
  };
  constexpr auto kSample = SamplingDecision::kRecordAndSample;
  constexpr auto kDrop = SamplingDecision::kDrop;
  const Row row = GENERATE(values<Row>({
      {__LINE__, "none", "none", kDrop, kDrop},
      {__LINE__, "none", "unsampled", kDrop, kDrop},
      {__LINE__, "none", "invalid", kDrop, kDrop},
      {__LINE__, "none", "sampled", kSample, kSample},
      {__LINE__, "none", "unsampled, sampled", kSample, kSample},
      {__LINE__, "remote sampled", "none", kSample, kSample},
      {__LINE__, "remote sampled", "unsampled", kSample, kSample},
      {__LINE__, "local sampled", "sampled", kSample, kSample},
      {__LINE__, "remote unsampled", "sampled", kDrop, kSample},
      {__LINE__, "local unsampled", "sampled", kDrop, kSample},
      {__LINE__, "local unsampled", "unsampled", kDrop, kDrop},
      {__LINE__, "remote unsampled", "none", kDrop, kDrop},
  }));
  CAPTURE(row.line, row.parent, row.links);
  using weft::sdk::make_always_off_sampler;
  using weft::sdk::make_links_based_sampler;
  using weft::sdk::make_parent_based_sampler;
  const auto parent_first = make_parent_based_sampler(
      make_links_based_sampler(make_always_off_sampler()));
  const auto links_first = make_links_based_sampler(
      make_parent_based_sampler(make_always_off_sampler()));
  const SpanContext parent = parent_named(row.parent);
  const std::vector<Link> links = links_named(row.links);
  CHECK(decide(*parent_first, trace_id_with(1), parent, links) ==
        row.parent_first);
  CHECK(decide(*links_first, trace_id_with(1), parent, links) ==
        row.links_first);
}

TEST_CASE(
    "a links_based tracer samples a span started with a link to a sampled "
    "span and ignores links added after start",
    "[sampler][links_based]") {
  weft::sdk::TracerProviderOptions options;
  options.sampler = weft::sdk::make_links_based_sampler(nullptr);
  TestProvider test(std::move(options));
  const SpanContext sampled = make_context(7, 1, TraceFlags(1), true);

  auto linked = test.tracer->start_span(
      "consume", StartSpanOptions().as_root().with_links(
                     {weft::make_link(sampled, "consumed_from")}));
  CHECK(linked.context().is_sampled());
  auto late = test.tracer->start_span("late", StartSpanOptions().as_root());
  late.add_link(weft::make_link(sampled, "consumed_from"));
  CHECK_FALSE(late.is_recording());
  CHECK_FALSE(late.context().is_sampled());
  linked.end();
  late.end();
  CHECK(test.take_all().size() == 1);
}

TEST_CASE(
    "a links_based tracer counts a sampled link offered beyond the link limit",
    "[sampler][links_based]") {
  weft::sdk::TracerProviderOptions options;
  options.sampler = weft::sdk::make_links_based_sampler(nullptr);
  options.limits.link_count = 1;
  TestProvider test(std::move(options));
  auto span = test.tracer->start_span(
      "consume",
      StartSpanOptions().as_root().with_links(
          {weft::make_link(make_context(7, 1, TraceFlags(0)), "consumed_from"),
           weft::make_link(make_context(7, 2, TraceFlags(1)),
                           "consumed_from")}));
  CHECK(span.context().is_sampled());
  span.end();
  const auto finished = test.take_one();
  CHECK(finished->links.size() == 1);
  CHECK(finished->dropped_links_count == 1);
}

namespace {

struct QueueOutcome {
  int producers_sampled = 0;
  int consumers_of_sampled_producers_sampled = 0;
  int producers_not_sampled = 0;
  int consumers_of_unsampled_producers_sampled = 0;
  int children_disagreeing_with_their_consumer = 0;
};

// `count` message-queue stories under the sampler OTEL_TRACES_SAMPLER=`name`
// at ratio 0.1 chooses: a producer root span per message, and a consumer root
// span linked to it (as the message_queue sample does after extracting the
// headers) with one child span.
QueueOutcome run_queue(const std::string& name, int count) {
  weft::sdk::TracerProviderOptions options;
  options.id_generator = std::make_shared<weft::testing::SeededIdGenerator>();
  TestProvider test(std::move(options), {{"OTEL_TRACES_SAMPLER", name},
                                         {"OTEL_TRACES_SAMPLER_ARG", "0.1"}});
  REQUIRE(test.logger->size() == 0);
  QueueOutcome outcome;
  for (int i = 0; i < count; ++i) {
    auto produce = test.tracer->start_span(
        "produce", StartSpanOptions().as_root().with_kind(SpanKind::kProducer));
    // What crosses the queue: the producer's context, sampled or not.
    const SpanContext message = produce.context();
    produce.end();
    auto consume = test.tracer->start_span(
        "consume", StartSpanOptions()
                       .as_root()
                       .with_kind(SpanKind::kConsumer)
                       .with_links({weft::make_link(
                           message, weft::relationship::kConsumedFrom)}));
    auto handle = test.tracer->start_span(
        "handle", StartSpanOptions().with_parent(consume.context()));
    if (handle.context().is_sampled() != consume.context().is_sampled()) {
      ++outcome.children_disagreeing_with_their_consumer;
    }
    if (message.is_sampled()) {
      ++outcome.producers_sampled;
      if (consume.context().is_sampled()) {
        ++outcome.consumers_of_sampled_producers_sampled;
      }
    } else {
      ++outcome.producers_not_sampled;
      if (consume.context().is_sampled()) {
        ++outcome.consumers_of_unsampled_producers_sampled;
      }
    }
  }
  test.take_all();
  return outcome;
}

}  // namespace

// The demonstration: at a 10% ratio every consumer trace whose
// producer trace was sampled is sampled too, the others at about 10%. The
// ids come from a seeded generator, so the counts are the same every run.
TEST_CASE(
    "parentbased_linksbased_traceidratio keeps every consumer trace whose "
    "producer trace was kept and about 10 percent of the others",
    "[sampler][links_based]") {
  constexpr int kMessages = 5000;
  const QueueOutcome outcome =
      run_queue("parentbased_linksbased_traceidratio", kMessages);
  CAPTURE(outcome.producers_sampled,
          outcome.consumers_of_sampled_producers_sampled,
          outcome.producers_not_sampled,
          outcome.consumers_of_unsampled_producers_sampled);
  // The producers themselves are roots without links: about 10%.
  CHECK(outcome.producers_sampled > kMessages * 8 / 100);
  CHECK(outcome.producers_sampled < kMessages * 12 / 100);
  // Every consumer of a kept producer is kept: exactly.
  CHECK(outcome.consumers_of_sampled_producers_sampled ==
        outcome.producers_sampled);
  // The others are sampled at the ratio.
  const double share =
      double(outcome.consumers_of_unsampled_producers_sampled) /
      outcome.producers_not_sampled;
  CAPTURE(share);
  CHECK(share > 0.08);
  CHECK(share < 0.12);
  // Children follow their consumer span.
  CHECK(outcome.children_disagreeing_with_their_consumer == 0);
}

// The problem the links-based sampler solves, shown with the same ids.
TEST_CASE(
    "parentbased_traceidratio keeps a consumer trace whose producer trace was "
    "kept only at the ratio",
    "[sampler][links_based]") {
  const QueueOutcome outcome = run_queue("parentbased_traceidratio", 5000);
  CAPTURE(outcome.producers_sampled,
          outcome.consumers_of_sampled_producers_sampled);
  REQUIRE(outcome.producers_sampled > 0);
  CHECK(outcome.consumers_of_sampled_producers_sampled <
        outcome.producers_sampled * 20 / 100);
}
