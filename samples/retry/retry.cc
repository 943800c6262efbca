#include "retry/retry.h"

#include <cmath>
#include <stdexcept>
#include <thread>
#include <utility>

namespace weft::samples {
namespace {

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

}  // namespace

RetryableOperation::RetryableOperation(weft::Tracer& tracer, RetryPolicy policy,
                                       Sleep sleep)
    : tracer_(tracer), policy_(policy), sleep_(std::move(sleep)) {
  if (!sleep_) {
    sleep_ = [](std::chrono::duration<double> delay) {
      std::this_thread::sleep_for(delay);
    };
  }
}

RetryOutcome RetryableOperation::execute(const std::function<void()>& operation,
                                         std::string_view operation_name) {
  RetryOutcome outcome;
  const std::uint32_t max_attempts = policy_.max_retries + 1;
  for (std::uint32_t attempt = 0; attempt < max_attempts; ++attempt) {
    // Links to every earlier attempt: the whole retry history.
    std::vector<Link> links;
    links.reserve(outcome.failed_attempts.size());
    for (const AttemptRecord& previous : outcome.failed_attempts) {
      links.push_back(make_link(
          previous.span_context, relationship::kRetryOf,
          {{"previous.attempt_number",
            static_cast<std::int64_t>(previous.attempt_number)},
           {"previous.error",
            previous.error.empty() ? std::string("none") : previous.error}}));
    }

    const std::string span_name =
        std::string(operation_name) + "-attempt-" + std::to_string(attempt + 1);
    ScopedSpan span = tracer_.start_scoped_span(
        span_name, StartSpanOptions().with_links(std::move(links)));
    const auto start = std::chrono::steady_clock::now();
    span->set_attribute("retry.attempt_number", attempt + 1);
    span->set_attribute("retry.max_attempts", max_attempts);
    span->set_attribute("retry.is_retry", attempt > 0);
    span->set_attribute("retry.previous_attempts",
                        outcome.failed_attempts.size());
    outcome.attempts = attempt + 1;
    try {
      operation();
      span->set_attribute("retry.duration_ms", milliseconds_since(start));
      span->set_attribute("retry.status", "success");
      span->set_status(StatusCode::kOk);
      if (attempt > 0) {
        span->set_attribute("retry.succeeded_on_attempt", attempt + 1);
        span->set_attribute("retry.total_attempts_made", attempt + 1);
      }
      outcome.succeeded = true;
      return outcome;
    } catch (const std::exception& error) {
      const double duration_ms = milliseconds_since(start);
      span->set_attribute("retry.duration_ms", duration_ms);
      span->set_attribute("retry.status", "failed");
      span->record_exception(error);
      outcome.failed_attempts.push_back(AttemptRecord{
          attempt + 1, span.context(), error.what(), duration_ms});
      outcome.last_error = error.what();

      if (attempt + 1 < max_attempts) {
        const double delay = policy_.base_delay.count() *
                             std::pow(policy_.backoff_multiplier, attempt);
        span->set_attribute("retry.next_delay_seconds", delay);
        span->set_status(StatusCode::kError,
                         "Retrying in " + format_seconds(delay) + "s");
        // Waiting is part of this attempt, as in the article.
        sleep_(std::chrono::duration<double>(delay));
      } else {
        span->set_attribute("retry.exhausted", true);
        span->set_status(StatusCode::kError, "Max retries exhausted");
      }
    }
  }
  return outcome;
}

RetryOutcome run_retry(weft::Tracer& tracer, const RetrySampleOptions& options,
                       RetryableOperation::Sleep sleep) {
  RetryableOperation retry_handler(tracer, options.policy, std::move(sleep));
  std::uint32_t call_count = 0;
  const auto flaky_operation = [&] {
    ++call_count;
    if (call_count <= options.failures) {
      throw std::runtime_error("Temporary failure on attempt " +
                               std::to_string(call_count));
    }
  };

  ScopedSpan example = tracer.start_scoped_span("retry-example");
  RetryOutcome outcome =
      retry_handler.execute(flaky_operation, "flaky-operation");
  if (outcome.succeeded) {
    example->set_status(StatusCode::kOk);
  } else {
    example->record_exception("std::runtime_error", outcome.last_error);
    example->set_status(StatusCode::kError, outcome.last_error);
  }
  return outcome;
}

}  // namespace weft::samples
