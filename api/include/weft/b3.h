// B3: Zipkin's propagation format (github.com/openzipkin/b3-propagation), for
// services that talk to Zipkin-instrumented ones. B3Propagator behaves as
// OpenTelemetry's B3 propagator does:
//
//   single header    b3: {trace-id}-{span-id}-{sampling}-{parent-span-id}
//                    (sampling and parent optional; or only a sampling state)
//   multiple headers x-b3-traceid, x-b3-spanid, x-b3-parentspanid,
//                    x-b3-sampled, x-b3-flags
//
// extract reads both formats; a `b3` header that yields a span context wins,
// otherwise the x-b3-* headers are read. Of several values of one header the
// first counts. Ids are lowercase hex (the specification's "lower-hex"): a
// 32-character trace id, or a 16-character one, left-padded with zeros to 128
// bits; a 16-character span id; all-zero ids are invalid. The parent span id
// is checked and ignored (weft starts a new span id for its side). Sampling:
//   1 (or x-b3-sampled: true)       sampled
//   0 (or x-b3-sampled: false)      not sampled
//   d (or x-b3-flags: 1)            debug: sampled, and the debug flag is kept
//                                   in the Context, so inject repeats it
//   absent ("defer")                not sampled, as in every OpenTelemetry SDK
//                                   (W3C trace flags cannot say "undecided");
//                                   a parent-based sampler then drops the trace
// A sampling state without ids (`b3: 0`, the deny form; `b3: 1`; `b3: d`)
// gives no parent: the next span is a root and the local sampler decides (as
// in OpenTelemetry, whose span context cannot carry a decision without ids).
// Anything malformed returns `base` unchanged. An extracted span context is
// remote and keeps the other values of `base`.
//
// inject writes the chosen format, with a 32-character trace id and without
// parent span id: `b3: {trace}-{span}-{1|0|d}`, or x-b3-traceid, x-b3-spanid
// and either x-b3-sampled (1 or 0) or, for a debug trace, x-b3-flags: 1 alone.
// Debug is written only for a sampled span context.
//
//   weft::set_global_propagator(std::make_shared<weft::B3Propagator>(
//       weft::B3Propagator::Format::kMultipleHeaders));
//
// Immutable and thread-safe. Nothing throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "weft/array_view.h"
#include "weft/context.h"
#include "weft/ids.h"
#include "weft/propagation.h"
#include "weft/span_context.h"
#include "weft/traceparent.h"

namespace weft {

class B3Propagator final : public TextMapPropagator {
 public:
  // Which headers inject writes (extract always reads both).
  enum class Format { kSingleHeader, kMultipleHeaders };

  static constexpr std::string_view kB3 = "b3";
  static constexpr std::string_view kTraceIdHeader = "x-b3-traceid";
  static constexpr std::string_view kSpanIdHeader = "x-b3-spanid";
  static constexpr std::string_view kParentSpanIdHeader = "x-b3-parentspanid";
  static constexpr std::string_view kSampledHeader = "x-b3-sampled";
  static constexpr std::string_view kFlagsHeader = "x-b3-flags";

  // OpenTelemetry's default is the single header.
  explicit B3Propagator(Format inject_format = Format::kSingleHeader) noexcept
      : inject_format_(inject_format) {}

  Format inject_format() const noexcept { return inject_format_; }

  // Every header either format reads or writes.
  ArrayView<std::string_view> fields() const noexcept override {
    static constexpr std::string_view kFields[] = {kB3,
                                                   kTraceIdHeader,
                                                   kSpanIdHeader,
                                                   kParentSpanIdHeader,
                                                   kSampledHeader,
                                                   kFlagsHeader};
    return kFields;
  }

  // True when `context` carries B3's debug flag for the trace of its span
  // (set by extract, or by with_debug).
  static bool is_debug(const Context& context) noexcept {
    const TraceId* trace_id = context.get(debug_key());
    return trace_id != nullptr && context.span_context().is_valid() &&
           *trace_id == context.span_context().trace_id();
  }
  // `context` with the debug flag set for the trace of its span: inject then
  // writes `d` (or x-b3-flags: 1) for every sampled span of that trace. The
  // flag belongs to the trace, so it never leaks onto a new root started in
  // the same context. Unchanged when the span context is invalid.
  static Context with_debug(const Context& context) noexcept {
    if (!context.span_context().is_valid()) return context;
    return context.with(debug_key(), context.span_context().trace_id());
  }

 protected:
  void do_inject(const Context& context,
                 CarrierWriter& carrier) const noexcept override;
  Context do_extract(const CarrierReader& carrier,
                     const Context& base) const noexcept override;

 private:
  static const ContextKey<TraceId>& debug_key() noexcept {
    static const ContextKey<TraceId> key("weft.b3.debug");
    return key;
  }

