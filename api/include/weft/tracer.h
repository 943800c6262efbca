// Tracer and TracerProvider: where spans come from.
//
// Instrumented code asks the global provider (weft/provider.h) for a Tracer
// once, keeps it, and starts spans with it. SDKs implement both interfaces.
// Tracer and TracerProvider implementations are thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

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
  // Start time; now when unset.
  std::optional<Timestamp> start_time;

  StartSpanOptions& with_parent(SpanContext context) {
    parent_source = ParentSource::kExplicit;
    parent = std::move(context);
    parent_context_.reset();
    return *this;
  }
  // The span of `context` is the parent; a scoped span started with these
  // options also keeps the rest of `context` (its baggage and values) in
  // the context it makes current, as an extracted message's baggage should.
  StartSpanOptions& with_parent(const Context& context) {
    with_parent(context.span_context());
    parent_context_ = context;
    return *this;
  }
  StartSpanOptions& as_root() {
    parent_source = ParentSource::kRoot;
    return *this;
  }
  StartSpanOptions& with_kind(SpanKind k) {
    kind = k;
    return *this;
  }
  // Links known at start, owned by these options: a braced list
  // (`with_links({make_link(a, r), make_link(b, r)})`) or a vector, copied
  // unless moved in. The options may be kept and used later. Replaces links
  // given before.
  StartSpanOptions& with_links(std::vector<Link> links) noexcept {
    owned_links_ = std::move(links);
    borrowed_links_ = {};
    return *this;
  }
  // Links known at start, NOT copied: for links the application keeps and
  // offers to many spans (the batch pattern). `links` must outlive every
  // start_span call given these options. A braced list or a temporary vector
  // would not, so they do not compile here: use with_links for those.
  // Replaces links given before.
  StartSpanOptions& with_borrowed_links(ArrayView<Link> links) noexcept {
    borrowed_links_ = links;
    owned_links_.clear();
    return *this;
  }
  StartSpanOptions& with_borrowed_links(std::initializer_list<Link>) = delete;
  StartSpanOptions& with_borrowed_links(std::vector<Link>&&) = delete;
  template <std::size_t N>
  StartSpanOptions& with_borrowed_links(std::array<Link, N>&&) = delete;
  // The links offered at start (samplers see them all; spans keep the
  // recordable ones, up to the link limit). The SDK copies what it keeps.
  ArrayView<Link> links() const noexcept {
    if (owned_links_.empty()) return borrowed_links_;
    return ArrayView<Link>(owned_links_);
  }

  StartSpanOptions& with_start_time(Timestamp t) {
    start_time = t;
    return *this;
  }

  // What a scoped span started with these options makes current, with the
  // new span in it: the Context given to with_parent, else the current one.
  const Context& scope_base() const noexcept {
    return parent_context_ ? *parent_context_ : Scope::current_context();
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
  // At most one of the two is non-empty.
  std::vector<Link> owned_links_;
  ArrayView<Link> borrowed_links_;
  std::optional<Context> parent_context_;  // given to with_parent
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
    return ScopedSpan(do_start_span(name, options, attributes),
                      options.scope_base());
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
