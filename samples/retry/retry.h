// The retry pattern: RetryableOperation runs an operation until it succeeds
// or the retries run out. Each attempt is one `<name>-attempt-N` span (a
// child of the current span) linked `retry_of` to every earlier attempt,
// with `previous.attempt_number` and `previous.error` on each link; failed
// attempts record the exception and an error status with the next delay,
// the successful one an Ok status.
//
// A RetryableOperation is thread-compatible; the operation runs on the
// calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/tracer.h"

namespace weft::samples {

struct RetryPolicy {
  std::uint32_t max_retries = 3;  // attempts = max_retries + 1
  // Delay before retry k (k = 0, 1, ...): base_delay * multiplier^k. Fast by
  // default (10 ms, 20 ms, 40 ms) so that the sample finishes at once.
  std::chrono::duration<double> base_delay{0.010};
  double backoff_multiplier = 2.0;
};

// One failed attempt, kept for the links of the next ones.
struct AttemptRecord {
  std::uint32_t attempt_number = 0;
  SpanContext span_context;
  std::string error;
  double duration_ms = 0;
};

struct RetryOutcome {
  bool succeeded = false;
  std::uint32_t attempts = 0;
  std::string last_error;
  std::vector<AttemptRecord> failed_attempts;
};

class RetryableOperation {
 public:
  using Sleep = std::function<void(std::chrono::duration<double>)>;

  // `sleep` waits between attempts (the tests pass one that does not).
  RetryableOperation(weft::Tracer& tracer, RetryPolicy policy,
                     Sleep sleep = {});

  // Calls `operation` until it returns without throwing, at most
  // max_retries + 1 times; what it throws is the attempt's error.
  RetryOutcome execute(const std::function<void()>& operation,
                       std::string_view operation_name);

 private:
  weft::Tracer& tracer_;
  RetryPolicy policy_;
  Sleep sleep_;
};

struct RetrySampleOptions {
  RetryPolicy policy;
  std::uint32_t failures = 2;  // the operation fails this many times first
};

// The article's example: a `retry-example` span around a flaky operation
// (`flaky-operation-attempt-N`) that fails `failures` times.
RetryOutcome run_retry(weft::Tracer& tracer, const RetrySampleOptions& options,
                       RetryableOperation::Sleep sleep = {});

}  // namespace weft::samples
