// InMemoryExporter: keeps finished spans in a shared, bounded-by-the-test
// store, for tests and for samples that check their own output.
//
// The store is thread-safe: the processor's thread adds spans while a test
// thread waits for them and takes them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>

#include "weft/sdk/span_exporter.h"

namespace weft::exporters {

class InMemorySpanStore {
 public:
  // Takes every span stored so far, in the order they were exported.
  sdk::SpanBatch take_all();
  std::size_t size() const;
  // Waits until at least `count` spans are stored; false on timeout.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
  void add(sdk::SpanBatch& spans);

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable stored_;
  sdk::SpanBatch spans_;
};

class InMemoryExporter final : public sdk::SpanExporter {
 public:
  explicit InMemoryExporter(std::shared_ptr<InMemorySpanStore> store =
                                std::make_shared<InMemorySpanStore>());

  const std::shared_ptr<InMemorySpanStore>& store() const { return store_; }
  sdk::ExportResult export_spans(sdk::SpanBatch& spans) noexcept override;
  bool shutdown(std::chrono::milliseconds timeout) noexcept override;

 private:
  std::shared_ptr<InMemorySpanStore> store_;
  // Set by shutdown(), which may run on another thread than export_spans().
  std::atomic<bool> shut_down_{false};
};

}  // namespace weft::exporters
