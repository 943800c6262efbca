// FakeClock: a clock function for TracerProviderOptions::clock that returns
// whatever time the test set. The options take a plain function pointer, so
// the time is a process-wide atomic: set it at the start of each test that
// reads it. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "weft/span.h"

namespace weft::testing {

struct FakeClock {
  // 2024-01-01T00:00:00Z, far from the epoch so that bugs that use a zero
  // timestamp show.
  static constexpr std::int64_t kStartNanos = 1704067200000000000;

  static Timestamp now() noexcept {
    return Timestamp(std::chrono::duration_cast<Clock::duration>(
        std::chrono::nanoseconds(nanos.load())));
  }
  static void reset() noexcept { nanos.store(kStartNanos); }
  static void advance(std::chrono::nanoseconds by) noexcept {
    nanos.fetch_add(by.count());
  }
  static Timestamp at(std::chrono::nanoseconds since_start) noexcept {
    return Timestamp(std::chrono::duration_cast<Clock::duration>(
        std::chrono::nanoseconds(kStartNanos) + since_start));
  }

  static inline std::atomic<std::int64_t> nanos{kStartNanos};
};

}  // namespace weft::testing
