#include "recording_span.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "tick_clock.h"

namespace weft::sdk {
namespace {

std::string_view key_of(const KeyValue& attribute) noexcept {
  return attribute.key;
}
std::string_view key_of(const OwnedAttribute& attribute) noexcept {
  return attribute.first;
}
const AttributeView& value_of(const KeyValue& attribute) noexcept {
  return attribute.value;
}
const AttributeValue& value_of(const OwnedAttribute& attribute) noexcept {
  return attribute.second;
}

// At most this many attributes take the fast path (its duplicate check is
// quadratic; see store_attributes_fast).
constexpr std::size_t kFastAttributes = 32;

// Which alternative a value holds: the two variants list the same types in
// the same order (bool, int64, double, string, arrays).
std::size_t index_of(const AttributeView& value) noexcept {
  return value.value().index();
}
std::size_t index_of(const AttributeValue& value) noexcept {
  return value.index();
}

// The text of a string value (index 3 of either variant).
std::string_view text_of(const AttributeView& value) noexcept {
  return *std::get_if<std::string_view>(&value.value());
}
std::string_view text_of(const AttributeValue& value) noexcept {
  return *std::get_if<std::string>(&value);
}
// A scalar value (bool, int64 or double) of either variant.
template <class T>
T scalar_of(const AttributeView& value) noexcept {
  return *std::get_if<T>(&value.value());
}
template <class T>
T scalar_of(const AttributeValue& value) noexcept {
  return *std::get_if<T>(&value);
}

std::size_t value_size(const AttributeView& value) noexcept {
  return stored_size(value);
}
std::size_t value_size(const AttributeValue& value) noexcept {
  if (const auto* text = std::get_if<std::string>(&value)) return text->size();
  if (value.index() < 3) return 0;
  return stored_size(AttributeView(value));
}

bool store_value(Arena& arena, const AttributeView& value,
                 std::size_t max_length, AttributeData& out) noexcept {
  return store_attribute_value(arena, value, max_length, out);
}
// The owned form is what links kept by the application carry (W3): scalars
// and strings are stored without going through a view.
bool store_value(Arena& arena, const AttributeValue& value,
                 std::size_t max_length, AttributeData& out) noexcept {
  switch (value.index()) {
    case 0:
      out = *std::get_if<bool>(&value);
      return true;
    case 1:
      out = *std::get_if<std::int64_t>(&value);
      return true;
    case 2:
      out = *std::get_if<double>(&value);
      return true;
    case 3: {
      const std::string& text = *std::get_if<std::string>(&value);
      if (text.size() > max_length) break;  // truncation: the general path
      const std::string_view copy = arena.copy(text);
      out = copy;
      return copy.size() == text.size();
    }
    default:
      break;
  }
  return store_attribute_value(arena, AttributeView(value), max_length, out);
}

// Below this many unused bytes, a span is never compacted.
constexpr std::size_t kCompactionFloor = 4096;

// Writes `text` over `old`, arena bytes this span owns; text.size() must
// not exceed old.size().
std::string_view overwrite(std::string_view old,
                           std::string_view text) noexcept {
  if (text.empty()) return {};
  char* bytes = const_cast<char*>(old.data());
  std::memmove(bytes, text.data(), text.size());
  return std::string_view(bytes, text.size());
}

// The arena bytes a stored value takes beyond its Attribute.
std::size_t data_bytes(const AttributeData& value) noexcept {
  return std::visit(
      [](const auto& v) -> std::size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          return v.size();
        } else if constexpr (std::is_same_v<T, ArrayView<std::string_view>>) {
          std::size_t bytes = v.size() * sizeof(std::string_view);
          for (std::string_view text : v) bytes += text.size();
          return bytes;
        } else if constexpr (std::is_arithmetic_v<T>) {
          return 0;
        } else {
          return v.size() * sizeof(typename T::value_type);
        }
      },
      value);
}

