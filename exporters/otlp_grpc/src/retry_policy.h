// The OTLP/gRPC retry rules: which gRPC status codes are retried, how long
// to wait (the server's RetryInfo, or exponential backoff with jitter).
//
// Per the OTLP specification: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
// OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable; RESOURCE_EXHAUSTED
// only when the server sent a google.rpc.RetryInfo (in the status details),
// whose delay is then honoured; every other code is final. Used by the
// OTLP/gRPC exporter. Backoff is one thread only; the rest is stateless.
#pragma once

#include <grpcpp/support/status.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <string>

namespace weft::otlp {

struct RetryDecision {
  bool retryable = false;
  // The delay the server asked for (RetryInfo), if any.
  std::optional<std::chrono::milliseconds> server_delay;
};

RetryDecision classify(const grpc::Status& status);

// The delay a google.rpc.Status (serialized, as in grpc-status-details-bin)
// asks for through a RetryInfo detail, if any.
std::optional<std::chrono::milliseconds> retry_info_delay(
    const std::string& status_details);

// "UNAVAILABLE", "RESOURCE_EXHAUSTED", ...
std::string status_code_name(grpc::StatusCode code);

// Exponential backoff (x2 per attempt, capped) with +-20% jitter.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial,
          std::chrono::milliseconds maximum) noexcept
      : next_(initial), maximum_(maximum) {}

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
