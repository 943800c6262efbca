// SpanData: a finished span as a plain struct. This is what span processors
// and exporters receive, by unique_ptr, once a span ends.
//
// Strings and lists are views into the span's own Arena, so a SpanData is
// one allocation in the common case and is never copied on its way to the
// exporter. The resource and instrumentation scope are shared with every
// other span of the same tracer; they belong to the TracerProvider and stay
// valid as long as it lives (read spans kept by an in-memory exporter before
// destroying the provider). After an export, the batch processor has the
// spans the exporter left destroyed later, by a thread that starts spans
// (their memory is reused there): a SpanData's destructor must not depend
// on when or where it runs.
// Thread-compatible: one owner at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "weft/array_view.h"
#include "weft/attribute.h"
#include "weft/ids.h"
#include "weft/sdk/arena.h"
#include "weft/span.h"
#include "weft/trace_state.h"

namespace weft::sdk {

// An attribute value as stored in a span: the alternatives of
// weft::AttributeValue, in the same order, viewing the span's arena.
using AttributeData =
    std::variant<bool, std::int64_t, double, std::string_view, ArrayView<bool>,
                 ArrayView<std::int64_t>, ArrayView<double>,
                 ArrayView<std::string_view>>;

struct Attribute {
  std::string_view key;
  AttributeData value;
};

using AttributeList = ArenaList<Attribute>;

struct EventData {
  std::string_view name;
  Timestamp time;
  AttributeList attributes;
  std::uint32_t dropped_attributes_count = 0;
};

struct LinkData {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags flags;
  bool is_remote = false;
  std::string_view trace_state;  // the W3C header form; empty when none
  AttributeList attributes;
  std::uint32_t dropped_attributes_count = 0;
};

// The entity that produces telemetry (service.name, telemetry.sdk.*, ...).
struct Resource {
  OwnedAttributes attributes;
  std::string schema_url;
};

// The library or component that created the span (the tracer's name).
struct InstrumentationScope {
  std::string name;
  std::string version;
  std::string schema_url;
};

// What the spans of one tracer share: its resource and scope.
struct TracerIdentity {
  std::shared_ptr<const Resource> resource;
  InstrumentationScope scope;
};

struct SpanData {
  SpanData() noexcept = default;
  SpanData(const SpanData&) = delete;
  SpanData& operator=(const SpanData&) = delete;
  virtual ~SpanData() = default;

  // First, beside the virtual table pointer: what destroying a span reads
  // (the batch worker then touches few of the producer's cache lines).
  TraceState trace_state;
  Arena arena;  // owns every view below

  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;  // invalid for a root span
  TraceFlags flags;
  bool parent_is_remote = false;
  SpanKind kind = SpanKind::kInternal;
  StatusCode status_code = StatusCode::kUnset;
  std::string_view name;
  std::string_view status_description;
  Timestamp start_time;
  Timestamp end_time;
  AttributeList attributes;
  ArenaList<EventData> events;
  ArenaList<LinkData> links;
  std::uint32_t dropped_attributes_count = 0;
  std::uint32_t dropped_events_count = 0;
  std::uint32_t dropped_links_count = 0;
  // Resource and scope; owned by the provider (no reference count per span,
  // so that threads ending spans never share a counter).
  const TracerIdentity* tracer = nullptr;
};

using SpanBatch = std::vector<std::unique_ptr<SpanData>>;

// The attribute named `key` in `attributes`, or nullptr.
inline const Attribute* find_attribute(const AttributeList& attributes,
                                       std::string_view key) noexcept {
  for (const Attribute& attribute : attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

// The longest prefix of `text` of at most `max_length` bytes that does not
// end inside a UTF-8 sequence (how attribute values are truncated).
std::string_view truncate_utf8(std::string_view text,
                               std::size_t max_length) noexcept;

// Copies `value` into `arena`; false when out of memory. String values
// longer than `max_length` are truncated to it (without splitting a UTF-8
// character).
bool store_attribute_value(Arena& arena, const AttributeView& value,
                           std::size_t max_length, AttributeData& out) noexcept;

// A deep copy of `from` whose data lives in `arena` (what does not fit when
// out of memory is left out).
AttributeList copy_attributes(Arena& arena, const AttributeList& from) noexcept;

// Bytes that copying `value` into an arena takes (for sizing an arena once).
std::size_t stored_size(const AttributeView& value) noexcept;

}  // namespace weft::sdk