// Upper bound of the arena bytes that storing `attributes` takes.
template <class AttributeRange>
std::size_t attributes_size(const AttributeRange& attributes,
                            std::size_t limit) noexcept {
  const std::size_t kept = std::min(attributes.size(), limit);
  std::size_t size = kept * sizeof(Attribute) + 16;
  for (std::size_t i = 0; i < kept; ++i) {
    size +=
        key_of(attributes[i]).size() + value_size(value_of(attributes[i])) + 8;
  }
  return size;
}

std::size_t links_size(ArrayView<Link> links,
                       const SpanLimits& limits) noexcept {
  const std::size_t kept =
      std::min<std::size_t>(links.size(), limits.link_count);
  std::size_t size = kept * sizeof(LinkData) + 16;
  // Most spans keep the first links; size for those.
  for (std::size_t i = 0; i < kept; ++i) {
    size += links[i].context.trace_state().header().size() +
            attributes_size(links[i].attributes, limits.attributes_per_link);
  }
  return size;
}

}  // namespace

RecordingSpan::RecordingSpan(ProviderState* provider,
                             const TracerIdentity* identity) noexcept
    : provider_(provider) {
  tracer = identity;
}

void RecordingSpan::begin(const SpanContext& context, const SpanContext& parent,
                          std::string_view span_name,
                          const StartSpanOptions& options,
                          Attributes initial_attributes) noexcept {
  const SpanLimits& limits = provider_->config.limits();
  trace_id = context.trace_id();
  span_id = context.span_id();
  flags = context.flags();
  trace_state = context.trace_state();
  if (parent.is_valid()) {
    parent_span_id = parent.span_id();
    parent_is_remote = parent.is_remote();
  }
  kind = options.kind;
  if (options.start_time) {
    start_time = *options.start_time;
  } else if (provider_->config.default_clock()) {
    const tick_clock::Reading now = tick_clock::now();
    start_time = now.time;
    start_ticks_ = now.ticks;
  } else {
    start_time = provider_->config.clock()();
  }

  // Links that are not recordable (Link::is_recordable) are skipped by
  // append_link; sizing for them too only over-reserves.
  const ArrayView<Link> offered_links = options.links();
  const std::size_t needed =
      span_name.size() +
      attributes_size(initial_attributes, limits.attribute_count) +
      (offered_links.empty() ? 0 : links_size(offered_links, limits));
  if (needed > Arena::kInlineSize) arena.reserve(needed);

  name = arena.copy(span_name);
  if (!initial_attributes.empty() &&
      !store_attributes_fast(arena, initial_attributes, limits.attribute_count,
                             attributes)) {
    attributes.reserve(arena, std::min<std::size_t>(initial_attributes.size(),
                                                    limits.attribute_count));
    for (const KeyValue& attribute : initial_attributes) {
      put_attribute(arena, attributes, limits.attribute_count,
                    dropped_attributes_count, attribute.key, attribute.value);
    }
  }
  if (!offered_links.empty()) {
    links.reserve(
        arena, std::min<std::size_t>(offered_links.size(), limits.link_count));
    for (const Link& link : offered_links) {
      append_link(link.context, link.attributes);
    }
  }
}

// Once per span, and at most once per interval for the provider: a batch
// span over the link limit is common, and one line per span would be noise
// written on the application's thread. Nothing is formatted unless written.
template <class Describe>
void RecordingSpan::log_drop(const Describe& describe) noexcept {
  if (drop_logged_) return;
  drop_logged_ = true;
  const auto& logger = provider_->config.logger();
  if (!log_enabled(logger, LogLevel::kWarning)) return;
  const auto now = provider_->config.clock()().time_since_epoch();
  provider_->drop_log.log(logger, LogLevel::kWarning, now, [&] {
    std::string message = "span '";
    message.append(name).append("' ").append(describe());
    message.append(
        "; drops are counted in the span's exported dropped counts (this "
        "warning is written at most once every 10 s)");
    return message;
  });
}

void RecordingSpan::note_drop(std::string_view what,
                              std::uint32_t limit) noexcept {
  log_drop([&] {
    return "is over its " + std::string(what) + " limit (" +
           std::to_string(limit) + "): the rest is dropped";
  });
}

