// SpanProcessor: receives each span when it starts and when it ends, and
// decides when it reaches an exporter (simple: at once; batch: in batches on
// a worker thread).
//
// Implementations are thread-safe: spans end on any application thread.
// on_end() must never block on I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "weft/sdk/span_data.h"

namespace weft::sdk {

// Counts of what a processor did with the spans it received.
struct ProcessorStats {
  std::uint64_t spans_dropped = 0;        // the queue was full
  std::uint64_t spans_exported = 0;       // the exporter reported success
  std::uint64_t spans_export_failed = 0;  // the exporter reported failure
};

class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;

  // Called when a span starts; it is still being recorded, so its strings
  // and lists may change or move after the call: copy what is kept.
  virtual void on_start(const SpanData& /*span*/) noexcept {}
  // Called once per ended recording span, sampled or record-only (see
  // SpanData::flags); the processor owns it from here. The simple and batch
  // processors export sampled spans only.
  virtual void on_end(std::unique_ptr<SpanData> span) noexcept = 0;
  // Exports every span received before the call; false on timeout.
  virtual bool force_flush(std::chrono::milliseconds timeout) noexcept = 0;
  // Flushes, then shuts the exporter down. A later (or concurrent) call
  // waits for the first one, within its own timeout, and returns its
  // result.
  virtual bool shutdown(std::chrono::milliseconds timeout) noexcept = 0;
  virtual ProcessorStats stats() const noexcept = 0;
};

}  // namespace weft::sdk
