// Span: the move-only RAII handle that owns one operation being recorded.
//
// A Span ends when it is destroyed if end() was not called. It has every
// operation of SpanRef (span_ref.h): all are safe from several threads at
// once (share the Span by reference, or hand out SpanRef copies), safe on an
// empty, ended or non-recording span (they do nothing, cheaply), and none
// throws. The Span itself is thread-compatible: move or destroy it on one
// thread, when no other thread uses it through a reference.
//
// SDKs implement SpanInterface; instrumented code only sees Span and SpanRef.
#pragma once

#include <utility>

#include "weft/context.h"
#include "weft/span_ref.h"

namespace weft {

class Span : public detail::SpanOperations {
 public:
  // An empty span: non-recording, invalid context.
  Span() noexcept = default;
  // A non-recording span that carries `context` (what a no-op tracer returns,
  // so that valid contexts still propagate).
  explicit Span(SpanContext context) noexcept
      : SpanOperations(nullptr, std::move(context)) {}
  // A recording span: takes over the reference the SDK made for its handle.
  Span(SpanInterface* recording, SpanContext context) noexcept
      : SpanOperations(recording, std::move(context)) {}

  Span(Span&& other) noexcept
      : SpanOperations(std::exchange(other.recording_, nullptr),
                       std::move(other.context_)) {}
  Span& operator=(Span&& other) noexcept {
    if (this != &other) {
      end_and_release();
      recording_ = std::exchange(other.recording_, nullptr);
      context_ = std::move(other.context_);
    }
    return *this;
  }
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() { end_and_release(); }

  // A counted reference to this span, for other threads or a Context.
  operator SpanRef() const noexcept {  // NOLINT: implicit, like a copy
    if (recording_ != nullptr) recording_->retain();
    return SpanRef(recording_, context_);
  }

 private:
  void end_and_release() noexcept {
    if (SpanInterface* recording = std::exchange(recording_, nullptr)) {
      recording->end_and_release_handle();
    }
  }
};

// A span that is also the current span of this thread until it is destroyed
// (then the span ends). Context::current() inside it holds the span, so
// weft::current_span() finds it.
class ScopedSpan {
 public:
  explicit ScopedSpan(Span span) noexcept
      : ScopedSpan(std::move(span), Scope::current_context()) {}
  // Makes `base` with `span` in it current.
  ScopedSpan(Span span, const Context& base) noexcept
      : span_(std::move(span)), scope_(base.with_span(span_)) {}

  Span& span() noexcept { return span_; }
  Span* operator->() noexcept { return &span_; }
  const SpanContext& context() const noexcept { return span_.context(); }

 private:
  Span span_;  // destroyed (ended) after the scope is closed
  Scope scope_;
};

}  // namespace weft
