#include "tick_clock.h"

#include <time.h>

#include <fstream>
#include <string>

#include "fork_handlers.h"

namespace weft::sdk::tick_clock {
namespace detail {

Calibration g_calibration;

}  // namespace detail

namespace {

using detail::g_calibration;

constexpr std::int64_t kNanosPerSecond = 1000000000;
// How often the wall-time anchor is re-read from CLOCK_REALTIME.
constexpr std::int64_t kRecalibrateEvery = kNanosPerSecond / 10;
// The shortest baseline the tick rate is measured over.
constexpr std::int64_t kShortestBaseline = kNanosPerSecond / 1000;
// How often the kernel's clocksource is looked at again.
constexpr std::int64_t kCheckSourceEvery = 10 * kNanosPerSecond;

std::int64_t read_clock(clockid_t clock) noexcept {
  timespec time{};
  clock_gettime(clock, &time);
  return std::int64_t{time.tv_sec} * kNanosPerSecond + time.tv_nsec;
}

// A kernel clock and the tick count at the same moment (the middle of the
// tightest of three tries); ticks 0 when no try read the counter forwards.
struct Sample {
  std::uint64_t ticks = 0;
  std::int64_t nanos = 0;
};

Sample sample(clockid_t clock) noexcept {
  Sample best;
  std::uint64_t tightest = ~std::uint64_t{0};
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::uint64_t before = detail::read_ticks();
    const std::int64_t nanos = read_clock(clock);
    const std::uint64_t after = detail::read_ticks();
    if (after >= before && after - before < tightest) {
      tightest = after - before;
      best = {before + (after - before) / 2, nanos};
    }
  }
  return best;
}

// True when the kernel keeps time with the time stamp counter: it has then
// found the counter invariant and synchronized across CPUs.
bool kernel_uses_tsc() noexcept {
  try {
    std::ifstream source(
        "/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string name;
    return static_cast<bool>(source >> name) && name == "tsc";
  } catch (...) {
    return false;
  }
}

// The calibrating thread's state (one at a time: `busy`).
struct Calibrator {
  std::atomic<bool> busy{false};
  std::atomic<bool> disabled{false};   // no counter: clock_gettime only
  Sample origin;                       // the first sample (CLOCK_MONOTONIC)
  std::int64_t source_checked_at = 0;  // CLOCK_MONOTONIC nanoseconds
};

Calibrator g_calibrator;

void publish(std::uint64_t base_ticks, std::int64_t base_nanos,
             std::uint64_t rate, std::uint64_t refresh) noexcept {
  const std::uint32_t sequence =
      g_calibration.sequence.load(std::memory_order_relaxed);
  g_calibration.sequence.store(sequence + 1, std::memory_order_relaxed);
  // Release stores: a reader that sees any new field sees the odd sequence.
  g_calibration.base_ticks.store(base_ticks, std::memory_order_release);
  g_calibration.base_nanos.store(base_nanos, std::memory_order_release);
  g_calibration.nanos_per_tick.store(rate, std::memory_order_release);
  g_calibration.refresh_ticks.store(refresh, std::memory_order_release);
  g_calibration.sequence.store(sequence + 2, std::memory_order_release);
}

void recalibrate() noexcept {
  register_fork_handlers();  // a child must not inherit `busy` set for good
  Calibrator& calibrator = g_calibrator;
  const Sample monotonic = sample(CLOCK_MONOTONIC);
  if (calibrator.source_checked_at == 0 ||
      monotonic.nanos - calibrator.source_checked_at >= kCheckSourceEvery) {
    calibrator.source_checked_at = monotonic.nanos;
    if (!kernel_uses_tsc()) {
      // Readings go to clock_gettime from now on.
      publish(0, 0, 0, 0);
      calibrator.disabled.store(true, std::memory_order_relaxed);
      return;
    }
  }
  if (calibrator.origin.ticks == 0) {
    calibrator.origin = monotonic;
    return;
  }
  const std::int64_t elapsed = monotonic.nanos - calibrator.origin.nanos;
  if (elapsed < kShortestBaseline || monotonic.ticks <= calibrator.origin.ticks)
    return;
  __extension__ using Wide = unsigned __int128;
  const std::uint64_t rate =
      static_cast<std::uint64_t>((static_cast<Wide>(elapsed) << 32) /
                                 (monotonic.ticks - calibrator.origin.ticks));
  if (rate == 0) return;
  const Sample wall = sample(CLOCK_REALTIME);
  if (wall.ticks == 0) return;  // no clean sample: try again next time
  const std::uint64_t refresh = static_cast<std::uint64_t>(
      (static_cast<Wide>(kRecalibrateEvery) << 32) / rate);
  publish(wall.ticks, wall.nanos, rate, refresh);
}

}  // namespace

namespace detail {

Reading slow_now() noexcept {
  if (g_calibrator.disabled.load(std::memory_order_relaxed)) {
    return {Clock::now(), 0};
  }
  const std::uint64_t ticks = read_ticks();
  const Timestamp wall = Clock::now();
  // One thread recalibrates; the others go on with the old calibration.
  if (ticks != 0 &&
      !g_calibrator.busy.exchange(true, std::memory_order_acquire)) {
    recalibrate();
    g_calibrator.busy.store(false, std::memory_order_release);
  }
  return {wall, ticks};
}

}  // namespace detail

bool uses_ticks() noexcept {
  return g_calibration.nanos_per_tick.load(std::memory_order_relaxed) != 0;
}

}  // namespace weft::sdk::tick_clock

namespace weft::sdk::fork_hooks {

// A thread that was calibrating in the parent is gone: its half-written
// calibration (an odd sequence, or a torn origin) is discarded and `busy`
// released, so that the child's next reading calibrates afresh.
void repair_clock_in_child() noexcept {
  using tick_clock::g_calibrator;
  using tick_clock::detail::g_calibration;
  if (!g_calibrator.busy.load(std::memory_order_relaxed)) return;
  const std::uint32_t sequence =
      g_calibration.sequence.load(std::memory_order_relaxed);
  if ((sequence & 1) != 0) {
    g_calibration.sequence.store(sequence + 1, std::memory_order_relaxed);
  }
  tick_clock::publish(0, 0, 0, 0);
  g_calibrator.origin = {};
  g_calibrator.source_checked_at = 0;
  g_calibrator.busy.store(false, std::memory_order_release);
}

}  // namespace weft::sdk::fork_hooks
