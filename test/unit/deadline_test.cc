// Tests of deadline_after (sdk/src/deadline.h) and of the timeouts that use
// it: a timeout of milliseconds::max() means "wait forever", so force_flush
// and shutdown with it deliver everything and return true instead of
// overflowing into a deadline in the past.
#include "deadline.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "fake_environment.h"
#include "fake_exporter.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;
using weft::sdk::deadline_after;
using weft::testing::FakeEnvironment;
using weft::testing::FakeExporter;
using weft::testing::FakeExporterState;

std::unique_ptr<weft::sdk::SpanData> make_span() {
  auto span = std::make_unique<weft::sdk::SpanData>();
  span->name = span->arena.copy("s");
  span->flags = weft::TraceFlags(weft::TraceFlags::kSampled);
  return span;
}

// A batch processor over a FakeExporter that exports only when asked.
std::unique_ptr<weft::sdk::SpanProcessor> quiet_batch(
    const std::shared_ptr<FakeExporterState>& state) {
  static const FakeEnvironment kEmpty;
  weft::sdk::BatchOptions options;
  options.environment = &kEmpty;
  options.schedule_delay = std::chrono::hours(1);
  auto made = weft::sdk::make_batch_processor(
      std::make_unique<FakeExporter>(state), options);
  REQUIRE(made.has_value());
  return std::move(made).value();
}

}  // namespace

TEST_CASE("deadline_after adds, and saturates at the clock's maximum",
          "[deadline]") {
  const steady_clock::time_point now = steady_clock::now();
  CHECK(deadline_after(milliseconds(5), now) == now + milliseconds(5));
  CHECK(deadline_after(milliseconds(0), now) == now);
  CHECK(deadline_after(milliseconds(-5), now) == now);
  CHECK(deadline_after(milliseconds::max(), now) ==
        steady_clock::time_point::max());
  CHECK(deadline_after(std::chrono::hours::max(), now) ==
        steady_clock::time_point::max());
  CHECK(deadline_after<system_clock>(milliseconds::max()) ==
        system_clock::time_point::max());
  // At the boundary: what fits is added exactly, one step more saturates.
  const steady_clock::time_point late =
      steady_clock::time_point::max() - nanoseconds(10);
  CHECK(deadline_after(nanoseconds(9), late) == late + nanoseconds(9));
  CHECK(deadline_after(nanoseconds(10), late) ==
        steady_clock::time_point::max());
  CHECK(deadline_after(nanoseconds(11), late) ==
        steady_clock::time_point::max());
  CHECK(deadline_after(milliseconds(1), late) ==
        steady_clock::time_point::max());
}

TEST_CASE("force_flush and shutdown with milliseconds::max wait and succeed",
          "[deadline][batch]") {
  auto state = std::make_shared<FakeExporterState>();
  auto processor = quiet_batch(state);
  processor->on_end(make_span());
  CHECK(processor->force_flush(milliseconds::max()));
  CHECK(state->spans() == 1);
  processor->on_end(make_span());
  CHECK(processor->shutdown(milliseconds::max()));
  CHECK(state->spans() == 2);
}

TEST_CASE("a schedule delay of milliseconds::max never exports by itself",
          "[deadline][batch]") {
  // wait_for(milliseconds::max()) overflows inside the standard library
  // (now + max in nanoseconds) and returns at once: the worker then exported
  // every span as soon as it was queued. Nothing happening can only be seen
  // by giving it the chance: the bounded wait below is that chance, not a
  // wait for something to happen.
  auto state = std::make_shared<FakeExporterState>();
  static const FakeEnvironment kEmpty;
  weft::sdk::BatchOptions options;
  options.environment = &kEmpty;
  options.schedule_delay = milliseconds::max();
  auto made = weft::sdk::make_batch_processor(
      std::make_unique<FakeExporter>(state), options);
  REQUIRE(made.has_value());
  auto processor = std::move(made).value();
  processor->on_end(make_span());
  CHECK_FALSE(state->wait_until(
      [](FakeExporterState& s) { return s.exports_started > 0; },
      milliseconds(200)));
  CHECK(processor->force_flush(milliseconds::max()));
  CHECK(state->spans() == 1);
}

TEST_CASE(
    "a provider's force_flush and shutdown with milliseconds::max give its "
    "processors all the time there is",
    "[deadline][provider]") {
  // Records the timeout each call receives.
  struct TimeoutProcessor final : weft::sdk::SpanProcessor {
    explicit TimeoutProcessor(std::shared_ptr<std::vector<milliseconds>> seen)
        : seen(std::move(seen)) {}
    void on_end(std::unique_ptr<weft::sdk::SpanData>) noexcept override {}
    bool force_flush(milliseconds timeout) noexcept override {
      seen->push_back(timeout);
      return true;
    }
    bool shutdown(milliseconds timeout) noexcept override {
      seen->push_back(timeout);
      return true;
    }
    weft::sdk::ProcessorStats stats() const noexcept override { return {}; }
    std::shared_ptr<std::vector<milliseconds>> seen;
  };
  auto seen = std::make_shared<std::vector<milliseconds>>();
  FakeEnvironment environment;
  weft::sdk::TracerProviderOptions options;
  options.environment = &environment;
  options.processors.push_back(std::make_unique<TimeoutProcessor>(seen));
  options.processors.push_back(std::make_unique<TimeoutProcessor>(seen));
  auto made = weft::sdk::make_tracer_provider(std::move(options));
  REQUIRE(made.has_value());
  auto provider = std::move(made).value();
  CHECK(provider->force_flush(milliseconds::max()));
  CHECK(provider->shutdown(milliseconds::max()));
  REQUIRE(seen->size() == 4);
  constexpr auto kCentury = std::chrono::hours(24 * 365 * 100);
  for (milliseconds timeout : *seen) CHECK(timeout > kCentury);
}