  Format inject_format_;
};

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

enum class B3Sampling { kDefer, kDeny, kAccept, kDebug };

// What one B3 value holds: a span context (invalid when only a sampling
// state was sent; sampled for kAccept and kDebug) and the sampling state.
struct B3Parsed {
  SpanContext span_context;
  B3Sampling sampling = B3Sampling::kDefer;
};

// The sampling state of a single-header character.
constexpr std::optional<B3Sampling> b3_sampling_of(char c) noexcept {
  switch (c) {
    case '0':
      return B3Sampling::kDeny;
    case '1':
      return B3Sampling::kAccept;
    case 'd':
      return B3Sampling::kDebug;
    default:
      return std::nullopt;
  }
}

// A B3 trace id: 32 lowercase hex characters, or 16 left-padded to 128 bits.
inline std::optional<TraceId> parse_b3_trace_id(std::string_view hex) noexcept {
  if (hex.size() == TraceId::kHexSize) {
    return decode_lower_hex_id<TraceId>(hex.data());
  }
  if (hex.size() != SpanId::kHexSize) return std::nullopt;
  const auto low = decode_lower_hex_id<SpanId>(hex.data());
  if (!low) return std::nullopt;
  std::array<std::uint8_t, TraceId::kSize> bytes{};
  for (std::size_t i = 0; i < SpanId::kSize; ++i) {
    bytes[TraceId::kSize - SpanId::kSize + i] = low->bytes()[i];
  }
  return TraceId(bytes);
}

inline std::optional<SpanId> parse_b3_span_id(std::string_view hex) noexcept {
  if (hex.size() != SpanId::kHexSize) return std::nullopt;
  return decode_lower_hex_id<SpanId>(hex.data());
}

inline SpanContext make_b3_span_context(TraceId trace_id, SpanId span_id,
                                        B3Sampling sampling) noexcept {
  const bool sampled =
      sampling == B3Sampling::kAccept || sampling == B3Sampling::kDebug;
  return SpanContext(trace_id, span_id, TraceFlags().with_sampled(sampled),
                     TraceState(), /*is_remote=*/true);
}

// Parses a `b3` value (without surrounding whitespace):
//   {sampling}  or  {trace}-{span}[-{sampling}[-{parent}]]
// nullopt when it is malformed.
inline std::optional<B3Parsed> parse_b3_single_header(
    std::string_view value) noexcept {
  if (value.size() == 1) {
    const auto sampling = b3_sampling_of(value[0]);
    if (!sampling) return std::nullopt;
    return B3Parsed{SpanContext(), *sampling};
  }
  const std::size_t trace_end = value.find('-');
  if (trace_end == std::string_view::npos) return std::nullopt;
  const auto trace_id = parse_b3_trace_id(value.substr(0, trace_end));
  if (!trace_id) return std::nullopt;
  std::string_view rest = value.substr(trace_end + 1);
  const auto span_id = parse_b3_span_id(rest.substr(0, SpanId::kHexSize));
  if (!span_id) return std::nullopt;
  rest.remove_prefix(SpanId::kHexSize);
  B3Sampling sampling = B3Sampling::kDefer;
  if (!rest.empty()) {
    // "-{sampling}" then, optionally, "-{parent}".
    if (rest.size() < 2 || rest[0] != '-') return std::nullopt;
    const auto state = b3_sampling_of(rest[1]);
    if (!state) return std::nullopt;
    sampling = *state;
    rest.remove_prefix(2);
    if (!rest.empty()) {
      if (rest[0] != '-' || !parse_b3_span_id(rest.substr(1))) {
        return std::nullopt;
      }
    }
  }
  return B3Parsed{make_b3_span_context(*trace_id, *span_id, sampling),
                  sampling};
}

// Length of the `b3` value inject writes: {32}-{16}-{state}.
inline constexpr std::size_t kB3SingleHeaderSize =
    TraceId::kHexSize + 1 + SpanId::kHexSize + 2;

// Writes the `b3` value of a valid `context` into out[0, kB3SingleHeaderSize).
inline void write_b3_single_header(const SpanContext& context, bool debug,
                                   char* out) noexcept {
  context.trace_id().write_hex(out);
  out[TraceId::kHexSize] = '-';
  context.span_id().write_hex(out + TraceId::kHexSize + 1);
  out[kB3SingleHeaderSize - 2] = '-';
  out[kB3SingleHeaderSize - 1] = !context.is_sampled() ? '0'
                                 : debug               ? 'd'
                                                       : '1';
}

// The first value of `key` in `carrier`, without surrounding whitespace.
// Copied: a carrier's values only live during its sink call.
class FirstValue {
 public:
  void operator()(std::string_view value) {
    if (found_) return;
    found_ = true;
    value = trim_optional_whitespace(value);
    // Longer than any valid B3 value: kept as too long, never parsed.
    too_long_ = value.size() > sizeof buffer_;
    if (!too_long_) {
      for (std::size_t i = 0; i < value.size(); ++i) buffer_[i] = value[i];
      size_ = value.size();
    }
  }