void RecordingSpan::note_drop(std::string_view problem) noexcept {
  log_drop([&] { return std::string(problem); });
}

template <class Value>
std::size_t RecordingSpan::put_attribute(Arena& store, AttributeList& list,
                                         std::uint32_t limit,
                                         std::uint32_t& dropped,
                                         std::string_view key,
                                         const Value& value) noexcept {
  const std::uint32_t max_length =
      provider_->config.limits().attribute_value_length;
  for (Attribute& existing : list) {
    if (existing.key != key) continue;
    const std::size_t old_bytes = data_bytes(existing.value);
    if constexpr (std::is_same_v<Value, AttributeView>) {
      const auto* old_text = std::get_if<std::string_view>(&existing.value);
      const auto* new_text = std::get_if<std::string_view>(&value.value());
      if (old_text != nullptr && new_text != nullptr) {
        const std::string_view kept = truncate_utf8(*new_text, max_length);
        if (kept.size() <= old_text->size()) {
          existing.value = overwrite(*old_text, kept);
          return old_bytes - kept.size();
        }
      }
    }
    AttributeData replacement;
    if (!store_value(store, value, max_length, replacement)) return 0;
    existing.value = replacement;
    return old_bytes;
  }
  if (key.empty()) {
    ++dropped;  // OpenTelemetry: an attribute needs a non-empty key
    note_drop("dropped an attribute with an empty key");
    return 0;
  }
  if (list.size() >= limit) {
    ++dropped;
    note_drop("attribute", limit);
    return 0;
  }
  Attribute attribute;
  attribute.key = store.copy(key);
  if (attribute.key.size() != key.size() ||
      !store_value(store, value, max_length, attribute.value) ||
      !list.push_back(store, attribute)) {
    ++dropped;  // out of memory
  }
  return 0;
}

// The hot path of W2 and W3: attributes given all at once (at start, on a
// link, on an event) that are scalars or strings within the limits, with
// distinct keys, stored with two arena allocations and no per-attribute
// bookkeeping. Anything else takes the general path (false).
template <class AttributeRange>
bool RecordingSpan::store_attributes_fast(Arena& store,
                                          const AttributeRange& from,
                                          std::uint32_t limit,
                                          AttributeList& out) noexcept {
  const std::size_t count = from.size();
  if (count > limit || count > kFastAttributes) return false;
  const std::uint32_t max_length =
      provider_->config.limits().attribute_value_length;
  std::size_t text_bytes = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view key = key_of(from[i]);
    const std::size_t index = index_of(value_of(from[i]));
    if (key.empty() || index > 3) return false;
    if (index == 3) {
      const std::size_t size = text_of(value_of(from[i])).size();
      if (size > max_length) return false;
      text_bytes += size;
    }
    text_bytes += key.size();
    for (std::size_t j = 0; j < i; ++j) {
      if (key_of(from[j]) == key) return false;
    }
  }
  Attribute* stored = store.allocate_array<Attribute>(count);
  char* text = static_cast<char*>(store.allocate(text_bytes + 1, 1));
  if (stored == nullptr || text == nullptr) return false;
  const auto copy = [&text](std::string_view from_text) {
    if (!from_text.empty())
      std::memcpy(text, from_text.data(), from_text.size());
    const std::string_view result(text, from_text.size());
    text += from_text.size();
    return result;
  };
  for (std::size_t i = 0; i < count; ++i) {
    Attribute& attribute = stored[i];
    attribute.key = copy(key_of(from[i]));
    const auto& value = value_of(from[i]);
    switch (index_of(value)) {
      case 0:
        attribute.value = scalar_of<bool>(value);
        break;
      case 1:
        attribute.value = scalar_of<std::int64_t>(value);
        break;
      case 2:
        attribute.value = scalar_of<double>(value);
        break;
      default:
        attribute.value = copy(text_of(value));
        break;
    }
  }
  out.assign(stored, count);
  return true;
}

