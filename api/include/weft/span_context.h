// SpanContext: the part of a span that crosses threads and processes.
//
// An immutable value: trace id, span id, flags, tracestate and whether it was
// received from another process. Thread-compatible; copies are cheap (the
// tracestate is shared).
#pragma once

#include "weft/ids.h"
#include "weft/trace_state.h"

namespace weft {

class SpanContext {
 public:
  // The invalid context: all-zero ids.
  SpanContext() noexcept = default;
  SpanContext(TraceId trace_id, SpanId span_id, TraceFlags flags = {},
              TraceState trace_state = {}, bool is_remote = false) noexcept
      : trace_id_(trace_id),
        span_id_(span_id),
        flags_(flags),
        is_remote_(is_remote),
        trace_state_(std::move(trace_state)) {}

  const TraceId& trace_id() const noexcept { return trace_id_; }
  const SpanId& span_id() const noexcept { return span_id_; }
  TraceFlags flags() const noexcept { return flags_; }
  bool is_sampled() const noexcept { return flags_.sampled(); }
  const TraceState& trace_state() const noexcept { return trace_state_; }
  // True for a context extracted from a carrier (another process).
  bool is_remote() const noexcept { return is_remote_; }
  // Valid when both ids are non-zero.
  bool is_valid() const noexcept {
    return trace_id_.is_valid() && span_id_.is_valid();
  }

  SpanContext with_trace_state(TraceState trace_state) const noexcept {
    SpanContext copy = *this;
    copy.trace_state_ = std::move(trace_state);
    return copy;
  }

  // Ids, flags and tracestate are equal (remoteness is not compared).
  friend bool operator==(const SpanContext& a, const SpanContext& b) noexcept {
    return a.trace_id_ == b.trace_id_ && a.span_id_ == b.span_id_ &&
           a.flags_ == b.flags_ && a.trace_state_ == b.trace_state_;
  }
  friend bool operator!=(const SpanContext& a, const SpanContext& b) noexcept {
    return !(a == b);
  }

 private:
  TraceId trace_id_;
  SpanId span_id_;
  TraceFlags flags_;
  bool is_remote_ = false;
  TraceState trace_state_;
};

}  // namespace weft
