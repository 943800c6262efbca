// TestProvider: an SDK TracerProvider wired for unit tests: a FakeEnvironment
// (never the process environment), a FakeLogger, the FakeClock, and a simple
// processor feeding an in-memory store from which the test takes the
// finished spans. Plus small readers of SpanData for assertions.
//
// One test at a time; the provider itself is thread-safe as usual.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fake_clock.h"
#include "fake_environment.h"
#include "fake_logger.h"
#include "weft/exporters/memory_exporter.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace weft::testing {

struct TestProvider {
  explicit TestProvider(sdk::TracerProviderOptions options = {},
                        FakeEnvironment env = {})
      : environment(std::move(env)) {
    if (!options.logger) options.logger = logger;
    if (!options.clock) options.clock = &FakeClock::now;
    options.environment = &environment;
    options.processors.push_back(sdk::make_simple_processor(
        std::make_unique<exporters::InMemoryExporter>(store)));
    auto made = sdk::make_tracer_provider(std::move(options));
    REQUIRE(made.has_value());
    provider = std::move(made).value();
    tracer = provider->get_tracer("weft.test", "1.2.3");
  }

  // Every finished span so far, in the order they ended.
  sdk::SpanBatch take_all() { return store->take_all(); }

  // The one finished span; fails the test when there is not exactly one.
  std::unique_ptr<sdk::SpanData> take_one() {
    sdk::SpanBatch spans = store->take_all();
    REQUIRE(spans.size() == 1);
    return std::move(spans.front());
  }

  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::shared_ptr<exporters::InMemorySpanStore> store =
      std::make_shared<exporters::InMemorySpanStore>();
  std::shared_ptr<sdk::TracerProvider> provider;
  std::shared_ptr<Tracer> tracer;
};

// The value of attribute `key` if it is present and holds a T.
template <class T>
std::optional<T> attribute_as(const sdk::AttributeList& attributes,
                              std::string_view key) {
  const sdk::Attribute* found = sdk::find_attribute(attributes, key);
  if (found == nullptr) return std::nullopt;
  const T* value = std::get_if<T>(&found->value);
  if (value == nullptr) return std::nullopt;
  return *value;
}

// The string attribute `key` as a std::string ("<absent>" when missing).
inline std::string text_attribute(const sdk::AttributeList& attributes,
                                  std::string_view key) {
  const auto value = attribute_as<std::string_view>(attributes, key);
  return value ? std::string(*value) : std::string("<absent>");
}

// The keys of `attributes`, in order.
inline std::vector<std::string> keys_of(const sdk::AttributeList& attributes) {
  std::vector<std::string> keys;
  for (const sdk::Attribute& attribute : attributes) {
    keys.emplace_back(attribute.key);
  }
  return keys;
}

// A context with trace id ...00<trace> and span id <span> (both valid when
// non-zero).
inline SpanContext make_context(std::uint8_t trace, std::uint64_t span,
                                TraceFlags flags = TraceFlags(0x01),
                                bool is_remote = false,
                                TraceState trace_state = {}) {
  std::array<std::uint8_t, 16> trace_bytes{};
  trace_bytes[15] = trace;
  std::array<std::uint8_t, 8> span_bytes{};
  for (int i = 7; i >= 0; --i) {
    span_bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(span);
    span >>= 8;
  }
  return SpanContext(TraceId(trace_bytes), SpanId(span_bytes), flags,
                     std::move(trace_state), is_remote);
}

}  // namespace weft::testing
