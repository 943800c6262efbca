#include "weft/sdk/simple_span_processor.h"

#include <atomic>
#include <mutex>
#include <utility>

#include "fork_handlers.h"

namespace weft::sdk {
namespace {

// Exports each span on the thread that ends it. The mutex only serializes
// calls into the exporter (exporters are not reentrant); it is the one lock
// weft holds while calling an exporter, which is why this processor is meant
// for tests and samples, not production. fork() waits for an export in
// progress (the fork handlers take the mutex), so a child never finds the
// exporter half-way through a call.
class SimpleSpanProcessor final : public SpanProcessor,
                                  private ForkParticipant {
 public:
  explicit SimpleSpanProcessor(std::unique_ptr<SpanExporter> exporter)
      : exporter_(std::move(exporter)) {
    add_fork_participant(*this);
  }

  ~SimpleSpanProcessor() override { remove_fork_participant(*this); }

  void on_end(std::unique_ptr<SpanData> span) noexcept override {
    if (!span->flags.sampled()) return;  // record-only: not for export
    std::lock_guard<std::mutex> lock(export_mutex_);
    if (shut_down_ || !exporter_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    try {
      batch_.clear();
      batch_.push_back(std::move(span));
    } catch (...) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const ExportResult result = exporter_->export_spans(batch_);
    (result == ExportResult::kSuccess ? exported_ : failed_)
        .fetch_add(1, std::memory_order_relaxed);
    batch_.clear();
  }

  bool force_flush(std::chrono::milliseconds timeout) noexcept override {
    std::lock_guard<std::mutex> lock(export_mutex_);
    return shut_down_ || !exporter_ || exporter_->force_flush(timeout);
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    // A later call waits here for the first one and reports its result.
    std::lock_guard<std::mutex> lock(export_mutex_);
    if (shut_down_) return shutdown_result_;
    shut_down_ = true;
    shutdown_result_ = !exporter_ || exporter_->shutdown(timeout);
    return shutdown_result_;
  }

  ProcessorStats stats() const noexcept override {
    const std::uint64_t exported = exported_.load(std::memory_order_relaxed);
    const std::uint64_t late =
        exporter_
            ? std::min(exported, exporter_->spans_failed_after_acceptance())
            : 0;
    return {dropped_.load(std::memory_order_relaxed), exported - late,
            failed_.load(std::memory_order_relaxed) + late};
  }

 private:
  void before_fork() noexcept override { export_mutex_.lock(); }
  void after_fork_in_parent() noexcept override { export_mutex_.unlock(); }
  void after_fork_in_child() noexcept override { export_mutex_.unlock(); }

  std::unique_ptr<SpanExporter> exporter_;
  std::mutex export_mutex_;
  SpanBatch batch_;
  bool shut_down_ = false;
  bool shutdown_result_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> failed_{0};
};

}  // namespace

std::unique_ptr<SpanProcessor> make_simple_processor(
    std::unique_ptr<SpanExporter> exporter) {
  return std::make_unique<SimpleSpanProcessor>(std::move(exporter));
}

}  // namespace weft::sdk