template <class AttributeRange>
void RecordingSpan::append_link(
    const SpanContext& context,
    const AttributeRange& link_attributes) noexcept {
  // OpenTelemetry: a link to an invalid context without attributes or
  // tracestate carries no information and is not recorded.
  if (!context.is_valid() && link_attributes.empty() &&
      context.trace_state().empty()) {
    return;
  }
  const SpanLimits& limits = provider_->config.limits();
  if (links.size() >= limits.link_count) {
    // kFirst (the default, W4) decides with one comparison, as before
    // kContinue was added.
    if (limits.link_retention == LinkRetention::kFirst || links.empty()) {
      ++dropped_links_count;
      note_drop("link", limits.link_count);
      return;
    }
    if (limits.link_retention == LinkRetention::kContinue) {
      if (!continue_link(context, link_attributes)) {
        ++dropped_links_count;
        note_drop("link continuation", limits.link_continuation_count);
      }
      return;
    }
    ++dropped_links_count;
    note_drop("link", limits.link_count);
    links.pop_front();
    // Evicted links leave their data behind in an arena: once as many have
    // been evicted as are kept, the kept ones move to a fresh arena, so a
    // span that keeps the latest links holds at most twice their size.
    if (++links_evicted_ >= limits.link_count) compact_links();
  }
  Arena& store = links_arena_ ? *links_arena_ : arena;
  LinkData link;
  link.trace_id = context.trace_id();
  link.span_id = context.span_id();
  link.flags = context.flags();
  link.is_remote = context.is_remote();
  link.trace_state = store.copy(context.trace_state().header());
  if (!link_attributes.empty() &&
      !store_attributes_fast(store, link_attributes, limits.attributes_per_link,
                             link.attributes)) {
    link.attributes.reserve(store,
                            std::min<std::size_t>(link_attributes.size(),
                                                  limits.attributes_per_link));
    for (const auto& attribute : link_attributes) {
      put_attribute(store, link.attributes, limits.attributes_per_link,
                    link.dropped_attributes_count, key_of(attribute),
                    value_of(attribute));
    }
  }
  if (!links.push_back(arena, link)) ++dropped_links_count;
}

void RecordingSpan::compact_links() noexcept {
  auto fresh = std::unique_ptr<Arena>(new (std::nothrow) Arena);
  if (!fresh) return;  // out of memory: keep the old arena
  for (LinkData& link : links) {
    link.trace_state = fresh->copy(link.trace_state);
    link.attributes = copy_attributes(*fresh, link.attributes);
  }
  links_arena_ = std::move(fresh);
  links_evicted_ = 0;
}

namespace {

// The continuation span's name: "<span name> (links 33-64)", 1-based.
std::string continuation_name(std::string_view span_name, std::uint64_t first,
                              std::uint64_t last) {
  std::string text(span_name);
  text.append(" (links ")
      .append(std::to_string(first))
      .append("-")
      .append(std::to_string(last))
      .append(")");
  return text;
}

// Adds a continuation span's mark whatever the attribute limits: without
// it a viewer could not fold the span back.
void add_mark(SpanData& span, std::string_view key,
              const AttributeData& value) noexcept {
  Attribute mark{span.arena.copy(key), value};
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    mark.value = span.arena.copy(*text);
  }
  if (!span.attributes.push_back(span.arena, mark)) {
    ++span.dropped_attributes_count;  // out of memory
  }
}

}  // namespace

// Over the limit, under the span's lock (add_link) or before anyone else
// sees the span (begin): the continuation span is this span's alone until
// it is handed over. A full one reaches the processors from here, so under
// that lock; processors only queue or export it and never record on spans.
template <class AttributeRange>
bool RecordingSpan::continue_link(
    const SpanContext& context,
    const AttributeRange& link_attributes) noexcept {
  const SpanLimits& limits = provider_->config.limits();
  if (continuation_ == nullptr) {
    if (links_evicted_ >= limits.link_continuation_count) return false;
    // The span holds links 0 to link_count-1, the n-th continuation span
    // (from 1) those from n * link_count on.
    continuation_ = start_continuation(std::uint64_t{limits.link_count} *
                                       (links_evicted_ + 1));
    if (continuation_ == nullptr) return false;
    ++links_evicted_;
  }
  continuation_->append_link(context, link_attributes);
  if (continuation_->links.size() >= limits.link_count) {
    end_continuation(std::nullopt);
  }
  return true;
}

