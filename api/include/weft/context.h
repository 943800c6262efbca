// Context: what travels with a unit of work (the active span, the baggage
// and application values under typed keys), and Scope, which makes a Context
// current on this thread.
//
// A Context is an immutable value: with_*() returns a new Context and leaves
// the original unchanged; copies are cheap (a few counted references).
// Nested calls find the current one without passing it around:
// Context::current() returns it by value, weft::current_span() its span. To
// continue work on another thread, capture Context::current() and open a
// Scope with it there, or wrap the work with weft::bind_context(fn).
//
// Context is a thread-compatible value. Scope is one thread only: the thread
// that opened it closes it, and scopes nest like braces. A Scope closed out
// of order is reported once (weft/diagnostics.h) and unlinked safely: the
// scopes still open stay current in their order.
//
//   static const weft::ContextKey<std::string> kTenant("tenant");
//   weft::Scope scope(weft::Context::current().with(kTenant, "acme"));
//   ...
//   if (const std::string* tenant = weft::Context::current().get(kTenant)) {}
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/diagnostics.h"
#include "weft/span_context.h"
#include "weft/span_ref.h"

namespace weft {

// A key for application values in a Context. Create each key once (a static
// or a global) and use it everywhere: keys are told apart by identity, not by
// name, so two libraries cannot collide. Neither copyable nor movable.
template <class T>
class ContextKey {
 public:
  // `name` is for diagnostics only.
  explicit ContextKey(std::string_view name) : name_(name) {}
  ContextKey(const ContextKey&) = delete;
  ContextKey& operator=(const ContextKey&) = delete;

  std::string_view name() const noexcept { return name_; }

 private:
  std::string name_;
};

namespace detail {

// A Context's values: a small immutable vector shared by every Context
// derived from it, one entry per key. with() and without() copy it, so it
// never holds more entries than there are keys in use.
struct ContextValue {
  virtual ~ContextValue() = default;
};

template <class T>
struct TypedContextValue final : ContextValue {
  template <class Value>
  explicit TypedContextValue(Value&& v) : value(std::forward<Value>(v)) {}
  T value;
};

struct ContextEntry {
  const void* key;  // the ContextKey's address
  std::shared_ptr<const ContextValue> value;
};

using ContextEntries = std::vector<ContextEntry>;

}  // namespace detail

class Context {
 public:
  // The empty context: no span, no baggage, no values.
  Context() noexcept = default;
  // A context whose span is a non-recording one carrying `span_context`
  // (what an extracted remote parent looks like).
  explicit Context(SpanContext span_context) noexcept
      : span_(std::move(span_context)) {}

  // This thread's current context (empty when no Scope is open). A copy:
  // it stays valid after the Scope closes.
  static Context current() noexcept;

  // The active span; non-recording (and invalid) when there is none.
  // Called on a temporary (Context::current().span()) it returns a copy, so
  // the result never dangles.
  const SpanRef& span() const& noexcept { return span_; }
  SpanRef span() && noexcept { return std::move(span_); }
  // The context of the active span: what new spans take as their parent.
  const SpanContext& span_context() const& noexcept { return span_.context(); }
  SpanContext span_context() && noexcept { return span_.context(); }

  // This context with `span` as its active span.
  Context with_span(SpanRef span) const noexcept {
    Context copy = *this;
    copy.span_ = std::move(span);
    return copy;
  }
  // This context with a non-recording span carrying `span_context`.
  Context with_span_context(SpanContext span_context) const noexcept {
    return with_span(SpanRef(std::move(span_context)));
  }

