// SimpleSpanProcessor: exports each span synchronously, on the thread that
// ends it. For tests and samples only: a slow exporter slows the application.
// Thread-safe (exports are serialized by a mutex that is released before the
// exporter's shutdown is called).
#pragma once

#include <memory>

#include "weft/sdk/span_exporter.h"
#include "weft/sdk/span_processor.h"

namespace weft::sdk {

std::unique_ptr<SpanProcessor> make_simple_processor(
    std::unique_ptr<SpanExporter> exporter);

}  // namespace weft::sdk