RecordingSpan* RecordingSpan::start_continuation(
    std::uint64_t first_index) noexcept {
  const std::uint32_t link_count = provider_->config.limits().link_count;
  std::string continuation;
  try {
    continuation =
        continuation_name(name, first_index + 1, first_index + link_count);
  } catch (...) {
    return nullptr;  // out of memory
  }
  SpanId id;
  if (provider_->builtin_ids) {
    new_random_ids(nullptr, id);
  } else {
    id = provider_->config.id_generator()->new_span_id();
  }
  auto* span = new (std::nothrow) RecordingSpan(provider_, tracer);
  if (span == nullptr) return nullptr;
  // Counted before it can end (see make_provider_state); this span, still
  // recording, keeps the provider state alive meanwhile.
  provider_->spans_started.add();
  // No Span handle refers to it: only the SDK's reference remains, given up
  // when the exported data is freed.
  SpanHeader::of(span)->release();
  span->begin(SpanContext(trace_id, id, flags, trace_state, false),
              SpanContext(trace_id, span_id, flags, TraceState(), false),
              continuation, StartSpanOptions(), {});
  char parent_hex[SpanId::kHexSize];
  span_id.write_hex(parent_hex);
  add_mark(*span, "weft.link.continuation_of",
           std::string_view(parent_hex, sizeof parent_hex));
  add_mark(*span, "weft.link.first_index",
           static_cast<std::int64_t>(first_index));
  for (const auto& processor : provider_->processors) {
    processor->on_start(*span);
  }
  return span;
}

void RecordingSpan::end_continuation(
    std::optional<Timestamp> end_timestamp) noexcept {
  RecordingSpan* const span = std::exchange(continuation_, nullptr);
  const std::uint32_t link_count = provider_->config.limits().link_count;
  if (span->links.size() < link_count) {
    // The last one, partial: its name says which links it really holds.
    // The span's name as it was when the continuation span started, even
    // if the span was renamed since.
    const std::uint64_t first_index =
        std::uint64_t{link_count} * links_evicted_;
    try {
      const std::size_t suffix =
          continuation_name({}, first_index + 1, first_index + link_count)
              .size();
      const std::string_view span_name = span->name.substr(
          0, span->name.size() >= suffix ? span->name.size() - suffix : 0);
      span->update_name(continuation_name(span_name, first_index + 1,
                                          first_index + span->links.size()));
    } catch (...) {
      // Out of memory: the name keeps the range of a full one.
    }
  }
  span->end(end_timestamp);  // the provider outlives it: this span records
}

void RecordingSpan::set_attribute(std::string_view key,
                                  const AttributeView& value) noexcept {
  note_waste(put_attribute(arena, attributes,
                           provider_->config.limits().attribute_count,
                           dropped_attributes_count, key, value));
}

void RecordingSpan::replace_text(std::string_view& field,
                                 std::string_view text) noexcept {
  const std::string_view old = field;
  if (text.size() <= old.size()) {
    field = overwrite(old, text);
    note_waste(old.size() - text.size());
    return;
  }
  const std::string_view copy = arena.copy(text);
  if (copy.size() != text.size()) return;  // out of memory: keep the old
  field = copy;
  // Last: compacting moves `field` with everything else.
  note_waste(old.size());
}

namespace {
// `bytes`, at most what a uint32_t holds (a span's byte counts are kept in
// 32 bits, so that the span fits a smaller block).
std::uint32_t saturated(std::size_t bytes) noexcept {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(bytes, std::numeric_limits<std::uint32_t>::max()));
}
}  // namespace

