// BatchSpanProcessor: queues ended spans in a bounded lock-free queue and
// exports them in batches from one worker thread.
//
// The application thread never blocks and never waits for the exporter: when
// the queue is full the span is dropped and counted (ProcessorStats). The
// worker exports when a batch is full, when the schedule delay has passed, on
// force_flush and on shutdown. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "weft/sdk/environment.h"
#include "weft/sdk/expected.h"
#include "weft/sdk/logger.h"
#include "weft/sdk/span_exporter.h"
#include "weft/sdk/span_processor.h"

namespace weft::sdk {

// The largest queue a batch processor keeps (2^20 spans): a larger
// max_queue_size, from code or OTEL_BSP_MAX_QUEUE_SIZE, is reported and
// clamped to it. The queue's memory follows use: its 8-byte cells are mapped
// as spans reach them, and a span's own memory is taken when it is recorded.
inline constexpr std::uint32_t kMaxBatchQueueSize = 1u << 20;

struct BatchOptions {
  std::uint32_t max_queue_size = 2048;              // OTEL_BSP_MAX_QUEUE_SIZE
  std::chrono::milliseconds schedule_delay{5000};   // OTEL_BSP_SCHEDULE_DELAY
  std::chrono::milliseconds export_timeout{30000};  // OTEL_BSP_EXPORT_TIMEOUT
  std::uint32_t max_export_batch_size = 512;  // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::shared_ptr<Logger> logger;  // null: the SDK-wide logger (logger.h)
  // Where OTEL_BSP_* are read from; null means the process environment.
  const Environment* environment = nullptr;
};

// Environment over `options` over defaults. A bad environment value is logged
// (naming the variable and the value) and the code value is used; invalid
// code values (zero sizes or delays) are an error. A queue size above
// kMaxBatchQueueSize is logged and clamped; the batch size is clamped to the
// queue size.
Expected<std::unique_ptr<SpanProcessor>> make_batch_processor(
    std::unique_ptr<SpanExporter> exporter, BatchOptions options = {});

}  // namespace weft::sdk
