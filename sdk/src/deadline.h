// deadline_after: `now + timeout` that saturates, so that a timeout of
// milliseconds::max() means "wait forever" instead of overflowing into a
// deadline in the past ("give up at once").
//
// Used wherever the SDK, the exporters and the tools turn a timeout into a
// deadline. Stateless, thread-safe.
#pragma once

#include <chrono>

namespace weft::sdk {

// `now + timeout` on `Clock`; Clock::time_point::max() when that sum does
// not fit (waiting until max() waits forever); `now` when timeout <= 0.
template <class Clock = std::chrono::steady_clock, class Rep, class Period>
typename Clock::time_point deadline_after(
    std::chrono::duration<Rep, Period> timeout,
    typename Clock::time_point now = Clock::now()) noexcept {
  using Timeout = std::chrono::duration<Rep, Period>;
  if (timeout <= Timeout::zero()) return now;
  // How far `now` can move; compared in the timeout's unit (no finer than
  // the clock's), where it cannot overflow.
  const typename Clock::duration room = now.time_since_epoch().count() < 0
                                            ? Clock::duration::max()
                                            : Clock::time_point::max() - now;
  if (timeout >= std::chrono::duration_cast<Timeout>(room)) {
    return Clock::time_point::max();
  }
  return now + std::chrono::duration_cast<typename Clock::duration>(timeout);
}

}  // namespace weft::sdk
