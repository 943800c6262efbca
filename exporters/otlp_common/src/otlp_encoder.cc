#include "otlp_encoder.h"

#include <chrono>
#include <cstring>
#include <type_traits>
#include <variant>

namespace weft::otlp {
namespace {

using sdk::SpanData;

enum WireType : std::uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5,
};

constexpr std::size_t varint_size(std::uint64_t value) noexcept {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

constexpr std::size_t tag_size(std::uint32_t field) noexcept {
  return varint_size(std::uint64_t{field} << 3);
}

// First pass: adds up the bytes and records the size of each nested message
// (pre-order), so that the second pass can write length prefixes directly.
class Sizer {
 public:
  explicit Sizer(std::vector<std::uint32_t>& sizes) noexcept : sizes_(sizes) {
    sizes_.clear();
  }

  void varint(std::uint32_t field, std::uint64_t value) noexcept {
    position_ += tag_size(field) + varint_size(value);
  }
  void fixed64(std::uint32_t field, std::uint64_t) noexcept {
    position_ += tag_size(field) + 8;
  }
  void fixed32(std::uint32_t field, std::uint32_t) noexcept {
    position_ += tag_size(field) + 4;
  }
  void bytes(std::uint32_t field, const void*, std::size_t size) noexcept {
    position_ += tag_size(field) + varint_size(size) + size;
  }
  void begin(std::uint32_t field) {
    position_ += tag_size(field);
    stack_[depth_++] = Open{sizes_.size(), position_};
    sizes_.push_back(0);
  }
  void end() noexcept {
    const Open open = stack_[--depth_];
    const std::size_t size = position_ - open.start;
    sizes_[open.slot] = static_cast<std::uint32_t>(size);
    position_ += varint_size(size);
  }
  std::size_t total() const noexcept { return position_; }
  // Where the next nested message's size will be recorded.
  std::size_t slot() const noexcept { return sizes_.size(); }

 private:
  struct Open {
    std::size_t slot;
    std::size_t start;
  };
  std::vector<std::uint32_t>& sizes_;
  Open stack_[16];  // OTLP nests 7 deep at most (arrays of values)
  std::size_t depth_ = 0;
  std::size_t position_ = 0;
};

// Second pass: writes the bytes into a buffer of exactly total() bytes.
class Writer {
 public:
  Writer(const std::vector<std::uint32_t>& sizes, char* out) noexcept
      : base_(sizes.data()), sizes_(sizes.data()), out_(out) {}

  void varint(std::uint32_t field, std::uint64_t value) noexcept {
    raw_varint(std::uint64_t{field} << 3 | kVarint);
    raw_varint(value);
  }
  void fixed64(std::uint32_t field, std::uint64_t value) noexcept {
    raw_varint(std::uint64_t{field} << 3 | kFixed64);
    for (int i = 0; i < 8; ++i) *out_++ = static_cast<char>(value >> (8 * i));
  }
  void fixed32(std::uint32_t field, std::uint32_t value) noexcept {
    raw_varint(std::uint64_t{field} << 3 | kFixed32);
    for (int i = 0; i < 4; ++i) *out_++ = static_cast<char>(value >> (8 * i));
  }
  void bytes(std::uint32_t field, const void* data, std::size_t size) noexcept {
    raw_varint(std::uint64_t{field} << 3 | kLengthDelimited);
    raw_varint(size);
    if (size != 0) std::memcpy(out_, data, size);
    out_ += size;
  }
  void begin(std::uint32_t field) noexcept {
    raw_varint(std::uint64_t{field} << 3 | kLengthDelimited);
    raw_varint(*sizes_++);
  }
  // A message whose size the caller computed (a part's wrappers).
  void begin_sized(std::uint32_t field, std::size_t size) noexcept {
    raw_varint(std::uint64_t{field} << 3 | kLengthDelimited);
    raw_varint(size);
  }
  void end() noexcept {}
  // The next begin() reads the size recorded at `slot` by the Sizer.
  void seek(std::size_t slot) noexcept { sizes_ = base_ + slot; }
  const char* position() const noexcept { return out_; }

 private:
  void raw_varint(std::uint64_t value) noexcept {
    while (value >= 0x80) {
      *out_++ = static_cast<char>(value | 0x80);
      value >>= 7;
    }
    *out_++ = static_cast<char>(value);
  }

  const std::uint32_t* base_;
  const std::uint32_t* sizes_;
  char* out_;
};

template <class Sink>
void text(Sink& sink, std::uint32_t field, std::string_view value) {
  if (!value.empty()) sink.bytes(field, value.data(), value.size());
}

template <class Sink>
void count(Sink& sink, std::uint32_t field, std::uint64_t value) {
  if (value != 0) sink.varint(field, value);
}

template <class Sink>
void time_field(Sink& sink, std::uint32_t field, std::uint64_t unix_nanos) {
  if (unix_nanos != 0) sink.fixed64(field, unix_nanos);
}

std::uint64_t unix_nanos(Timestamp time) noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
          time.time_since_epoch())
          .count());
}

