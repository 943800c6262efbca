// FakeSpanProcessor: a weft::sdk::SpanProcessor that keeps what it is given:
// the name of every span at on_start, and every ended span (sampled or not)
// in the order they ended. Tests read the public fields under `mutex`, or
// after the spans ended on their own thread. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "weft/sdk/span_processor.h"

namespace weft::testing {

struct FakeSpanProcessor final : public sdk::SpanProcessor {
  void on_start(const sdk::SpanData& span) noexcept override {
    std::lock_guard<std::mutex> lock(mutex);
    try {
      started.emplace_back(span.name);
    } catch (...) {
    }
  }
  void on_end(std::unique_ptr<sdk::SpanData> span) noexcept override {
    std::lock_guard<std::mutex> lock(mutex);
    try {
      ended.push_back(std::move(span));
    } catch (...) {
    }
  }
  bool force_flush(std::chrono::milliseconds) noexcept override { return true; }
  bool shutdown(std::chrono::milliseconds) noexcept override { return true; }
  sdk::ProcessorStats stats() const noexcept override { return {}; }

  std::mutex mutex;
  std::vector<std::string> started;  // span names, at on_start
  sdk::SpanBatch ended;
};

}  // namespace weft::testing
