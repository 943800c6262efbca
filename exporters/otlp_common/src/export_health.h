// ExportHealth: the bookkeeping every OTLP transport shares once a batch has
// been handed to it: spans dropped, counted by reason in the exporter's
// stats; a failure said once, when the exporter starts failing; the recovery
// said once, when it delivers again; and at shutdown the drops that no line
// has told yet. The transport decides what failed; this class decides what
// is counted and what is logged.
//
// Used by the OTLP/gRPC and OTLP/HTTP exporters. Thread-safe: every member
// may be called from any thread. It takes its own mutex and the stats'
// mutex one at a time and holds neither while calling the logger; a caller
// may hold its own locks (ordered before the stats' mutex) but must not hold
// the stats' mutex.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "weft/exporters/otlp_exporter.h"
#include "weft/sdk/logger.h"

namespace weft::otlp {

// The exporter's counters, shared with the closures of stats_reader() so
// they outlive the exporter.
struct SharedStats {
  mutable std::mutex mutex;
  exporters::OtlpExporterStats stats;
};

enum class DropReason { kNotRetryable, kTimeout, kShutdown, kEncoding };

class ExportHealth {
 public:
  // `destination` names the collector in log lines (a URL or gRPC target).
  ExportHealth(std::string destination, std::shared_ptr<sdk::Logger> logger,
               std::shared_ptr<SharedStats> stats) noexcept
      : destination_(std::move(destination)),
        logger_(std::move(logger)),
        stats_(std::move(stats)) {}

  // Counts `count` spans of one failed request as dropped because of `why`;
  // logged only when it is the first failure since the last delivery.
  // `failed_attempt` counts the attempt that led to it in the failure run.
  void drop(std::size_t count, DropReason reason, const std::string& why,
            bool failed_attempt = false) noexcept;

  // An attempt failed (`failed_attempt`) and/or `dropped` spans were lost;
  // if it is the first failure since the last delivery, logs (error)
  // "is failing: " + describe(). Later ones are only counted.
  template <class Describe>
  void note_failure(bool failed_attempt, std::size_t dropped,
                    const Describe& describe) noexcept {
    if (!record_failure(failed_attempt, dropped)) return;
    try {
      log_failing(describe());
    } catch (...) {
      // Out of memory while describing: the stats still tell.
    }
  }

  // A request was delivered: logs the recovery once after failures.
  void note_delivered() noexcept;

  // At shutdown, while failing: logs the spans dropped since the failure
  // was logged, which no line has told yet (once).
  void report_drops_at_shutdown() noexcept;

 private:
  // True when this failure begins a failure run and errors are logged.
  bool record_failure(bool failed_attempt, std::size_t dropped) noexcept;
  void log_failing(const std::string& what) noexcept;

  const std::string destination_;
  const std::shared_ptr<sdk::Logger> logger_;
  const std::shared_ptr<SharedStats> stats_;

  std::mutex mutex_;
  std::atomic<bool> failing_{false};               // written under mutex_
  std::uint64_t failed_attempts_ = 0;              // since failing began
  std::uint64_t spans_dropped_while_failing_ = 0;  // since failing began
  std::uint64_t spans_dropped_reported_ = 0;       // of those, logged
};

}  // namespace weft::otlp
