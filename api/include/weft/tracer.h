// Tracer and TracerProvider: where spans come from.
//
// Instrumented code asks the global provider (weft/provider.h) for a Tracer
// once, keeps it, and starts spans with it. SDKs implement both interfaces.
// Tracer and TracerProvider implementations are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "weft/array_view.h"
#include "weft/attribute.h"
#include "weft/context.h"
#include "weft/link.h"
#include "weft/span.h"

namespace weft {

// How a new span finds its parent.
enum class ParentSource : std::uint8_t {
  kCurrent,   // the current span of this thread, if any (the default)
  kExplicit,  // StartSpanOptions::parent; an invalid context starts a trace
  kRoot,      // none: always start a new trace
};

struct StartSpanOptions {
  ParentSource parent_source = ParentSource::kCurrent;
  // Used with ParentSource::kExplicit; see with_parent().
  SpanContext parent;
  SpanKind kind = SpanKind::kInternal;
  // Links known at start (samplers see them). A view: the links must outlive
  // the start_span call; the SDK copies what it keeps.
  ArrayView<Link> links;
  // Start time; now when unset.
  std::optional<Timestamp> start_time;

  StartSpanOptions& with_parent(SpanContext context) {
    parent_source = ParentSource::kExplicit;
    parent = std::move(context);
    return *this;
  }
  StartSpanOptions& with_parent(const Context& context) {
    return with_parent(context.span_context());
  }
  StartSpanOptions& as_root() {
    parent_source = ParentSource::kRoot;
    return *this;
  }
  StartSpanOptions& with_kind(SpanKind k) {
    kind = k;
    return *this;
  }
  StartSpanOptions& with_links(ArrayView<Link> l) {
    links = l;
    return *this;
  }
  StartSpanOptions& with_start_time(Timestamp t) {
    start_time = t;
    return *this;
  }

  // The parent context these options select (invalid for a new trace).
  const SpanContext& resolve_parent() const noexcept {
    switch (parent_source) {
      case ParentSource::kExplicit:
        return parent;
      case ParentSource::kRoot:
        return kNoParent;
      case ParentSource::kCurrent:
        break;
    }
    return Scope::current_context().span_context();
  }

  // Options with every default, shared by the calls that pass none.
  static const StartSpanOptions& defaults() noexcept {
    static const StartSpanOptions kDefaults;
    return kDefaults;
  }

 private:
  static inline const SpanContext kNoParent{};
};

class Tracer {
 public:
  virtual ~Tracer() = default;

  // Starts a span. Never throws; returns a non-recording span when the SDK
  // is absent, shut down, or samples the span out.
  Span start_span(std::string_view name, const StartSpanOptions& options,
                  Attributes attributes = {}) noexcept {
    return do_start_span(name, options, attributes);
  }
  Span start_span(std::string_view name) noexcept {
    return do_start_span(name, StartSpanOptions::defaults(), {});
  }

  // Starts a span and makes it this thread's current span until the returned
  // ScopedSpan is destroyed (then the span ends).
  ScopedSpan start_scoped_span(std::string_view name,
                               const StartSpanOptions& options,
                               Attributes attributes = {}) noexcept {
    return ScopedSpan(do_start_span(name, options, attributes));
  }
  ScopedSpan start_scoped_span(std::string_view name) noexcept {
    return ScopedSpan(do_start_span(name, StartSpanOptions::defaults(), {}));
  }

 protected:
  virtual Span do_start_span(std::string_view name,
                             const StartSpanOptions& options,
                             Attributes attributes) noexcept = 0;
};

class TracerProvider {
 public:
  virtual ~TracerProvider() = default;

  // The tracer for one instrumentation scope (a library or component).
  virtual std::shared_ptr<Tracer> get_tracer(
      std::string_view name, std::string_view version = {},
      std::string_view schema_url = {}) noexcept = 0;
};

}  // namespace weft