// AnyValue members (the value of an attribute): a oneof, so written even
// when zero or empty.
template <class Sink>
void any_scalar(Sink& sink, bool value) {
  sink.varint(2, value ? 1 : 0);
}
template <class Sink>
void any_scalar(Sink& sink, std::int64_t value) {
  sink.varint(3, static_cast<std::uint64_t>(value));
}
template <class Sink>
void any_scalar(Sink& sink, double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  sink.fixed64(4, bits);
}
template <class Sink>
void any_scalar(Sink& sink, std::string_view value) {
  sink.bytes(1, value.data(), value.size());
}

template <class Sink, class Value>
void any_value(Sink& sink, const Value& value) {
  std::visit(
      [&sink](const auto& alternative) {
        using T = std::decay_t<decltype(alternative)>;
        if constexpr (std::is_same_v<T, bool> ||
                      std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, double>) {
          any_scalar(sink, alternative);
        } else if constexpr (std::is_same_v<T, std::string_view> ||
                             std::is_same_v<T, std::string>) {
          any_scalar(sink, std::string_view(alternative));
        } else {  // an array: ArrayValue{ repeated AnyValue values = 1 }
          using Element = typename T::value_type;
          sink.begin(5);
          for (const auto& element : alternative) {
            sink.begin(1);
            if constexpr (std::is_same_v<Element, std::string> ||
                          std::is_same_v<Element, std::string_view>) {
              any_scalar(sink, std::string_view(element));
            } else {
              any_scalar(sink, static_cast<Element>(element));
            }
            sink.end();
          }
          sink.end();
        }
      },
      value);
}

// KeyValue{ key = 1, value = 2 } as repeated field `field`.
template <class Sink, class Value>
void key_value(Sink& sink, std::uint32_t field, std::string_view key,
               const Value& value) {
  sink.begin(field);
  text(sink, 1, key);
  sink.begin(2);
  any_value(sink, value);
  sink.end();
  sink.end();
}

template <class Sink>
void attributes(Sink& sink, std::uint32_t field,
                const sdk::AttributeList& list) {
  for (const sdk::Attribute& attribute : list) {
    key_value(sink, field, attribute.key, attribute.value);
  }
}

template <class Sink>
void span(Sink& sink, const SpanData& data) {
  sink.begin(2);  // ScopeSpans.spans
  sink.bytes(1, data.trace_id.bytes().data(), 16);
  sink.bytes(2, data.span_id.bytes().data(), 8);
  text(sink, 3, data.trace_state.header());
  if (data.parent_span_id.is_valid()) {
    sink.bytes(4, data.parent_span_id.bytes().data(), 8);
  }
  text(sink, 5, data.name);
  sink.varint(6, static_cast<std::uint64_t>(data.kind));
  time_field(sink, 7, unix_nanos(data.start_time));
  time_field(sink, 8, unix_nanos(data.end_time));
  attributes(sink, 9, data.attributes);
  count(sink, 10, data.dropped_attributes_count);
  for (const sdk::EventData& event : data.events) {
    sink.begin(11);
    time_field(sink, 1, unix_nanos(event.time));
    text(sink, 2, event.name);
    attributes(sink, 3, event.attributes);
    count(sink, 4, event.dropped_attributes_count);
    sink.end();
  }
  count(sink, 12, data.dropped_events_count);
  for (const sdk::LinkData& link : data.links) {
    sink.begin(13);
    sink.bytes(1, link.trace_id.bytes().data(), 16);
    sink.bytes(2, link.span_id.bytes().data(), 8);
    text(sink, 3, link.trace_state);
    attributes(sink, 4, link.attributes);
    count(sink, 5, link.dropped_attributes_count);
    sink.fixed32(6, link.flags.bits() | kFlagContextHasIsRemote |
                        (link.is_remote ? kFlagContextIsRemote : 0));
    sink.end();
  }
  count(sink, 14, data.dropped_links_count);
  if (data.status_code != StatusCode::kUnset ||
      !data.status_description.empty()) {
    sink.begin(15);
    text(sink, 2, data.status_description);
    count(sink, 3, static_cast<std::uint64_t>(data.status_code));
    sink.end();
  }
  sink.fixed32(16, data.flags.bits() | kFlagContextHasIsRemote |
                       (data.parent_is_remote ? kFlagContextIsRemote : 0));
  sink.end();
}

// ResourceSpans.resource.
template <class Sink>
void resource_message(Sink& sink, const sdk::Resource& resource) {
  sink.begin(1);
  for (const auto& [key, value] : resource.attributes) {
    key_value(sink, 1, key, value);
  }
  sink.end();
}

