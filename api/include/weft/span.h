// Span: the move-only RAII handle of one operation being recorded.
//
// A Span ends when it is destroyed if end() was not called. Every call is safe
// on an empty, ended or non-recording span and does nothing there, cheaply;
// no call throws. A Span is thread-compatible: use it from one thread at a
// time (hand its context(), not the Span, to other threads).
//
// SDKs implement SpanInterface; instrumented code only sees Span.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include "weft/attribute.h"
#include "weft/context.h"
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

// What an SDK's recording span implements. The Span handle owns the object
// until it calls end(), which hands it back to the SDK.
class SpanInterface {
 public:
  virtual void set_attribute(std::string_view key,
                             const AttributeView& value) noexcept = 0;
  virtual void add_event(std::string_view name,
                         std::optional<Timestamp> timestamp,
                         Attributes attributes) noexcept = 0;
  virtual void add_link(const SpanContext& context,
                        Attributes attributes) noexcept = 0;
  virtual void add_link(const Link& link) noexcept = 0;
  virtual void set_status(StatusCode code,
                          std::string_view description) noexcept = 0;
  virtual void update_name(std::string_view name) noexcept = 0;
  // Ends the span; the object belongs to the SDK again afterwards.
  virtual void end(std::optional<Timestamp> end_time) noexcept = 0;

 protected:
  ~SpanInterface() = default;
};

class Span {
 public:
  // An empty span: non-recording, invalid context.
  Span() noexcept = default;
  // A non-recording span that carries `context` (what a no-op tracer returns,
  // so that valid contexts still propagate).
  explicit Span(SpanContext context) noexcept : context_(std::move(context)) {}
  // A recording span; `recording` is owned until end().
  Span(SpanInterface* recording, SpanContext context) noexcept
      : recording_(recording), context_(std::move(context)) {}

  Span(Span&& other) noexcept
      : recording_(std::exchange(other.recording_, nullptr)),
        context_(std::move(other.context_)) {}
  Span& operator=(Span&& other) noexcept {
    if (this != &other) {
      end();
      recording_ = std::exchange(other.recording_, nullptr);
      context_ = std::move(other.context_);
    }
    return *this;
  }
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() { end(); }

  // Sets or replaces one attribute.
  void set_attribute(std::string_view key,
                     const AttributeView& value) noexcept {
    if (recording_) recording_->set_attribute(key, value);
  }
  void set_attributes(Attributes attributes) noexcept {
    if (!recording_) return;
    for (const KeyValue& attribute : attributes) {
      recording_->set_attribute(attribute.key, attribute.value);
    }
  }
  // Records a timestamped event (now, unless `timestamp` is given).
  void add_event(std::string_view name, Attributes attributes = {},
                 std::optional<Timestamp> timestamp = {}) noexcept {
    if (recording_) recording_->add_event(name, timestamp, attributes);
  }
  // Adds a link after start; it counts against the same link limit.
  void add_link(const SpanContext& context,
                Attributes attributes = {}) noexcept {
    if (recording_) recording_->add_link(context, attributes);
  }
  void add_link(const Link& link) noexcept {
    if (recording_) recording_->add_link(link);
  }
  // Records an `exception` event with exception.type and exception.message.
  void record_exception(std::string_view type, std::string_view message,
                        Attributes extra = {}) noexcept;
  void record_exception(const std::exception& error) noexcept;
  // Unset is ignored; Ok is final; the description is kept for Error only.
  void set_status(StatusCode code, std::string_view description = {}) noexcept {
    if (recording_) recording_->set_status(code, description);
  }
  void update_name(std::string_view name) noexcept {
    if (recording_) recording_->update_name(name);
  }
  // Ends the span (now, unless `end_time` is given); later calls are ignored.
  void end(std::optional<Timestamp> end_time = {}) noexcept {
    if (SpanInterface* recording = std::exchange(recording_, nullptr)) {
      recording->end(end_time);
    }
  }

  const SpanContext& context() const noexcept { return context_; }
  // True until end() for a span the SDK records.
  bool is_recording() const noexcept { return recording_ != nullptr; }

 private:
  SpanInterface* recording_ = nullptr;
  SpanContext context_;
};

// A span that is also the current span of this thread until it is destroyed.
class ScopedSpan {
 public:
  explicit ScopedSpan(Span span) noexcept
      : span_(std::move(span)), scope_(span_.context()) {}

  Span& span() noexcept { return span_; }
  Span* operator->() noexcept { return &span_; }
  const SpanContext& context() const noexcept { return span_.context(); }

 private:
  Span span_;  // destroyed (ended) after the scope is closed
  Scope scope_;
};

inline void Span::record_exception(std::string_view type,
                                   std::string_view message,
                                   Attributes extra) noexcept {
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

inline void Span::record_exception(const std::exception& error) noexcept {
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
