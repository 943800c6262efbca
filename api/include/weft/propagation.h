// Propagation: carrying a Context across process boundaries in text headers.
//
// A carrier is whatever holds the headers: an HTTP request, message headers,
// gRPC metadata, a std::map. Propagators see it through two small interfaces,
// CarrierReader (every value of a key, names compared case-insensitively) and
// CarrierWriter (set a key), with adapters for maps and for user lambdas.
// TraceContextPropagator implements W3C Trace Context (`traceparent`,
// `tracestate`); CompositePropagator runs several in order; the global
// propagator (W3C by default) is what libraries use.
//
//   // producer
//   std::map<std::string, std::string> headers;
//   weft::inject_context(headers);             // the current span's context
//   // consumer
//   weft::Context parent = weft::extract_context(message.headers);
//   auto span = tracer->start_span("consume",
//                                  weft::StartSpanOptions{}.with_parent(parent));
//
// Propagators are immutable and thread-safe; carrier adapters are views, one
// thread at a time. Nothing here throws: an exception from a user's carrier is
// caught, and extraction then yields the context it started from.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/array_view.h"
#include "weft/context.h"
#include "weft/span_context.h"
#include "weft/trace_state.h"
#include "weft/traceparent.h"

namespace weft {

// A non-owning reference to a callable taking one std::string_view: how a
// carrier hands over the values of a key. Valid only during the call it is
// passed to; the string_views it receives need only live during each call.
class ValueSink {
 public:
  template <class F, class = std::enable_if_t<
                         !std::is_same_v<std::decay_t<F>, ValueSink> &&
                         std::is_invocable_v<F&, std::string_view>>>
  ValueSink(F& f) noexcept  // NOLINT: implicit, like a function reference
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_(&invoke<F>) {}

  void operator()(std::string_view value) const { call_(object_, value); }

 private:
  template <class F>
  static void invoke(void* object, std::string_view value) {
    (*static_cast<F*>(object))(value);
  }

  void* object_;
  void (*call_)(void*, std::string_view);
};

// Read access to a carrier.
class CarrierReader {
 public:
  // Calls `sink` once per value stored under `key`, in the order the carrier
  // holds them, matching names case-insensitively. `key` is lowercase.
  virtual void get_all(std::string_view key, ValueSink sink) const = 0;

 protected:
  ~CarrierReader() = default;
};

// Write access to a carrier.
class CarrierWriter {
 public:
  // Sets `key` (lowercase) to `value`, replacing what the carrier held
  // under that name in any case.
  virtual void set(std::string_view key, std::string_view value) = 0;

