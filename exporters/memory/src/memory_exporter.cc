#include "weft/exporters/memory_exporter.h"

#include <iterator>
#include <utility>

#include "deadline.h"

namespace weft::exporters {

sdk::SpanBatch InMemorySpanStore::take_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(spans_, {});
}

std::size_t InMemorySpanStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return spans_.size();
}

bool InMemorySpanStore::wait_for(std::size_t count,
                                 std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return stored_.wait_until(lock, sdk::deadline_after(timeout),
                            [&] { return spans_.size() >= count; });
}

void InMemorySpanStore::add(sdk::SpanBatch& spans) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    spans_.insert(spans_.end(), std::make_move_iterator(spans.begin()),
                  std::make_move_iterator(spans.end()));
  }
  spans.clear();
  stored_.notify_all();
}

InMemoryExporter::InMemoryExporter(std::shared_ptr<InMemorySpanStore> store)
    : store_(std::move(store)) {}

sdk::ExportResult InMemoryExporter::export_spans(
    sdk::SpanBatch& spans) noexcept {
  if (shut_down_ || !store_) return sdk::ExportResult::kFailure;
  try {
    store_->add(spans);
  } catch (...) {
    return sdk::ExportResult::kFailure;
  }
  return sdk::ExportResult::kSuccess;
}

bool InMemoryExporter::shutdown(std::chrono::milliseconds) noexcept {
  shut_down_ = true;
  return true;
}

}  // namespace weft::exporters
