#include "batch_processing/batch_processing.h"

#include <utility>

namespace weft::samples {

BatchProcessor::BatchProcessor(weft::Tracer& tracer,
                               BatchProcessorOptions options)
    : tracer_(tracer), options_(std::move(options)) {
  if (options_.flush_interval.count() > 0) {
    timer_ = std::thread([this] { run_timer(); });
  }
}

BatchProcessor::~BatchProcessor() { close(); }

void BatchProcessor::add_item(const std::string& id, const std::string& type,
                              std::int64_t quantity) {
  std::vector<BatchItem> full_batch;
  {
    // The span that represents the request which created this item.
    ScopedSpan span =
        tracer_.start_scoped_span("receive-item", StartSpanOptions().as_root());
    span->set_attribute("item.id", id);
    span->set_attribute("item.type", type);

    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(BatchItem{id, type, quantity, span.context(),
                               std::chrono::steady_clock::now()});
    span->set_attribute("queue.size", queue_.size());
    if (queue_.size() >= options_.batch_size) full_batch.swap(queue_);
  }
  changed_.notify_all();  // the timer's oldest item may have changed
  // Outside the receive-item span: the batch is a trace of its own.
  if (!full_batch.empty()) process_batch(std::move(full_batch), "size");
}

void BatchProcessor::flush(std::string_view reason) {
  std::vector<BatchItem> leftovers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    leftovers.swap(queue_);
  }
  if (!leftovers.empty()) process_batch(std::move(leftovers), reason);
}

void BatchProcessor::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (timer_.joinable()) timer_.join();
  flush("shutdown");
}

std::size_t BatchProcessor::batches_processed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return batches_processed_;
}

std::size_t BatchProcessor::items_processed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return items_processed_;
}

void BatchProcessor::run_timer() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!closing_) {
    if (queue_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto due = queue_.front().received + options_.flush_interval;
    if (std::chrono::steady_clock::now() < due) {
      changed_.wait_until(lock, due);
      continue;
    }
    std::vector<BatchItem> leftovers;
    leftovers.swap(queue_);
    lock.unlock();
    process_batch(std::move(leftovers), "interval");
    lock.lock();
  }
}

void BatchProcessor::process_batch(std::vector<BatchItem> items,
                                   std::string_view reason) {
  // One batch_member link per item, back to the span that received it.
  std::vector<Link> links;
  std::vector<std::string> item_ids;
  links.reserve(items.size());
  for (std::size_t index = 0; index < items.size(); ++index) {
    links.push_back(
        make_link(items[index].span_context, relationship::kBatchMember,
                  {{"batch.item.index", static_cast<std::int64_t>(index)},
                   {"original.item.id", items[index].id}}));
    item_ids.push_back(items[index].id);
  }

  ScopedSpan batch = tracer_.start_scoped_span(
      "process-batch",
      StartSpanOptions().as_root().with_links(std::move(links)));
  batch->set_attribute("batch.size", items.size());
  batch->set_attribute("batch.item_ids", item_ids);
  batch->set_attribute("batch.flush_reason", reason);
  batch->set_attribute("batch.link_limit", options_.link_limit);
  try {
    for (const BatchItem& item : items) {
      ScopedSpan item_span = tracer_.start_scoped_span("process-item");
      item_span->set_attribute("item.id", item.id);
      if (options_.item_work.count() > 0) {
        std::this_thread::sleep_for(options_.item_work);  // the "work"
      }
    }
    batch->set_attribute("batch.status", "success");
  } catch (const std::exception& error) {
    batch->set_attribute("batch.status", "error");
    batch->record_exception(error);
    batch->set_status(StatusCode::kError, error.what());
  }

  std::lock_guard<std::mutex> lock(mutex_);
  ++batches_processed_;
  items_processed_ += items.size();
}

BatchSampleResult run_batch_processing(weft::Tracer& tracer,
                                       const BatchSampleOptions& options) {
  BatchProcessor processor(tracer, options.processor);
  for (std::uint32_t i = 0; i < options.items; ++i) {
    processor.add_item("item-" + std::to_string(i), "order",
                       static_cast<std::int64_t>(i) + 1);
  }
  processor.close();
  return {processor.batches_processed(), processor.items_processed()};
}

}  // namespace weft::samples