  bool found() const noexcept { return found_; }
  bool too_long() const noexcept { return too_long_; }
  std::string_view value() const noexcept {
    return std::string_view(buffer_, size_);
  }

 private:
  // {32}-{16}-{1}-{16}: the longest valid `b3` value.
  char buffer_[TraceId::kHexSize + 1 + SpanId::kHexSize + 3 +
               SpanId::kHexSize] = {};
  std::size_t size_ = 0;
  bool found_ = false;
  bool too_long_ = false;
};

inline std::optional<FirstValue> read_first_value(const CarrierReader& carrier,
                                                  std::string_view key) {
  FirstValue first;
  carrier.get_all(key, first);
  if (!first.found()) return std::nullopt;
  return first;
}

// The x-b3-* headers; nullopt when absent or malformed. An invalid
// x-b3-sampled or parent span id makes the whole set invalid; an x-b3-flags
// other than 1 is ignored (as the specification allows).
inline std::optional<B3Parsed> parse_b3_multiple_headers(
    const CarrierReader& carrier) {
  const auto trace = read_first_value(carrier, B3Propagator::kTraceIdHeader);
  const auto span = read_first_value(carrier, B3Propagator::kSpanIdHeader);
  if (!trace || !span || trace->too_long() || span->too_long()) {
    return std::nullopt;
  }
  const auto trace_id = parse_b3_trace_id(trace->value());
  const auto span_id = parse_b3_span_id(span->value());
  if (!trace_id || !span_id) return std::nullopt;

  B3Sampling sampling = B3Sampling::kDefer;
  if (const auto sampled =
          read_first_value(carrier, B3Propagator::kSampledHeader)) {
    // "true" and "false" come from tracers older than the specification,
    // which allows a lenient reader to accept them.
    const std::string_view state = sampled->value();
    if (state == "1" || equals_lowercase_key(state, "true")) {
      sampling = B3Sampling::kAccept;
    } else if (state == "0" || equals_lowercase_key(state, "false")) {
      sampling = B3Sampling::kDeny;
    } else {
      return std::nullopt;
    }
  }
  if (const auto flags = read_first_value(carrier, B3Propagator::kFlagsHeader);
      flags && flags->value() == "1") {
    sampling = B3Sampling::kDebug;  // debug implies accept, whatever sampled
  }
  if (const auto parent =
          read_first_value(carrier, B3Propagator::kParentSpanIdHeader)) {
    if (parent->too_long() || !parse_b3_span_id(parent->value())) {
      return std::nullopt;
    }
  }
  return B3Parsed{make_b3_span_context(*trace_id, *span_id, sampling),
                  sampling};
}

}  // namespace detail

inline void B3Propagator::do_inject(const Context& context,
                                    CarrierWriter& carrier) const noexcept {
  const SpanContext& span_context = context.span_context();
  if (!span_context.is_valid()) return;
  const bool debug = span_context.is_sampled() && is_debug(context);
  try {
    if (inject_format_ == Format::kSingleHeader) {
      char value[detail::kB3SingleHeaderSize];
      detail::write_b3_single_header(span_context, debug, value);
      carrier.set(kB3, std::string_view(value, sizeof value));
      return;
    }
    char trace_id[TraceId::kHexSize];
    char span_id[SpanId::kHexSize];
    span_context.trace_id().write_hex(trace_id);
    span_context.span_id().write_hex(span_id);
    carrier.set(kTraceIdHeader, std::string_view(trace_id, sizeof trace_id));
    carrier.set(kSpanIdHeader, std::string_view(span_id, sizeof span_id));
    if (debug) {
      carrier.set(kFlagsHeader, "1");  // implies sampled: no x-b3-sampled
    } else {
      carrier.set(kSampledHeader, span_context.is_sampled() ? "1" : "0");
    }
  } catch (...) {
    // The carrier failed; what it holds is up to it.
  }
}

inline Context B3Propagator::do_extract(const CarrierReader& carrier,
                                        const Context& base) const noexcept {
  try {
    std::optional<detail::B3Parsed> parsed;
    if (const auto single = detail::read_first_value(carrier, kB3);
        single && !single->too_long()) {
      parsed = detail::parse_b3_single_header(single->value());
    }
    // A `b3` header wins when it holds ids; a malformed one, or one with a
    // sampling state only, leaves the x-b3-* headers to decide.
    if (!parsed || !parsed->span_context.is_valid()) {
      parsed = detail::parse_b3_multiple_headers(carrier);
    }
    if (!parsed) return base;
    const Context context = base.with_span_context(parsed->span_context);
    if (parsed->sampling == detail::B3Sampling::kDebug) {
      return with_debug(context);
    }
    return context.without(debug_key());
  } catch (...) {
    return base;
  }
}

}  // namespace weft
