// SpanRef: a handle to a span that may be shared between threads and kept
// after the span ended; SpanInterface: what an SDK implements to record.
//
// Every operation on a span (attributes, events, links, status, name, end)
// is safe to call from several threads at once. After the span has ended,
// on any thread, calls do nothing; a SpanRef keeps the SDK's small shared
// part of the span alive, never the recorded data, so it cannot dangle.
// SpanRef is a thread-compatible value (copy it to share it); the span it
// refers to is thread-safe.
//
// Instrumented code gets a SpanRef from weft::current_span() (context.h) or
// from a Span (span.h), which owns the span and ends it when destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string_view>
#include <thread>
#include <typeinfo>
#include <utility>
#include <vector>

#include "weft/attribute.h"
#include "weft/link.h"
#include "weft/span_context.h"

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>

#include <cstdlib>
#define WEFT_HAS_CXXABI 1
#endif

namespace weft {

using Clock = std::chrono::system_clock;
using Timestamp = Clock::time_point;

// What kind of operation a span describes; values are OTLP's.
enum class SpanKind : std::uint8_t {
  kInternal = 1,
  kServer = 2,
  kClient = 3,
  kProducer = 4,
  kConsumer = 5,
};

// A span's status; values are OTLP's.
enum class StatusCode : std::uint8_t { kUnset = 0, kOk = 1, kError = 2 };

// The part of a recording span that the API's handles share. An SDK derives
// from it and implements the do_* operations; this class makes them safe:
// - a small lock (one atomic word with the ended flag) gives each do_* call
//   exclusive access, and no do_* call happens after do_end();
// - a reference count keeps the object alive while a handle refers to it.
//   It starts at 2: one reference for the Span handle the SDK returns, one
//   for the SDK itself, which gives it up with release() when it no longer
//   needs the object (at the latest when the recorded data is freed). The
//   last release() calls reclaim().
// The lock is held only for the duration of one recording call, which
// copies its arguments and never calls user code, so spinning is short.
class SpanInterface {
 public:
  SpanInterface(const SpanInterface&) = delete;
  SpanInterface& operator=(const SpanInterface&) = delete;

  void set_attribute(std::string_view key,
                     const AttributeView& value) noexcept {
    if (lock()) {
      do_set_attribute(key, value);
      unlock();
    }
  }
  void add_event(std::string_view name, std::optional<Timestamp> timestamp,
                 Attributes attributes) noexcept {
    if (lock()) {
      do_add_event(name, timestamp, attributes);
      unlock();
    }
  }
  void add_link(const SpanContext& context, Attributes attributes) noexcept {
    if (lock()) {
      do_add_link(context, attributes);
      unlock();
    }
  }
  void add_link(const Link& link) noexcept {
    if (lock()) {
      do_add_link(link);
      unlock();
    }
  }
  void set_status(StatusCode code, std::string_view description) noexcept {
    if (lock()) {
      do_set_status(code, description);
      unlock();
    }
  }
  void update_name(std::string_view name) noexcept {
    if (lock()) {
      do_update_name(name);
      unlock();
    }
  }
  // Ends the span once: waits for a call in progress on another thread, then
  // marks it ended so that no later call reaches the SDK.
  void end(std::optional<Timestamp> end_time) noexcept {
    std::uint32_t expected = 0;
    if (!state_.compare_exchange_strong(expected, kEnded,
                                        std::memory_order_acquire,
                                        std::memory_order_relaxed) &&
        !wait_to_end()) {
      return;
    }
    do_end(end_time);
  }
  bool has_ended() const noexcept {
    return (state_.load(std::memory_order_acquire) & kEnded) != 0;
  }

  void retain(std::uint32_t count = 1) noexcept {
    references_.fetch_add(count, std::memory_order_relaxed);
  }
  void release(std::uint32_t count = 1) noexcept {
    if (references_.fetch_sub(count, std::memory_order_acq_rel) == count) {
      reclaim();
    }
  }
  // The Span handle's end-and-release when it is destroyed. When the handle
  // and the SDK hold the only two references and the span has not ended, no
  // other thread can hold, take or give up a reference (a new one is copied
  // from an existing holder, and the SDK gives its own up only after the
  // end), so the handle gives its reference up with a plain store: the
  // usual span (start, end, destroy) costs one atomic read-modify-write.
  void end_and_release_handle() noexcept {
    if (references_.load(std::memory_order_relaxed) == 2 &&
        (state_.load(std::memory_order_relaxed) & kEnded) == 0) {
      references_.store(1, std::memory_order_relaxed);
      end(std::nullopt);  // the SDK's hand-off publishes the store
      return;
    }
    end(std::nullopt);
    release();
  }