// ScopeSpans.scope.
template <class Sink>
void scope_message(Sink& sink, const sdk::InstrumentationScope& scope) {
  sink.begin(1);
  text(sink, 1, scope.name);
  text(sink, 2, scope.version);
  sink.end();
}

// The bytes of a length-delimited field `field` whose content is `size`.
constexpr std::size_t wrapped(std::uint32_t field, std::size_t size) noexcept {
  return tag_size(field) + varint_size(size) + size;
}

std::size_t text_bytes(std::uint32_t field, std::string_view value) noexcept {
  return value.empty() ? 0 : wrapped(field, value.size());
}

// The request of a part as it grows span by span, in request order: the
// ResourceSpans it completed, the one it is in (its resource and completed
// ScopeSpans) and the ScopeSpans it is in (its scope and spans).
struct PartSize {
  std::size_t closed = 0;
  std::size_t resource_body = 0;
  std::size_t scope_body = 0;

  std::size_t total() const noexcept {
    return closed + wrapped(1, resource_body + wrapped(2, scope_body));
  }
};

bool same_scope(const sdk::InstrumentationScope* a,
                const sdk::InstrumentationScope* b) noexcept {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return a->name == b->name && a->version == b->version &&
         a->schema_url == b->schema_url;
}

}  // namespace

void RequestEncoder::group(const sdk::SpanBatch& spans) {
  resources_.clear();
  scopes_.clear();
  const sdk::TracerIdentity* last_identity = nullptr;
  std::size_t last_group = 0;
  bool have_last = false;
  for (const std::unique_ptr<SpanData>& data : spans) {
    if (!data) continue;
    const sdk::TracerIdentity* identity = data->tracer;
    if (have_last && identity == last_identity) {
      scopes_[last_group].spans.push_back(data.get());
      continue;
    }
    const sdk::Resource* resource =
        identity != nullptr ? identity->resource.get() : nullptr;
    const sdk::InstrumentationScope* scope =
        identity != nullptr ? &identity->scope : nullptr;
    std::size_t resource_group = resources_.size();
    for (std::size_t i = 0; i < resources_.size(); ++i) {
      if (resources_[i].resource == resource) resource_group = i;
    }
    if (resource_group == resources_.size()) {
      resources_.push_back(ResourceGroup{resource, {}});
    }
    std::size_t scope_group = scopes_.size();
    for (std::size_t i : resources_[resource_group].scopes) {
      if (same_scope(scopes_[i].scope, scope)) scope_group = i;
    }
    if (scope_group == scopes_.size()) {
      scopes_.push_back(ScopeGroup{resource_group, scope, {}});
      resources_[resource_group].scopes.push_back(scope_group);
    }
    scopes_[scope_group].spans.push_back(data.get());
    last_identity = identity;
    last_group = scope_group;
    have_last = true;
  }
}

// The first pass over the whole batch as one request, recording where each
// message's sizes are and what each takes, in request order.
void RequestEncoder::measure() {
  entries_.clear();
  Sizer sizer(sizes_);
  for (std::size_t r = 0; r < resources_.size(); ++r) {
    ResourceGroup& resource_group = resources_[r];
    sizer.begin(1);  // ExportTraceServiceRequest.resource_spans
    std::size_t start = sizer.total();
    if (const sdk::Resource* resource = resource_group.resource) {
      resource_group.resource_slot = sizer.slot();
      resource_message(sizer, *resource);
    }
    resource_group.header_bytes = sizer.total() - start;
    for (std::size_t s : resource_group.scopes) {
      ScopeGroup& scope_group = scopes_[s];
      sizer.begin(2);  // ResourceSpans.scope_spans
      start = sizer.total();
      const sdk::InstrumentationScope* scope = scope_group.scope;
      if (scope != nullptr) {
        scope_group.scope_slot = sizer.slot();
        scope_message(sizer, *scope);
      }
      scope_group.header_bytes = sizer.total() - start;
      for (const SpanData* data : scope_group.spans) {
        Entry& entry = entries_.emplace_back(Entry{data, s});
        entry.slot = sizer.slot();
        start = sizer.total();
        span(sizer, *data);
        entry.bytes = sizer.total() - start;
      }
      if (scope != nullptr) {
        text(sizer, 3, scope->schema_url);
        scope_group.header_bytes += text_bytes(3, scope->schema_url);
      }
      sizer.end();
    }
    if (const sdk::Resource* resource = resource_group.resource) {
      text(sizer, 3, resource->schema_url);
      resource_group.header_bytes += text_bytes(3, resource->schema_url);
    }
    sizer.end();
  }
}

