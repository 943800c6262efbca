// DiscardingExporter: the exporter of BENCH.md's set-up. It accepts every
// batch and leaves the spans to the processor, as the OTLP exporter does,
// so a benchmark measures the SDK and not an export. Thread-safe (no state).
#pragma once

#include <chrono>

#include "weft/sdk/span_exporter.h"

namespace weft::bench {

class DiscardingExporter final : public sdk::SpanExporter {
 public:
  sdk::ExportResult export_spans(sdk::SpanBatch&) noexcept override {
    return sdk::ExportResult::kSuccess;
  }
  bool shutdown(std::chrono::milliseconds) noexcept override { return true; }
};

}  // namespace weft::bench