 protected:
  SpanInterface() noexcept = default;
  ~SpanInterface() = default;

  // Called with exclusive access, before do_end, never after it.
  virtual void do_set_attribute(std::string_view key,
                                const AttributeView& value) noexcept = 0;
  virtual void do_add_event(std::string_view name,
                            std::optional<Timestamp> timestamp,
                            Attributes attributes) noexcept = 0;
  virtual void do_add_link(const SpanContext& context,
                           Attributes attributes) noexcept = 0;
  virtual void do_add_link(const Link& link) noexcept = 0;
  virtual void do_set_status(StatusCode code,
                             std::string_view description) noexcept = 0;
  virtual void do_update_name(std::string_view name) noexcept = 0;
  // Called once, with exclusive access; the span ends here.
  virtual void do_end(std::optional<Timestamp> end_time) noexcept = 0;
  // Called when the last reference is released; the object is not used
  // afterwards.
  virtual void reclaim() noexcept = 0;

 private:
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kEnded = 2;

  // True with exclusive access; false once the span has ended.
  bool lock() noexcept {
    std::uint32_t expected = 0;
    return state_.compare_exchange_strong(expected, kLocked,
                                          std::memory_order_acquire,
                                          std::memory_order_relaxed) ||
           wait_to_lock(kLocked);
  }
  void unlock() noexcept { state_.store(0, std::memory_order_release); }
  bool wait_to_end() noexcept { return wait_to_lock(kEnded); }
  // Spins (then yields) until the word is free to become `next`; false
  // when the span ended first.
  bool wait_to_lock(std::uint32_t next) noexcept {
    for (unsigned spins = 0;; ++spins) {
      std::uint32_t seen = state_.load(std::memory_order_relaxed);
      if ((seen & kEnded) != 0) return false;
      if (seen == 0 &&
          state_.compare_exchange_weak(seen, next, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return true;
      }
      if (spins >= 64) std::this_thread::yield();
    }
  }

  std::atomic<std::uint32_t> state_{0};
  std::atomic<std::uint32_t> references_{2};
};

namespace detail {

// What a weft::Scope lends from (weft/context.h): the span of its context,
// and references to it that the Scope holds beyond its context's own, to
// hand out without touching the shared count. weft::current_span() takes
// one; a SpanRef destroyed on the thread whose innermost Scope lends the
// same span gives its reference back there. Each is a real counted
// reference: the Scope releases what it still holds when it closes. One
// thread only (the Scope's).
struct SpanLender {
  SpanInterface* lent = nullptr;
  std::uint32_t spare = 0;
};

// The innermost open Scope of this thread, or null.
inline SpanLender*& innermost_lender() noexcept {
  thread_local SpanLender* lender = nullptr;
  return lender;
}

// The operations that Span and SpanRef share, on the span they refer to.
// Not a type to hold: its copies and assignments are the derived classes'.
class SpanOperations {
 public:
  // Sets or replaces one attribute.
  void set_attribute(std::string_view key,
                     const AttributeView& value) const noexcept {
    if (recording_) recording_->set_attribute(key, value);
  }
  void set_attributes(Attributes attributes) const noexcept {
    if (!recording_) return;
    for (const KeyValue& attribute : attributes) {
      recording_->set_attribute(attribute.key, attribute.value);
    }
  }
  // Records a timestamped event (now, unless `timestamp` is given).
  void add_event(std::string_view name, Attributes attributes = {},
                 std::optional<Timestamp> timestamp = {}) const noexcept {
    if (recording_) recording_->add_event(name, timestamp, attributes);
  }
  // Adds a link after start; it counts against the same link limit.
  void add_link(const SpanContext& context,
                Attributes attributes = {}) const noexcept {
    if (recording_) recording_->add_link(context, attributes);
  }
  void add_link(const Link& link) const noexcept {
    if (recording_) recording_->add_link(link);
  }
  // Records an `exception` event with exception.type and exception.message.
  void record_exception(std::string_view type, std::string_view message,
                        Attributes extra = {}) const noexcept;
  void record_exception(const std::exception& error) const noexcept;
  // Unset is ignored; Ok is final; the description is kept for Error only.
  void set_status(StatusCode code,
                  std::string_view description = {}) const noexcept {
    if (recording_) recording_->set_status(code, description);
  }
  void update_name(std::string_view name) const noexcept {
    if (recording_) recording_->update_name(name);
  }
  // Ends the span (now, unless `end_time` is given); later calls, from any
  // handle, are ignored.
  void end(std::optional<Timestamp> end_time = {}) const noexcept {
    if (recording_) recording_->end(end_time);
  }

