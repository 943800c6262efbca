// tick_clock: the SDK's default clock for span timestamps. Internal to the
// SDK. Thread-safe.
//
// A span reads the clock twice, and one clock_gettime(CLOCK_REALTIME)
// costs about 19 ns on the project's machine, a fifth of a whole span.
// Where the kernel itself keeps time with the CPU's time stamp counter (its
// clocksource is "tsc": invariant, synchronized across CPUs), this clock
// reads the counter directly (rdtsc, about 9 ns there) and converts ticks
// to wall time with a calibration taken from the kernel's clocks, much as
// Abseil's clock does:
//  - the tick rate is measured against CLOCK_MONOTONIC over the longest
//    baseline seen so far (from the first reading to the latest
//    calibration), so it converges within a second to the kernel's view
//    (NTP's rate corrections included);
//  - the wall-time anchor is re-read from CLOCK_REALTIME every
//    kRecalibrateEvery, so a stepped system clock is followed within that
//    and rate errors never accumulate;
//  - until the first calibration (the first millisecond of the process's
//    readings), on CPUs other than x86-64, and where the counter is not
//    the kernel's clocksource (looked at again every 10 s), readings come
//    from clock_gettime itself.
// A span's later timestamps (its end, its events) are its start plus the
// ticks elapsed since, so a span's duration never depends on a
// re-anchoring or a wall-clock step (OpenTelemetry's recommendation: wall
// time at start, monotonic time for the duration).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "weft/span.h"

namespace weft::sdk::tick_clock {

// A wall time and the tick count it was read at (0: no ticks).
struct Reading {
  Timestamp time;
  std::uint64_t ticks = 0;
};

namespace detail {

// The conversion from ticks to wall time, published under a sequence lock
// (odd while being written). Fields are atomics so that a reader racing a
// writer is well defined; the sequence tells it to retry.
struct alignas(64) Calibration {
  std::atomic<std::uint32_t> sequence{0};
  std::atomic<std::uint64_t> base_ticks{0};
  std::atomic<std::int64_t> base_nanos{0};       // wall time at base_ticks
  std::atomic<std::uint64_t> nanos_per_tick{0};  // 32.32 fixed point; 0: none
  std::atomic<std::uint64_t> refresh_ticks{0};   // recalibrate after this many
};

extern Calibration g_calibration;

// The counter, or 0 where there is none.
inline std::uint64_t read_ticks() noexcept {
#if defined(__x86_64__)
  return __builtin_ia32_rdtsc();
#else
  return 0;
#endif
}

// ticks * nanos_per_tick (32.32 fixed point), in nanoseconds.
inline std::int64_t to_nanos(std::uint64_t ticks,
                             std::uint64_t nanos_per_tick) noexcept {
  __extension__ using Wide = unsigned __int128;
  return static_cast<std::int64_t>(
      (static_cast<Wide>(ticks) * nanos_per_tick) >> 32);
}

// Reads the clock the slow way (and recalibrates when due).
Reading slow_now() noexcept;

}  // namespace detail

// The current wall time, with the tick count it was read at.
inline Reading now() noexcept {
  using namespace detail;
  const std::uint32_t sequence =
      g_calibration.sequence.load(std::memory_order_acquire);
  // Acquire loads keep the second look at the sequence after them.
  const std::uint64_t base_ticks =
      g_calibration.base_ticks.load(std::memory_order_acquire);
  const std::int64_t base_nanos =
      g_calibration.base_nanos.load(std::memory_order_acquire);
  const std::uint64_t rate =
      g_calibration.nanos_per_tick.load(std::memory_order_acquire);
  const std::uint64_t refresh =
      g_calibration.refresh_ticks.load(std::memory_order_acquire);
  if (rate == 0) return slow_now();  // not calibrated (yet)
  const std::uint64_t ticks = read_ticks();
  if ((sequence & 1) != 0 || ticks - base_ticks >= refresh ||
      g_calibration.sequence.load(std::memory_order_relaxed) != sequence) {
    return slow_now();
  }
  return {Timestamp(std::chrono::nanoseconds(
              base_nanos + to_nanos(ticks - base_ticks, rate))),
          ticks};
}

// `start` plus the time elapsed since it was read: a later timestamp of
// the same span. Without ticks (or before the first calibration), the
// current wall time.
inline Timestamp since(const Reading& start) noexcept {
  using namespace detail;
  const std::uint64_t rate =
      g_calibration.nanos_per_tick.load(std::memory_order_relaxed);
  if (start.ticks == 0 || rate == 0) return now().time;
  std::uint64_t ticks = read_ticks();
  if (ticks < start.ticks) ticks = start.ticks;
  return start.time +
         std::chrono::nanoseconds(to_nanos(ticks - start.ticks, rate));
}

// True when readings come from the CPU's counter (for tests and notes).
bool uses_ticks() noexcept;

}  // namespace weft::sdk::tick_clock
