#include "export_health.h"

#include <utility>

namespace weft::otlp {

void ExportHealth::drop(std::size_t count, DropReason reason,
                        const std::string& why, bool failed_attempt) noexcept {
  try {
    {
      std::lock_guard<std::mutex> lock(stats_->mutex);
      exporters::OtlpExporterStats& stats = stats_->stats;
      ++stats.requests_failed;
      switch (reason) {
        case DropReason::kNotRetryable:
          stats.spans_dropped_not_retryable += count;
          break;
        case DropReason::kTimeout:
          stats.spans_dropped_timeout += count;
          break;
        case DropReason::kShutdown:
          stats.spans_dropped_shutdown += count;
          break;
        case DropReason::kEncoding:
          stats.spans_dropped_encoding += count;
          break;
      }
      stats.last_error = why;
    }
    note_failure(failed_attempt, count, [&] {
      return std::to_string(count) + " spans dropped: " + why;
    });
  } catch (...) {
    // Out of memory for the message: the counters still tell.
  }
}

bool ExportHealth::record_failure(bool failed_attempt,
                                  std::size_t dropped) noexcept {
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    first = !failing_.exchange(true, std::memory_order_relaxed);
    failed_attempts_ += failed_attempt ? 1 : 0;
    spans_dropped_while_failing_ += dropped;
    if (first) spans_dropped_reported_ = dropped;
  }
  return first && sdk::log_enabled(logger_, sdk::LogLevel::kError);
}

void ExportHealth::log_failing(const std::string& what) noexcept {
  try {
    sdk::log(logger_, sdk::LogLevel::kError,
             "OTLP export to " + destination_ + " is failing: " + what +
                 ". Further failures are counted in the exporter's stats, "
                 "not logged, until it delivers again");
  } catch (...) {
  }
}

void ExportHealth::note_delivered() noexcept {
  if (!failing_.load(std::memory_order_relaxed)) return;
  std::uint64_t attempts = 0;
  std::uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failing_.exchange(false, std::memory_order_relaxed)) return;
    attempts = std::exchange(failed_attempts_, 0);
    dropped = std::exchange(spans_dropped_while_failing_, 0);
    spans_dropped_reported_ = 0;
  }
  if (!sdk::log_enabled(logger_, sdk::LogLevel::kWarning)) return;
  try {
    sdk::log(logger_, sdk::LogLevel::kWarning,
             "OTLP export to " + destination_ + " is delivering again after " +
                 std::to_string(attempts) + " failed attempts; " +
                 std::to_string(dropped) +
                 " spans were dropped while it failed");
  } catch (...) {
  }
}

void ExportHealth::report_drops_at_shutdown() noexcept {
  std::uint64_t untold = 0;
  std::uint64_t attempts = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failing_.load(std::memory_order_relaxed)) return;
    untold = spans_dropped_while_failing_ - spans_dropped_reported_;
    attempts = failed_attempts_;
    spans_dropped_reported_ = spans_dropped_while_failing_;
  }
  if (untold == 0 || !sdk::log_enabled(logger_, sdk::LogLevel::kError)) {
    return;
  }
  try {
    sdk::log(logger_, sdk::LogLevel::kError,
             "OTLP export to " + destination_ +
                 " shut down while failing: " + std::to_string(untold) +
                 " spans dropped since the failure was logged" +
                 (attempts == 0
                      ? std::string()
                      : " (" + std::to_string(attempts) + " failed attempts)"));
  } catch (...) {
  }
}

}  // namespace weft::otlp
