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
#include <cstddef>
#include <memory>
#include <new>
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

// A Context's values: a small immutable array shared by every Context
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

// A Context's entries: an immutable array shared by counted references,
// held in one allocation with its count (a std::shared_ptr to a
// std::vector took two). Copying and reading are thread-safe.
class ContextEntries {
 public:
  ContextEntries() noexcept = default;
  ContextEntries(const ContextEntries& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) {
      block_->references.fetch_add(1, std::memory_order_relaxed);
    }
  }
  ContextEntries(ContextEntries&& other) noexcept : block_(other.block_) {
    other.block_ = nullptr;
  }
  ContextEntries& operator=(ContextEntries other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~ContextEntries() {
    if (block_ == nullptr ||
        block_->references.fetch_sub(1, std::memory_order_acq_rel) != 1) {
      return;
    }
    for (std::size_t i = 0; i < block_->size; ++i) {
      block_->entries()[i].~ContextEntry();
    }
    block_->~Block();
    ::operator delete(block_);
  }

  // `entries` without `key`, then `key` with `value` when it is not null.
  // Throws std::bad_alloc.
  static ContextEntries replace(const ContextEntries& entries, const void* key,
                                std::shared_ptr<const ContextValue> value) {
    std::size_t capacity = entries.size() + (value != nullptr ? 1 : 0);
    if (capacity == 0) return {};
    ContextEntries result;
    void* memory =
        ::operator new(sizeof(Block) + capacity * sizeof(ContextEntry));
    result.block_ = new (memory) Block{{1}, 0};
    ContextEntry* out = result.block_->entries();
    for (const ContextEntry& entry : entries) {
      if (entry.key == key) continue;
      new (out + result.block_->size++) ContextEntry(entry);
    }
    if (value != nullptr) {
      new (out + result.block_->size++) ContextEntry{key, std::move(value)};
    }
    if (result.block_->size == 0) return {};
    return result;
  }

  const ContextEntry* begin() const noexcept {
    return block_ != nullptr ? block_->entries() : nullptr;
  }
  const ContextEntry* end() const noexcept {
    return block_ != nullptr ? block_->entries() + block_->size : nullptr;
  }
  std::size_t size() const noexcept {
    return block_ != nullptr ? block_->size : 0;
  }

 private:
  struct Block {
    std::atomic<std::size_t> references;
    std::size_t size;
    ContextEntry* entries() noexcept {
      return reinterpret_cast<ContextEntry*>(this + 1);
    }
  };
  static_assert(sizeof(Block) % alignof(ContextEntry) == 0);
  Block* block_ = nullptr;
};

}  // namespace detail

namespace detail {
struct ContextAccess;
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
  friend struct detail::ContextAccess;

  const detail::ContextValue* find(const void* key) const noexcept {
    for (const detail::ContextEntry& entry : values_) {
      if (entry.key == key) return entry.value.get();
    }
    return nullptr;
  }
  // A copy with `key` set to `value` (removed when null). May throw.
  Context with_entry(const void* key,
                     std::shared_ptr<const detail::ContextValue> value) const {
    Context copy = *this;
    copy.values_ =
        detail::ContextEntries::replace(values_, key, std::move(value));
    return copy;
  }

  SpanRef span_;
  detail::ContextEntries values_;
};
inline SpanRef current_span() noexcept;

// Makes a Context current on this thread for the lifetime of the Scope.
// It also lends references to its context's span to current_span(): it
// takes them 16 at a time, keeps at most 64 given back, and releases the
// rest when it closes.
class Scope : private detail::SpanLender {
 public:
  explicit Scope(Context context) noexcept
      : context_(std::move(context)), outer_(innermost()) {
    lent = context_.span_.recording_;
    if (outer_ != nullptr) outer_->inner_ = this;
    detail::innermost_lender() = this;
  }
  // A scope whose context is the current one with `span` as active span.
  explicit Scope(const SpanRef& span) noexcept
      : Scope(current_context().with_span(span)) {}
  explicit Scope(const SpanContext& span_context) noexcept
      : Scope(current_context().with_span_context(span_context)) {}
  ~Scope() {
    if (inner_ == nullptr) {  // the innermost scope: the usual case
      detail::innermost_lender() = outer_;
      if (outer_ != nullptr) outer_->inner_ = nullptr;
      if (spare != 0) lent->release(spare);
      return;
    }
    if (spare != 0) lent->release(spare);
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
  friend SpanRef current_span() noexcept;

  // A counted reference to the span of this Scope's context, taken from the
  // references it keeps to lend (refilled kRefill at a time with one atomic
  // add).
  SpanRef lend_span() noexcept {
    if (lent != nullptr) {
      if (spare == 0) {
        lent->retain(kRefill);
        spare = kRefill;
      }
      --spare;
    }
    return SpanRef(lent, context_.span_.context());
  }
  static constexpr std::uint32_t kRefill = 16;

  // The innermost open scope is this thread's lender (weft/span_ref.h).
  static Scope* innermost() noexcept {
    return static_cast<Scope*>(detail::innermost_lender());
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

namespace detail {

// For the API's own values that a Context holds as they are, without a
// TypedContextValue around them (the baggage's entries): stores and finds
// the counted value itself under the address of a key.
struct ContextAccess {
  // `context` with `value` under `key` (none when null). May throw.
  static Context with_value(const Context& context, const void* key,
                            std::shared_ptr<const ContextValue> value) {
    return context.with_entry(key, std::move(value));
  }
  static const std::shared_ptr<const ContextValue>* find_value(
      const Context& context, const void* key) noexcept {
    for (const ContextEntry& entry : context.values_) {
      if (entry.key == key) return &entry.value;
    }
    return nullptr;
  }
};

}  // namespace detail

// The active span of this thread's current context (non-recording when there
// is none). Every operation works on it while the span records; after the
// span ends, on any thread, they do nothing. The reference is counted like
// any SpanRef (keep it, move it to another thread), but taken from a few
// that the innermost Scope holds, and given back there when it goes on this
// thread while that Scope is open: `weft::current_span().add_event(...)`
// touches no shared counter (weft/span_ref.h, SpanLender).
inline SpanRef current_span() noexcept {
  Scope* scope = Scope::innermost();
  return scope != nullptr ? scope->lend_span() : SpanRef();
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
