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
  static const Context& current() noexcept {
    const Context* current = slot();
    return current != nullptr ? *current : empty();
  }

  // The context of the span that new spans take as their parent.
  const SpanContext& span_context() const noexcept { return span_context_; }

 private:
  friend class Scope;
  // The innermost open Scope's context; a plain pointer, so reading it costs
  // one thread-local load.
  static const Context*& slot() noexcept {
    thread_local const Context* current = nullptr;
    return current;
  }
  static const Context& empty() noexcept {
    static const Context kEmpty;
    return kEmpty;
  }

  SpanContext span_context_;
};

// Makes a Context current for the lifetime of the Scope.
class Scope {
 public:
  explicit Scope(Context context) noexcept
      : context_(std::move(context)),
        previous_(std::exchange(Context::slot(), &context_)) {}
  explicit Scope(const SpanContext& span_context) noexcept
      : Scope(Context(span_context)) {}
  ~Scope() { Context::slot() = previous_; }

  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context context_;
  const Context* previous_;
};

}  // namespace weft