void RecordingSpan::note_waste(std::size_t bytes) noexcept {
  wasted_bytes_ = saturated(std::size_t{wasted_bytes_} + bytes);
  if (wasted_bytes_ > std::max<std::size_t>(kCompactionFloor, live_bytes_)) {
    compact();
  }
}

std::size_t RecordingSpan::heap_bytes() const noexcept {
  std::size_t bytes = arena.heap_bytes();
  for (const auto* other : {&compacted_, &links_arena_}) {
    if (*other) bytes += sizeof(Arena) + (*other)->heap_bytes();
  }
  return bytes;
}

void RecordingSpan::compact() noexcept {
  auto fresh = std::unique_ptr<Arena>(new (std::nothrow) Arena);
  if (!fresh) return;  // out of memory: carry on in the old arena
  // Link data kept apart (LinkRetention::kLatest) stays where it is.
  const SpanContents contents =
      copy_contents(*this, *fresh, /*copy_link_data=*/!links_arena_);
  if (fresh->exhausted()) return;
  assign_contents(*this, contents);
  arena.reset();
  compacted_ = std::move(fresh);  // frees the previous compacted data
  wasted_bytes_ = 0;
  live_bytes_ = saturated(compacted_->heap_bytes() + Arena::kInlineSize);
}

namespace {

// Copies `size` bytes; short texts (names and keys are) without a call.
inline void copy_text(char* out, const char* from, std::size_t size) noexcept {
  if (size > 16) {
    std::memcpy(out, from, size);
  } else if (size >= 8) {  // two overlapping 8-byte moves
    std::uint64_t head;
    std::uint64_t tail;
    std::memcpy(&head, from, 8);
    std::memcpy(&tail, from + size - 8, 8);
    std::memcpy(out, &head, 8);
    std::memcpy(out + size - 8, &tail, 8);
  } else if (size >= 4) {
    std::uint32_t head;
    std::uint32_t tail;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + size - 4, 4);
    std::memcpy(out, &head, 4);
    std::memcpy(out + size - 4, &tail, 4);
  } else {
    for (std::size_t i = 0; i < size; ++i) out[i] = from[i];
  }
}

}  // namespace

// An event with a few scalar or string attributes (the common case) is
// stored with one arena allocation: its attributes, then its name and the
// attributes' text. Anything else (more attributes, arrays, an empty or
// repeated key, text over the length limit) returns false, and add_event
// takes the general path, which applies every limit and rule.
[[gnu::always_inline]] inline bool RecordingSpan::store_event_fast(
    std::string_view event_name, Attributes event_attributes,
    std::uint32_t limit, EventData& event) noexcept {
  constexpr std::size_t kFastEventAttributes = 4;
  const std::size_t count = event_attributes.size();
  if (count > limit || count > kFastEventAttributes) return false;
  const std::uint32_t max_length =
      provider_->config.limits().attribute_value_length;
  std::size_t text_bytes = event_name.size();
  for (std::size_t i = 0; i < count; ++i) {
    const KeyValue& attribute = event_attributes[i];
    const std::size_t index = attribute.value.value().index();
    if (attribute.key.empty() || index > 3) return false;
    if (index == 3) {
      const std::size_t size = text_of(attribute.value).size();
      if (size > max_length) return false;
      text_bytes += size;
    }
    text_bytes += attribute.key.size();
    for (std::size_t j = 0; j < i; ++j) {
      if (event_attributes[j].key == attribute.key) return false;
    }
  }
  void* memory = arena.allocate(count * sizeof(Attribute) + text_bytes,
                                alignof(Attribute));
  if (memory == nullptr) return false;
  auto* stored = static_cast<Attribute*>(memory);
  char* text = reinterpret_cast<char*>(stored + count);
  const auto copy = [&text](std::string_view from) {
    copy_text(text, from.data(), from.size());
    const std::string_view result(text, from.size());
    text += from.size();
    return result;
  };
  event.name = copy(event_name);
  for (std::size_t i = 0; i < count; ++i) {
    const KeyValue& attribute = event_attributes[i];
    const std::string_view key = copy(attribute.key);
    const AttributeView& value = attribute.value;
    switch (value.value().index()) {
      case 0:
        new (&stored[i]) Attribute{key, AttributeData(scalar_of<bool>(value))};
        break;
      case 1:
        new (&stored[i])
            Attribute{key, AttributeData(scalar_of<std::int64_t>(value))};
        break;
      case 2:
        new (&stored[i])
            Attribute{key, AttributeData(scalar_of<double>(value))};
        break;
      default:
        new (&stored[i]) Attribute{key, AttributeData(copy(text_of(value)))};
        break;
    }
  }
  event.attributes.assign(stored, count);
  return true;
}

