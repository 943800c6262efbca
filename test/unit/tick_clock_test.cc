// Tests of the SDK's default clock: its readings agree with the system
// clock, a span's later timestamps are its start plus the time elapsed, and
// spans of a provider with the default clock get durations that match the
// time that passed. (Where the kernel does not keep time with the CPU's
// counter, the same checks cover the clock_gettime fallback.)
#include "tick_clock.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "weft/exporters/memory_exporter.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
namespace tick_clock = weft::sdk::tick_clock;

// Reads the clock for `duration` (long enough to calibrate it).
void warm_up(std::chrono::steady_clock::duration duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) tick_clock::now();
}

}  // namespace

TEST_CASE("the default clock reads the system clock's time", "[clock]") {
  warm_up(milliseconds(5));
  INFO("uses the CPU's counter: " << tick_clock::uses_ticks());
  for (int i = 0; i < 50; ++i) {
    const auto before = weft::Clock::now();
    const tick_clock::Reading reading = tick_clock::now();
    const auto after = weft::Clock::now();
    // Calibration error is well under a microsecond; allow for 50.
    CHECK(reading.time >= before - microseconds(50));
    CHECK(reading.time <= after + microseconds(50));
    std::this_thread::sleep_for(microseconds(200));
  }
}

TEST_CASE("a later timestamp is the start plus the time elapsed", "[clock]") {
  warm_up(milliseconds(5));
  const tick_clock::Reading start = tick_clock::now();
  const auto steady_start = std::chrono::steady_clock::now();
  CHECK(tick_clock::since(start) >= start.time);
  std::this_thread::sleep_for(milliseconds(20));
  const auto steady_elapsed = std::chrono::steady_clock::now() - steady_start;
  const auto elapsed = tick_clock::since(start) - start.time;
  // Measured against the monotonic clock: equal within its reading times.
  CHECK(elapsed >= steady_elapsed - microseconds(50));
  CHECK(elapsed <= steady_elapsed + milliseconds(5));
}

TEST_CASE("a reading without ticks falls back to the current time", "[clock]") {
  const tick_clock::Reading old{weft::Timestamp(std::chrono::seconds(1)), 0};
  const auto before = weft::Clock::now();
  CHECK(tick_clock::since(old) >= before - microseconds(50));
}

TEST_CASE("spans of the default clock last as long as the work they time",
          "[clock]") {
  auto exporter = std::make_unique<weft::exporters::InMemoryExporter>();
  const auto spans = exporter->store();
  weft::sdk::TracerProviderOptions options;
  options.processors.push_back(
      weft::sdk::make_simple_processor(std::move(exporter)));
  auto provider = weft::sdk::make_tracer_provider(std::move(options)).value();
  REQUIRE(provider->config().default_clock());
  auto tracer = provider->get_tracer("clock-test");

  const auto system_before = weft::Clock::now();
  const auto steady_before = std::chrono::steady_clock::now();
  weft::Span span = tracer->start_span("timed");
  std::this_thread::sleep_for(milliseconds(10));
  span.add_event("halfway");
  std::this_thread::sleep_for(milliseconds(10));
  span.end();
  const auto steady_elapsed = std::chrono::steady_clock::now() - steady_before;
  const auto system_after = weft::Clock::now();

  const auto finished = spans->take_all();
  REQUIRE(finished.size() == 1);
  const weft::sdk::SpanData& data = *finished[0];
  CHECK(data.start_time >= system_before - microseconds(50));
  CHECK(data.end_time <= system_after + microseconds(50));
  CHECK(data.end_time - data.start_time >= milliseconds(20));
  CHECK(data.end_time - data.start_time <= steady_elapsed);
  REQUIRE(data.events.size() == 1);
  const weft::sdk::EventData& halfway = *data.events.begin();
  CHECK(halfway.time - data.start_time >= milliseconds(10));
  CHECK(halfway.time <= data.end_time);
}
