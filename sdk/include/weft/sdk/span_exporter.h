// SpanExporter: sends finished spans somewhere (console, memory, OTLP).
//
// Only a span processor calls an exporter, never the application thread that
// ends a span, and never two calls at once: implementations need not be
// thread-safe against themselves, but shutdown() may come from another thread
// than export_spans().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "weft/sdk/span_data.h"

namespace weft::sdk {

enum class ExportResult {
  kSuccess,
  kFailure,  // the whole batch is lost; the processor counts it
};

class SpanExporter {
 public:
  virtual ~SpanExporter() = default;

  // Exports `spans`. The exporter may move spans out of the batch to keep
  // them (the in-memory exporter does); the processor clears it afterwards.
  virtual ExportResult export_spans(SpanBatch& spans) noexcept = 0;

  // Flushes anything the exporter buffers itself.
  virtual bool force_flush(std::chrono::milliseconds /*timeout*/) noexcept {
    return true;
  }

  // For an exporter whose export_spans() returns kSuccess once it has
  // accepted a batch, before delivery (a pipelined network exporter): the
  // spans accepted so far that it later failed to deliver. Processors move
  // them from "exported" to "export failed" in their stats, so nothing an
  // exporter loses looks delivered. Thread-safe.
  virtual std::uint64_t spans_failed_after_acceptance() const noexcept {
    return 0;
  }

  // Releases resources; later exports fail. Called once by the processor.
  virtual bool shutdown(std::chrono::milliseconds timeout) noexcept = 0;
};

}  // namespace weft::sdk
