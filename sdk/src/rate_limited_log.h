// RateLimitedLog: a warning that can repeat many times a second (a span over
// its link limit, a full queue) written at most once per interval; the next
// one written says how many were suppressed in between.
//
// The trick: a suppressed message costs two relaxed atomics on one cache
// line and is never formatted (the message is built by a callable only when
// it is written), so callers may use it on the application's thread. The
// interval runs on whatever clock the caller passes (a provider's injected
// clock in tests); a clock that steps back by more than an interval does
// not silence the log for longer than one. Used by the span limits and the
// batch processor. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "weft/sdk/logger.h"

namespace weft::sdk {

// How often a repeated warning is written.
inline constexpr std::chrono::seconds kRepeatedWarningInterval{10};

class RateLimitedLog {
 public:
  explicit RateLimitedLog(
      std::chrono::nanoseconds interval = kRepeatedWarningInterval) noexcept
      : interval_(interval.count()) {}

  // Writes make_message() (a std::string) through `logger` at `level`,
  // unless a message was written less than the interval before `now`; then
  // it only counts this one. A message written after others were
  // suppressed ends with "(N similar messages suppressed)".
  template <class MakeMessage>
  void log(const std::shared_ptr<Logger>& logger, LogLevel level,
           std::chrono::nanoseconds now, MakeMessage&& make_message) noexcept {
    if (!log_enabled(logger, level)) return;
    std::uint64_t suppressed = 0;
    if (!allow(now.count(), suppressed)) return;
    try {
      std::string message = make_message();
      append_suppressed(message, suppressed);
      sdk::log(logger, level, message);
    } catch (...) {
      // Out of memory while logging: the counters still tell.
    }
  }

  // Writes make_message() with the count of messages suppressed since the
  // last one written, when there are any (e.g. at shutdown).
  template <class MakeMessage>
  void flush(const std::shared_ptr<Logger>& logger, LogLevel level,
             MakeMessage&& make_message) noexcept {
    const std::uint64_t suppressed =
        suppressed_.exchange(0, std::memory_order_relaxed);
    if (suppressed == 0 || !log_enabled(logger, level)) return;
    try {
      std::string message = make_message();
      append_suppressed(message, suppressed);
      sdk::log(logger, level, message);
    } catch (...) {
    }
  }

  // True when a message may be written at `now` (nanoseconds of the
  // caller's clock); `suppressed` then holds how many were not since the
  // last one. False counts one more suppressed message.
  bool allow(std::int64_t now, std::uint64_t& suppressed) noexcept {
    std::int64_t next = next_allowed_.load(std::memory_order_relaxed);
    const bool too_soon = now < next && next - now <= interval_;
    if (too_soon || !next_allowed_.compare_exchange_strong(
                        next, now + interval_, std::memory_order_relaxed)) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    suppressed = suppressed_.exchange(0, std::memory_order_relaxed);
    return true;
  }

 private:
  static void append_suppressed(std::string& message,
                                std::uint64_t suppressed) {
    if (suppressed == 0) return;
    message.append(" (")
        .append(std::to_string(suppressed))
        .append(suppressed == 1 ? " similar message suppressed)"
                                : " similar messages suppressed)");
  }

  const std::int64_t interval_;
  std::atomic<std::int64_t> next_allowed_{
      std::numeric_limits<std::int64_t>::min()};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace weft::sdk