const std::vector<RequestPart>& RequestEncoder::plan(
    const sdk::SpanBatch& spans, std::size_t max_request_bytes) {
  parts_.clear();
  too_large_.clear();
  group(spans);
  measure();
  RequestPart part;
  PartSize size;
  std::size_t scope_group = 0;  // of the part's last span
  const auto close_part = [&](std::size_t end) {
    part.end = end;
    part.bytes = size.total();
    parts_.push_back(part);
    part = RequestPart{};
  };
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    Entry& entry = entries_[i];
    const ScopeGroup& scope = scopes_[entry.scope_group];
    const std::size_t resource_header =
        resources_[scope.resource_group].header_bytes;
    // Alone in a request:
    PartSize alone{0, resource_header, scope.header_bytes + entry.bytes};
    PartSize grown = size;
    if (part.spans == 0) {
      grown = alone;
    } else if (entry.scope_group == scope_group) {
      grown.scope_body += entry.bytes;
    } else if (scope.resource_group == scopes_[scope_group].resource_group) {
      grown.resource_body += wrapped(2, grown.scope_body);
      grown.scope_body = alone.scope_body;
    } else {
      grown.closed = size.total();
      grown.resource_body = alone.resource_body;
      grown.scope_body = alone.scope_body;
    }
    if (grown.total() > max_request_bytes && part.spans != 0) {
      close_part(i);
      grown = alone;
    }
    if (grown.total() > max_request_bytes) {
      entry.too_large = true;
      too_large_.push_back(TooLargeSpan{entry.span, alone.total()});
      continue;
    }
    if (part.spans == 0) part.first = i;
    ++part.spans;
    size = grown;
    scope_group = entry.scope_group;
  }
  if (part.spans != 0) close_part(entries_.size());
  return parts_;
}

std::size_t RequestEncoder::write_part(std::size_t index, char* out) {
  const RequestPart& part = parts_[index];
  Writer writer(sizes_, out);
  const auto next_span = [this, &part](std::size_t i) {
    while (i < part.end && entries_[i].too_large) ++i;
    return i;
  };
  // Runs of spans of one resource, then of one scope, make the request's
  // ResourceSpans and ScopeSpans; their sizes depend on the part.
  const auto scope_of = [this](std::size_t i) {
    return entries_[i].scope_group;
  };
  const auto resource_of = [this](std::size_t i) {
    return scopes_[entries_[i].scope_group].resource_group;
  };
  std::size_t i = next_span(part.first);
  while (i < part.end) {
    const ResourceGroup& resource_group = resources_[resource_of(i)];
    // This ResourceSpans' size: its header and each ScopeSpans.
    std::size_t resource_body = resource_group.header_bytes;
    std::size_t j = i;
    while (j < part.end && resource_of(j) == resource_of(i)) {
      std::size_t scope_body = scopes_[scope_of(j)].header_bytes;
      const std::size_t scope = scope_of(j);
      while (j < part.end && scope_of(j) == scope) {
        if (!entries_[j].too_large) scope_body += entries_[j].bytes;
        j = next_span(j + 1);
      }
      resource_body += wrapped(2, scope_body);
    }
    writer.begin_sized(1, resource_body);
    if (const sdk::Resource* resource = resource_group.resource) {
      writer.seek(resource_group.resource_slot);
      resource_message(writer, *resource);
    }
    while (i < j) {
      const ScopeGroup& scope_group = scopes_[scope_of(i)];
      std::size_t scope_body = scope_group.header_bytes;
      std::size_t k = i;
      while (k < j && scope_of(k) == scope_of(i)) {
        scope_body += entries_[k].bytes;
        k = next_span(k + 1);
      }
      writer.begin_sized(2, scope_body);
      const sdk::InstrumentationScope* scope = scope_group.scope;
      if (scope != nullptr) {
        writer.seek(scope_group.scope_slot);
        scope_message(writer, *scope);
      }
      for (; i < k; i = next_span(i + 1)) {
        writer.seek(entries_[i].slot);
        span(writer, *entries_[i].span);
      }
      if (scope != nullptr) text(writer, 3, scope->schema_url);
    }
    if (const sdk::Resource* resource = resource_group.resource) {
      text(writer, 3, resource->schema_url);
    }
  }
  return part.spans;
}

std::size_t RequestEncoder::encode_part(std::size_t index, std::string& out) {
  out.resize(parts_[index].bytes);
  return write_part(index, out.data());
}

std::size_t RequestEncoder::prepare(const sdk::SpanBatch& spans) {
  plan(spans, std::numeric_limits<std::size_t>::max());
  return parts_.empty() ? 0 : parts_.front().bytes;
}

std::size_t RequestEncoder::write(char* out) {
  return parts_.empty() ? 0 : write_part(0, out);
}

std::size_t RequestEncoder::encode(const sdk::SpanBatch& spans,
                                   std::string& out) {
  out.resize(prepare(spans));
  return write(out.data());
}

}  // namespace weft::otlp