void RecordingSpan::add_event(std::string_view event_name,
                              std::optional<Timestamp> timestamp,
                              Attributes event_attributes) noexcept {
  const SpanLimits& limits = provider_->config.limits();
  if (events.size() >= limits.event_count) {
    ++dropped_events_count;
    note_drop("event", limits.event_count);
    return;
  }
  EventData event;
  event.time = timestamp ? *timestamp : now();
  if (!store_event_fast(event_name, event_attributes,
                        limits.attributes_per_event, event)) {
    event.name = arena.copy(event_name);
    if (!event_attributes.empty() &&
        !store_attributes_fast(arena, event_attributes,
                               limits.attributes_per_event, event.attributes)) {
      event.attributes.reserve(
          arena, std::min<std::size_t>(event_attributes.size(),
                                       limits.attributes_per_event));
      for (const KeyValue& attribute : event_attributes) {
        put_attribute(arena, event.attributes, limits.attributes_per_event,
                      event.dropped_attributes_count, attribute.key,
                      attribute.value);
      }
    }
  }
  if (!events.push_back(arena, event)) ++dropped_events_count;
}

void RecordingSpan::add_link(const SpanContext& context,
                             Attributes link_attributes) noexcept {
  append_link(context, link_attributes);
}

void RecordingSpan::add_link(const Link& link) noexcept {
  append_link(link.context, link.attributes);
}

void RecordingSpan::set_status(StatusCode code,
                               std::string_view description) noexcept {
  // OpenTelemetry: Ok is final, and Unset never overrides a status.
  if (status_code == StatusCode::kOk || code == StatusCode::kUnset) return;
  status_code = code;
  replace_text(status_description,
               code == StatusCode::kError ? description : std::string_view());
}

void RecordingSpan::update_name(std::string_view new_name) noexcept {
  replace_text(name, new_name);
}

Timestamp RecordingSpan::now() const noexcept {
  if (provider_->config.default_clock()) {
    return tick_clock::since({start_time, start_ticks_});
  }
  return provider_->config.clock()();
}

void RecordingSpan::end(std::optional<Timestamp> end_timestamp) noexcept {
  ProviderState* const provider = provider_;
  end_time = end_timestamp ? *end_timestamp : now();
  // The last continuation span ends with the span, just before it.
  if (continuation_ != nullptr) end_continuation(end_time);
  if (dropped_links_count != 0)
    provider->links_dropped.add(dropped_links_count);
  std::uint64_t attributes_dropped = dropped_attributes_count;
  for (const LinkData& link : links) {
    attributes_dropped += link.dropped_attributes_count;
  }
  for (const EventData& event : events) {
    attributes_dropped += event.dropped_attributes_count;
  }
  if (attributes_dropped != 0)
    provider->attributes_dropped.add(attributes_dropped);
  if (dropped_events_count != 0) {
    provider->events_dropped.add(dropped_events_count);
  }
  // Record-only spans reach the processors too (OpenTelemetry); the
  // exporting processors skip what is not sampled.
  provider->deliver(std::unique_ptr<SpanData>(this));  // `this` may be gone
  // Last: the provider may be destroyed from here on.
  provider->end_span();
}

}  // namespace weft::sdk
