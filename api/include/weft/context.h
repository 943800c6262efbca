// Context and Scope: which span is current on this thread.
//
// Each thread has its own current Context, so nested calls find their parent
// without passing it around. A Scope makes a Context current until the Scope
// is destroyed, then restores the previous one. To continue work on another
// thread, capture `Context::current()` and open a Scope with it there.
// Context is a thread-compatible value; Scope is one thread only (the thread
// that created it must destroy it), and scopes nest like braces.
#pragma once

#include <utility>

#include "weft/span_context.h"

namespace weft {

class Context {
 public:
  Context() noexcept = default;
  explicit Context(SpanContext span_context) noexcept
      : span_context_(std::move(span_context)) {}

  // This thread's current context (empty when no Scope is open).
  static const Context& current() noexcept { return slot(); }

  // The context of the span that new spans take as their parent.
  const SpanContext& span_context() const noexcept { return span_context_; }

 private:
  friend class Scope;
  static Context& slot() noexcept {
    thread_local Context current;
    return current;
  }

  SpanContext span_context_;
};

// Makes a Context current for the lifetime of the Scope.
class Scope {
 public:
  explicit Scope(Context context) noexcept
      : previous_(std::exchange(Context::slot(), std::move(context))) {}
  explicit Scope(const SpanContext& span_context) noexcept
      : Scope(Context(span_context)) {}
  ~Scope() { Context::slot() = std::move(previous_); }

  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context previous_;
};

}  // namespace weft
