// The no-op tracer and provider: what instrumented code gets before an
// application installs an SDK. Nothing is recorded; a valid parent context
// still flows into the returned span, so propagation keeps working.
// Thread-safe (stateless).
#pragma once

#include <memory>

#include "weft/tracer.h"

namespace weft {

class NoopTracer final : public Tracer {
 protected:
  Span do_start_span(std::string_view, const StartSpanOptions& options,
                     Attributes) noexcept override {
    return Span(options.resolve_parent());
  }
};

class NoopTracerProvider final : public TracerProvider {
 public:
  std::shared_ptr<Tracer> get_tracer(std::string_view, std::string_view,
                                     std::string_view) noexcept override {
    static const auto tracer = std::make_shared<NoopTracer>();
    return tracer;
  }
};

}  // namespace weft
