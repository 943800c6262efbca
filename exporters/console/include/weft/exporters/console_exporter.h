// ConsoleExporter: prints each finished span readably, with its links (trace
// id, span id, relationship and other attributes) and dropped counts. For
// samples and debugging. Called by one processor thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>

#include "weft/sdk/span_exporter.h"

namespace weft::exporters {

class ConsoleExporter final : public sdk::SpanExporter {
 public:
  // Writes to `out` (stdout by default); the FILE is not closed.
  explicit ConsoleExporter(std::FILE* out = stdout) : out_(out) {}

  sdk::ExportResult export_spans(sdk::SpanBatch& spans) noexcept override;
  bool shutdown(std::chrono::milliseconds timeout) noexcept override;

 private:
  std::FILE* out_;
  // Set by shutdown(), which may run on another thread than export_spans().
  std::atomic<bool> shut_down_{false};
};

// The text ConsoleExporter prints for one span.
std::string format_span(const sdk::SpanData& span);

}  // namespace weft::exporters
