// Backoff: the delays between retries of an OTLP export, exponential (x2 per
// attempt, capped) with +-20% jitter, as the OTLP specification asks of
// every transport. Which answers are retried is the transport's business
// (gRPC status codes, HTTP status codes).
//
// Used by the OTLP exporters, one per request. One thread at a time.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace weft::otlp {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial,
          std::chrono::milliseconds maximum) noexcept
      : next_(initial), maximum_(maximum) {}

  // The delay before the next attempt (at least 1 ms); `random` is a
  // uniform random bit generator such as std::mt19937_64.
  template <class Random>
  std::chrono::milliseconds next(Random& random) {
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    const auto delay = std::chrono::milliseconds(static_cast<long long>(
        static_cast<double>(next_.count()) * jitter(random)));
    next_ = std::min(maximum_, next_ * 2);
    return std::max(delay, std::chrono::milliseconds(1));
  }

 private:
  std::chrono::milliseconds next_;
  std::chrono::milliseconds maximum_;
};

}  // namespace weft::otlp