  const SpanContext& context() const noexcept { return context_; }
  // True until the span ends, for a span the SDK records.
  bool is_recording() const noexcept {
    return recording_ != nullptr && !recording_->has_ended();
  }

 protected:
  SpanOperations() noexcept = default;
  SpanOperations(SpanInterface* recording, SpanContext&& context) noexcept
      : recording_(recording), context_(std::move(context)) {}
  SpanOperations(SpanInterface* recording, const SpanContext& context) noexcept
      : recording_(recording), context_(context) {}
  SpanOperations(const SpanOperations&) = default;
  SpanOperations& operator=(const SpanOperations&) = default;
  ~SpanOperations() = default;

  void swap(SpanOperations& other) noexcept {
    std::swap(recording_, other.recording_);
    std::swap(context_, other.context_);
  }

  SpanInterface* recording_ = nullptr;  // one counted reference, or null
  SpanContext context_;
};

}  // namespace detail

// A counted reference to a span: every Span operation, safe from any thread;
// all of them do nothing once the span has ended (or when the span is not
// recording, e.g. a remote parent or a span sampled out).
class SpanRef : public detail::SpanOperations {
 public:
  // An empty reference: non-recording, invalid context.
  SpanRef() noexcept = default;
  // A non-recording span that carries `context`.
  explicit SpanRef(SpanContext context) noexcept
      : SpanOperations(nullptr, std::move(context)) {}

  SpanRef(const SpanRef& other) noexcept : SpanOperations(other) {
    if (recording_ != nullptr) recording_->retain();
  }
  SpanRef(SpanRef&& other) noexcept
      : SpanOperations(std::exchange(other.recording_, nullptr),
                       std::move(other.context_)) {}
  SpanRef& operator=(const SpanRef& other) noexcept {
    SpanRef copy(other);
    swap(copy);
    return *this;
  }
  SpanRef& operator=(SpanRef&& other) noexcept {
    SpanRef moved(std::move(other));
    swap(moved);
    return *this;
  }
  ~SpanRef() {
    if (recording_ == nullptr) return;
    detail::SpanLender* lender = detail::innermost_lender();
    if (lender != nullptr && lender->lent == recording_ &&
        lender->spare < kMostSpare) {
      ++lender->spare;  // given back to this thread's Scope: no atomic
      return;
    }
    recording_->release();
  }

 private:
  friend class Span;
  friend class Scope;
  // The most references a Scope keeps to lend.
  static constexpr std::uint32_t kMostSpare = 64;
  // Takes over one reference to `recording`.
  SpanRef(SpanInterface* recording, const SpanContext& context) noexcept
      : SpanOperations(recording, context) {}
};

inline void detail::SpanOperations::record_exception(
    std::string_view type, std::string_view message,
    Attributes extra) const noexcept {
  if (!recording_) return;
  if (extra.empty()) {
    const KeyValue attributes[] = {{"exception.type", type},
                                   {"exception.message", message}};
    recording_->add_event("exception", std::nullopt, attributes);
    return;
  }
  try {
    std::vector<KeyValue> attributes = {{"exception.type", type},
                                        {"exception.message", message}};
    attributes.insert(attributes.end(), extra.begin(), extra.end());
    recording_->add_event("exception", std::nullopt, attributes);
  } catch (...) {
    // Out of memory: the event is not recorded.
  }
}

inline void detail::SpanOperations::record_exception(
    const std::exception& error) const noexcept {
  if (!recording_) return;
  const char* mangled = typeid(error).name();
#ifdef WEFT_HAS_CXXABI
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  record_exception(status == 0 && demangled ? demangled : mangled,
                   error.what());
  std::free(demangled);
#else
  record_exception(mangled, error.what());
#endif
}

}  // namespace weft