  // This context with `value` under `key` (replacing an earlier value of the
  // same key). The value is copied or moved into shared, immutable storage;
  // on allocation failure the context is returned unchanged.
  template <class T, class Value>
  Context with(const ContextKey<T>& key, Value&& value) const noexcept {
    static_assert(std::is_constructible_v<T, Value&&>,
                  "the value must convert to the key's type");
    try {
      return with_entry(&key, std::make_shared<detail::TypedContextValue<T>>(
                                  std::forward<Value>(value)));
    } catch (...) {
      return *this;
    }
  }
  // This context without a value under `key`.
  template <class T>
  Context without(const ContextKey<T>& key) const noexcept {
    try {
      return find(&key) == nullptr ? *this : with_entry(&key, nullptr);
    } catch (...) {
      return *this;
    }
  }
  // The value under `key`, or nullptr. Valid while this Context (or a copy
  // of it) lives.
  template <class T>
  const T* get(const ContextKey<T>& key) const noexcept {
    const detail::ContextValue* value = find(&key);
    return value != nullptr
               ? &static_cast<const detail::TypedContextValue<T>*>(value)->value
               : nullptr;
  }

 private:
  friend class Scope;

  const detail::ContextValue* find(const void* key) const noexcept {
    if (values_ == nullptr) return nullptr;
    for (const detail::ContextEntry& entry : *values_) {
      if (entry.key == key) return entry.value.get();
    }
    return nullptr;
  }
  // A copy with `key` set to `value` (removed when null). May throw.
  Context with_entry(const void* key,
                     std::shared_ptr<const detail::ContextValue> value) const {
    auto entries = std::make_shared<detail::ContextEntries>();
    if (values_ != nullptr) {
      entries->reserve(values_->size() + 1);
      for (const detail::ContextEntry& entry : *values_) {
        if (entry.key != key) entries->push_back(entry);
      }
    }
    if (value != nullptr) entries->push_back({key, std::move(value)});
    Context copy = *this;
    copy.values_ = std::move(entries);
    return copy;
  }

  SpanRef span_;
  std::shared_ptr<const detail::ContextEntries> values_;
};
// Makes a Context current on this thread for the lifetime of the Scope.
class Scope {
 public:
  explicit Scope(Context context) noexcept
      : context_(std::move(context)), outer_(innermost()) {
    if (outer_ != nullptr) outer_->inner_ = this;
    innermost() = this;
  }
  // A scope whose context is the current one with `span` as active span.
  explicit Scope(const SpanRef& span) noexcept
      : Scope(current_context().with_span(span)) {}
  explicit Scope(const SpanContext& span_context) noexcept
      : Scope(current_context().with_span_context(span_context)) {}
  ~Scope() {
    if (inner_ == nullptr) {  // the innermost scope: the usual case
      innermost() = outer_;
      if (outer_ != nullptr) outer_->inner_ = nullptr;
      return;
    }
    // Closed before a scope opened inside it: unlink it, so that the inner
    // one later restores the one outside this.
    static std::atomic<bool> reported{false};
    report_diagnostic_once(
        reported,
        "a weft::Scope was closed before a Scope opened after it (scopes must "
        "nest like braces); the current context may not be what the code "
        "expects");
    inner_->outer_ = outer_;
    if (outer_ != nullptr) outer_->inner_ = inner_;
  }

  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  // The innermost open scope's context on this thread (or the empty
  // context): a reference, valid until that scope closes. Used where a copy
  // would cost (starting a span); user code takes Context::current().
  static const Context& current_context() noexcept {
    const Scope* scope = innermost();
    return scope != nullptr ? scope->context_ : empty();
  }

 private:
  static Scope*& innermost() noexcept {
    thread_local Scope* scope = nullptr;
    return scope;
  }
  static const Context& empty() noexcept {
    static const Context kEmpty;
    return kEmpty;
  }

  Context context_;
  Scope* outer_;
  Scope* inner_ = nullptr;
};

inline Context Context::current() noexcept { return Scope::current_context(); }

// The active span of this thread's current context (non-recording when there
// is none). Every operation works on it while the span records; after the
// span ends, on any thread, they do nothing.
inline SpanRef current_span() noexcept {
  return Scope::current_context().span();
}

// Wraps `function` so that it runs with the Context current now (or
// `context`) as its current context, on whatever thread calls it: the way to
// hand work to a thread pool.
template <class Function>
auto bind_context(Function function, Context context = Context::current()) {
  return [function = std::move(function), context = std::move(context)](
             auto&&... arguments) mutable -> decltype(auto) {
    Scope scope(context);
    return function(std::forward<decltype(arguments)>(arguments)...);
  };
}

}  // namespace weft
