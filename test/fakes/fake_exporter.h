// FakeExporter: a weft::sdk::SpanExporter that counts its calls, remembers
// the names of the spans it received and the size of each batch, can fail,
// and can hold exports at a gate so that a processor's queue fills
// deterministically.
//
// The processor owns the exporter, so the test keeps the shared
// FakeExporterState. Thread-safe: the state is guarded by one mutex and
// every change is announced on `changed`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "weft/sdk/span_exporter.h"

namespace weft::testing {

struct FakeExporterState {
  // Closes the gate: exports that start from now on wait at it.
  void close_gate() {
    std::lock_guard<std::mutex> lock(mutex);
    gate_open = false;
  }
  // Opens the gate and lets every waiting export continue.
  void open_gate() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      gate_open = true;
    }
    changed.notify_all();
  }

  // Waits until `predicate(*this)` holds (checked under the mutex); false
  // when `timeout` passes first.
  template <class Predicate>
  bool wait_until(Predicate predicate, std::chrono::milliseconds timeout =
                                           std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return predicate(*this); });
  }

  std::size_t spans() {
    std::lock_guard<std::mutex> lock(mutex);
    return span_names.size();
  }
  // Copies taken under the mutex (an export may be running meanwhile).
  std::vector<std::string> names() {
    std::lock_guard<std::mutex> lock(mutex);
    return span_names;
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard<std::mutex> lock(mutex);
    return batch_sizes;
  }

  std::mutex mutex;
  std::condition_variable changed;
  bool gate_open = true;
  sdk::ExportResult result = sdk::ExportResult::kSuccess;
  bool force_flush_result = true;
  std::size_t exports_started = 0;
  std::size_t export_calls = 0;  // exports that returned
  std::size_t force_flush_calls = 0;
  std::size_t shutdown_calls = 0;
  // What a pipelined exporter would report: accepted, then lost.
  std::uint64_t failed_after_acceptance = 0;
  std::vector<std::string> span_names;
  std::vector<std::size_t> batch_sizes;
};

struct FakeExporter final : public sdk::SpanExporter {
  explicit FakeExporter(std::shared_ptr<FakeExporterState> s =
                            std::make_shared<FakeExporterState>())
      : state(std::move(s)) {}

  sdk::ExportResult export_spans(sdk::SpanBatch& spans) noexcept override {
    std::unique_lock<std::mutex> lock(state->mutex);
    ++state->exports_started;
    state->changed.notify_all();
    state->changed.wait(lock, [&] { return state->gate_open; });
    state->batch_sizes.push_back(spans.size());
    for (const auto& span : spans) state->span_names.emplace_back(span->name);
    ++state->export_calls;
    const sdk::ExportResult result = state->result;
    lock.unlock();
    state->changed.notify_all();
    return result;
  }

  bool force_flush(std::chrono::milliseconds) noexcept override {
    std::lock_guard<std::mutex> lock(state->mutex);
    ++state->force_flush_calls;
    return state->force_flush_result;
  }

  std::uint64_t spans_failed_after_acceptance() const noexcept override {
    std::lock_guard<std::mutex> lock(state->mutex);
    return state->failed_after_acceptance;
  }

  bool shutdown(std::chrono::milliseconds) noexcept override {
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      ++state->shutdown_calls;
    }
    state->changed.notify_all();
    return true;
  }

  std::shared_ptr<FakeExporterState> state;
};

}  // namespace weft::testing