 protected:
  ~CarrierWriter() = default;
};

namespace detail {

constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive equality of a header name with a lowercase key.
inline bool equals_lowercase_key(std::string_view name,
                                 std::string_view lowercase_key) noexcept {
  if (name.size() != lowercase_key.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (ascii_lower(name[i]) != lowercase_key[i]) return false;
  }
  return true;
}

// A container of (string key, string value) pairs: std::map, unordered_map,
// multimap, unordered_multimap, vector of pairs.
template <class T, class = void>
struct is_string_pair_container : std::false_type {};
template <class T>
struct is_string_pair_container<
    T, std::void_t<
           decltype(std::string_view(std::declval<const T&>().begin()->first)),
           decltype(std::string_view(std::declval<const T&>().begin()->second)),
           decltype(std::declval<const T&>().end())>> : std::true_type {};
template <class T>
inline constexpr bool is_string_pair_container_v =
    is_string_pair_container<std::decay_t<T>>::value;

template <class T, class = void>
struct has_insert_or_assign : std::false_type {};
template <class T>
struct has_insert_or_assign<
    T, std::void_t<decltype(std::declval<T&>().insert_or_assign(
           std::declval<std::string>(), std::declval<std::string>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_push_back : std::false_type {};
template <class T>
struct has_push_back<T, std::void_t<decltype(std::declval<T&>().push_back(
                            std::declval<typename T::value_type>()))>>
    : std::true_type {};

}  // namespace detail

// Reads any container of (string, string) pairs. Every entry is compared with
// the key, case-insensitively, so a lookup costs one pass over the entries.
// To keep several values of one name in order, use a multimap or a vector of
// pairs (a map holds one value per distinct spelling, in its own order).
template <class Container>
class MapCarrierReader final : public CarrierReader {
 public:
  explicit MapCarrierReader(const Container& container) noexcept
      : container_(container) {}

  void get_all(std::string_view key, ValueSink sink) const override {
    for (const auto& entry : container_) {
      if (detail::equals_lowercase_key(entry.first, key)) sink(entry.second);
    }
  }

 private:
  const Container& container_;
};

// Writes into a map (insert or assign), a multimap or a vector of pairs.
// Whatever the container, the key ends up held once, spelled as given:
// entries whose name differs from it only in case are removed first (a
// reader matches names case-insensitively and would see two values).
template <class Container>
class MapCarrierWriter final : public CarrierWriter {
 public:
  explicit MapCarrierWriter(Container& container) noexcept
      : container_(container) {}

  void set(std::string_view key, std::string_view value) override {
    if constexpr (detail::has_push_back<Container>::value) {
      container_.erase(std::remove_if(container_.begin(), container_.end(),
                                      [&](const auto& entry) {
                                        return detail::equals_lowercase_key(
                                            entry.first, key);
                                      }),
                       container_.end());
      container_.emplace_back(std::string(key), std::string(value));
    } else if constexpr (detail::has_insert_or_assign<Container>::value) {
      // One pass with a length check first: as cheap as the reader's pass
      // when no other spelling is present (the common case).
      for (auto it = container_.begin(); it != container_.end();) {
        const std::string_view name(it->first);
        it = name != key && detail::equals_lowercase_key(name, key)
                 ? container_.erase(it)
                 : std::next(it);
      }
      container_.insert_or_assign(std::string(key), std::string(value));
    } else {
      for (auto it = container_.begin(); it != container_.end();) {
        it = detail::equals_lowercase_key(it->first, key) ? container_.erase(it)
                                                          : std::next(it);
      }
      container_.emplace(std::string(key), std::string(value));
    }
  }

 private:
  Container& container_;
};

// Reads through a user function, either
//   get_all(std::string_view key, weft::ValueSink sink)  calling sink per value
// or
//   get(std::string_view key) -> std::optional<S>, S, or const char*
//   (S: std::string or std::string_view; empty or null means absent).
// The function decides how names are matched; HTTP libraries usually match
// them case-insensitively already.
template <class Function>
class FunctionCarrierReader final : public CarrierReader {
 public:
  explicit FunctionCarrierReader(Function function)
      : function_(std::move(function)) {}

  void get_all(std::string_view key, ValueSink sink) const override {
    if constexpr (std::is_invocable_v<const Function&, std::string_view,
                                      ValueSink>) {
      function_(key, sink);
    } else {
      emit(function_(key), sink);
    }
  }

 private:
  template <class T>
  static void emit(const std::optional<T>& value, ValueSink sink) {
    if (value) sink(std::string_view(*value));
  }
  static void emit(const char* value, ValueSink sink) {
    if (value != nullptr && *value != '\0') sink(std::string_view(value));
  }
  static void emit(std::string_view value, ValueSink sink) {
    if (!value.empty()) sink(value);
  }

  Function function_;
};

// Writes through a user function set(std::string_view key,
// std::string_view value).
template <class Function>
class FunctionCarrierWriter final : public CarrierWriter {
 public:
  explicit FunctionCarrierWriter(Function function)
      : function_(std::move(function)) {}

  void set(std::string_view key, std::string_view value) override {
    function_(key, value);
  }

 private:
  Function function_;
};

// Adapters: make_carrier_reader(map or function), make_carrier_writer(map or
// function). A map adapter refers to the map, which must outlive it.
template <
    class Container,
    std::enable_if_t<detail::is_string_pair_container_v<Container>, int> = 0>
MapCarrierReader<Container> make_carrier_reader(const Container& container) {
  return MapCarrierReader<Container>(container);
}
template <
    class Function,
    std::enable_if_t<!detail::is_string_pair_container_v<Function>, int> = 0>
FunctionCarrierReader<std::decay_t<Function>> make_carrier_reader(
    Function&& function) {
  return FunctionCarrierReader<std::decay_t<Function>>(
      std::forward<Function>(function));
}
template <
    class Container,
    std::enable_if_t<detail::is_string_pair_container_v<Container>, int> = 0>
MapCarrierWriter<Container> make_carrier_writer(Container& container) {
  return MapCarrierWriter<Container>(container);
}
template <
    class Function,
    std::enable_if_t<!detail::is_string_pair_container_v<Function>, int> = 0>
FunctionCarrierWriter<std::decay_t<Function>> make_carrier_writer(
    Function&& function) {
  return FunctionCarrierWriter<std::decay_t<Function>>(
      std::forward<Function>(function));
}

// A propagation format. Implementations are immutable and thread-safe.
class TextMapPropagator {
 public:
  virtual ~TextMapPropagator() = default;

  // Writes the span context of `context` into the carrier; writes nothing
  // when that span context is invalid.
  void inject(const Context& context, CarrierWriter& carrier) const noexcept {
    do_inject(context, carrier);
  }
  void inject(const Context& context, CarrierWriter&& carrier) const noexcept {
    do_inject(context, carrier);
  }
  template <
      class Container,
      std::enable_if_t<detail::is_string_pair_container_v<Container>, int> = 0>
  void inject(const Context& context, Container& container) const noexcept {
    MapCarrierWriter<Container> writer(container);
    do_inject(context, writer);
  }

  // Returns `base` with what the carrier holds: a remote SpanContext that
  // becomes the parent of spans started with the returned context. When the
  // carrier holds nothing valid, returns `base` (by default: no parent).
  Context extract(const CarrierReader& carrier,
                  const Context& base = Context()) const noexcept {
    return do_extract(carrier, base);
  }
  template <
      class Container,
      std::enable_if_t<detail::is_string_pair_container_v<Container>, int> = 0>
  Context extract(const Container& container,
                  const Context& base = Context()) const noexcept {
    return do_extract(MapCarrierReader<Container>(container), base);
  }

  // The keys this propagator reads and writes (lowercase).
  virtual ArrayView<std::string_view> fields() const noexcept = 0;

 protected:
  virtual void do_inject(const Context& context,
                         CarrierWriter& carrier) const noexcept = 0;
  virtual Context do_extract(const CarrierReader& carrier,
                             const Context& base) const noexcept = 0;
};

// W3C Trace Context (Level 1, plus Level 2's random flag and tracestate key
// grammar).
//
// inject writes `traceparent` (version 00, lowercase) and `tracestate` when
// it is not empty. extract accepts exactly one `traceparent` value (spaces and
// tabs around it are HTTP's optional whitespace); zero, two or an invalid one
// leave `base` unchanged, and then tracestate is not read. Several tracestate
// values are combined in order, as one list, in which a repeated key keeps
// its first member (TraceState::parse); an invalid list, or values longer
// than kMaxTraceStateInput altogether, yield an empty tracestate.
class TraceContextPropagator final : public TextMapPropagator {
 public:
  static constexpr std::string_view kTraceparent = "traceparent";
  static constexpr std::string_view kTracestate = "tracestate";
  // Bound on the combined tracestate input, far above the 32 members of up
  // to 513 characters that a valid list holds.
  static constexpr std::size_t kMaxTraceStateInput = 32 * 1024;

  ArrayView<std::string_view> fields() const noexcept override {
    static constexpr std::string_view kFields[] = {kTraceparent, kTracestate};
    return kFields;
  }

  // The tracestate of every `tracestate` value of `carrier`, combined in
  // order as one list; empty when the list is invalid or too long.
  static TraceState combine_trace_state(const CarrierReader& carrier) noexcept;

 protected:
  void do_inject(const Context& context,
                 CarrierWriter& carrier) const noexcept override;
  Context do_extract(const CarrierReader& carrier,
                     const Context& base) const noexcept override;
};

// Runs several propagators: inject calls each in order; extract feeds the
// context each one returns to the next.
class CompositePropagator final : public TextMapPropagator {
 public:
  explicit CompositePropagator(
      std::vector<std::shared_ptr<const TextMapPropagator>> propagators);

  ArrayView<std::string_view> fields() const noexcept override {
    return fields_;
  }

 protected:
  void do_inject(const Context& context,
                 CarrierWriter& carrier) const noexcept override {
    for (const auto& propagator : propagators_) {
      propagator->inject(context, carrier);
    }
  }
  Context do_extract(const CarrierReader& carrier,
                     const Context& base) const noexcept override {
    Context context = base;
    for (const auto& propagator : propagators_) {
      context = propagator->extract(carrier, context);
    }
    return context;
  }

 private:
  std::vector<std::shared_ptr<const TextMapPropagator>> propagators_;
  std::vector<std::string_view> fields_;
};

// The global propagator: W3C Trace Context until set_global_propagator() is
// called. Thread-safe; the lookup takes a lock, so keep the result when
// propagating in a loop.
std::shared_ptr<const TextMapPropagator> global_propagator() noexcept;
// Installs `propagator` (nullptr restores the W3C default).
void set_global_propagator(
    std::shared_ptr<const TextMapPropagator> propagator) noexcept;

// Injects `context` (by default this thread's current one) into `carrier`
// (a map or a CarrierWriter) with the global propagator.
template <class Carrier>
void inject_context(Carrier&& carrier,
                    const Context& context = Context::current()) noexcept {
  global_propagator()->inject(context, std::forward<Carrier>(carrier));
}
// Extracts a context from `carrier` (a map or a CarrierReader) with the
// global propagator; no parent when the carrier holds none.
template <class Carrier>
Context extract_context(const Carrier& carrier) noexcept {
  return global_propagator()->extract(carrier);
}

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

constexpr bool is_blank_list_char(char c) noexcept {
  return c == ' ' || c == '\t' || c == ',';
}

// Collects the values of `tracestate` one at a time. The first value is
// parsed in place (no copy: the usual single header); a second one switches
// to a combined buffer, since values only live during their sink call.
class TraceStateCollector {
 public:
  void operator()(std::string_view value) {
    total_ += value.size() + 1;
    if (total_ > TraceContextPropagator::kMaxTraceStateInput) {
      too_long_ = true;
      return;
    }
    ++count_;
    if (count_ == 1) {
      first_ = TraceState::parse(value);
      // Empty after parsing: either blank (no member) or invalid.
      first_blank_ = first_.empty() && std::all_of(value.begin(), value.end(),
                                                   detail::is_blank_list_char);
      return;
    }
    if (count_ == 2) {
      if (!first_blank_ && first_.empty()) {
        first_invalid_ = true;  // nothing later can make the list valid
      } else {
        combined_.assign(first_.header());
      }
    }
    if (first_invalid_) return;
    combined_.append(1, ',').append(value);
  }

  TraceState take_result() {
    if (too_long_ || first_invalid_) return {};
    if (count_ <= 1) return std::move(first_);
    return TraceState::parse(combined_);
  }

 private:
  std::size_t count_ = 0;
  std::size_t total_ = 0;
  bool too_long_ = false;
  bool first_blank_ = false;
  bool first_invalid_ = false;
  TraceState first_;
  std::string combined_;
};

}  // namespace detail

inline TraceState TraceContextPropagator::combine_trace_state(
    const CarrierReader& carrier) noexcept {
  try {
    detail::TraceStateCollector collector;
    carrier.get_all(kTracestate, collector);
    return collector.take_result();
  } catch (...) {
    return {};
  }
}

inline void TraceContextPropagator::do_inject(
    const Context& context, CarrierWriter& carrier) const noexcept {
  const SpanContext& span_context = context.span_context();
  if (!span_context.is_valid()) return;
  char traceparent[kTraceparentSize];
  write_traceparent(span_context, traceparent);
  try {
    carrier.set(kTraceparent,
                std::string_view(traceparent, sizeof traceparent));
    const std::string_view state = span_context.trace_state().header();
    if (!state.empty()) carrier.set(kTracestate, state);
  } catch (...) {
    // The carrier failed; what it holds is up to it.
  }
}

inline Context TraceContextPropagator::do_extract(
    const CarrierReader& carrier, const Context& base) const noexcept {
  try {
    std::size_t count = 0;
    std::optional<SpanContext> parsed;
    auto on_traceparent = [&](std::string_view value) {
      if (++count == 1) {
        parsed = parse_traceparent(detail::trim_optional_whitespace(value));
      }
    };
    carrier.get_all(kTraceparent, on_traceparent);
    if (count != 1 || !parsed) return base;
    TraceState state = combine_trace_state(carrier);
    if (!state.empty()) {
      return base.with_span_context(parsed->with_trace_state(std::move(state)));
    }
    return base.with_span_context(std::move(*parsed));
  } catch (...) {
    return base;
  }
}

inline CompositePropagator::CompositePropagator(
    std::vector<std::shared_ptr<const TextMapPropagator>> propagators) {
  for (auto& propagator : propagators) {
    if (!propagator) continue;
    for (std::string_view field : propagator->fields()) {
      if (std::find(fields_.begin(), fields_.end(), field) == fields_.end()) {
        fields_.push_back(field);
      }
    }
    propagators_.push_back(std::move(propagator));
  }
}

namespace detail {

struct GlobalPropagator {
  std::mutex mutex;
  std::shared_ptr<const TextMapPropagator> propagator;
};

inline GlobalPropagator& global_propagator_slot() noexcept {
  static GlobalPropagator global;
  return global;
}

}  // namespace detail

inline std::shared_ptr<const TextMapPropagator> global_propagator() noexcept {
  detail::GlobalPropagator& global = detail::global_propagator_slot();
  {
    std::lock_guard<std::mutex> lock(global.mutex);
    if (global.propagator) return global.propagator;
  }
  static const auto w3c = std::make_shared<const TraceContextPropagator>();
  return w3c;
}

inline void set_global_propagator(
    std::shared_ptr<const TextMapPropagator> propagator) noexcept {
  detail::GlobalPropagator& global = detail::global_propagator_slot();
  std::lock_guard<std::mutex> lock(global.mutex);
  global.propagator = std::move(propagator);
}

}  // namespace weft
