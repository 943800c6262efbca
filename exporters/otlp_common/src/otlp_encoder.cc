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
      : sizes_(sizes.data()), out_(out) {}

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
  void end() noexcept {}
  const char* position() const noexcept { return out_; }

 private:
  void raw_varint(std::uint64_t value) noexcept {
    while (value >= 0x80) {
      *out_++ = static_cast<char>(value | 0x80);
      value >>= 7;
    }
    *out_++ = static_cast<char>(value);
  }

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

template <class Sink, class Groups>
void request(Sink& sink, const Groups& groups) {
  for (const auto& resource_group : groups) {
    sink.begin(1);  // ExportTraceServiceRequest.resource_spans
    if (const sdk::Resource* resource = resource_group.resource) {
      sink.begin(1);  // ResourceSpans.resource
      for (const auto& [key, value] : resource->attributes) {
        key_value(sink, 1, key, value);
      }
      sink.end();
    }
    for (const auto& scope_group : resource_group.scopes) {
      sink.begin(2);  // ResourceSpans.scope_spans
      const sdk::InstrumentationScope* scope = scope_group.scope;
      if (scope != nullptr) {
        sink.begin(1);  // ScopeSpans.scope
        text(sink, 1, scope->name);
        text(sink, 2, scope->version);
        sink.end();
      }
      for (const SpanData* data : scope_group.spans) span(sink, *data);
      if (scope != nullptr) text(sink, 3, scope->schema_url);
      sink.end();
    }
    if (const sdk::Resource* resource = resource_group.resource) {
      text(sink, 3, resource->schema_url);
    }
    sink.end();
  }
}

bool same_scope(const sdk::InstrumentationScope* a,
                const sdk::InstrumentationScope* b) noexcept {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return a->name == b->name && a->version == b->version &&
         a->schema_url == b->schema_url;
}

}  // namespace

void RequestEncoder::group(const sdk::SpanBatch& spans) {
  groups_.clear();
  const sdk::TracerIdentity* last_identity = nullptr;
  ScopeGroup* last_group = nullptr;
  for (const std::unique_ptr<SpanData>& data : spans) {
    if (!data) continue;
    const sdk::TracerIdentity* identity = data->tracer;
    if (last_group != nullptr && identity == last_identity) {
      last_group->spans.push_back(data.get());
      continue;
    }
    const sdk::Resource* resource =
        identity != nullptr ? identity->resource.get() : nullptr;
    const sdk::InstrumentationScope* scope =
        identity != nullptr ? &identity->scope : nullptr;
    ResourceGroup* resource_group = nullptr;
    for (ResourceGroup& candidate : groups_) {
      if (candidate.resource == resource) resource_group = &candidate;
    }
    if (resource_group == nullptr) {
      resource_group = &groups_.emplace_back(ResourceGroup{resource, {}});
    }
    ScopeGroup* scope_group = nullptr;
    for (ScopeGroup& candidate : resource_group->scopes) {
      if (same_scope(candidate.scope, scope)) scope_group = &candidate;
    }
    if (scope_group == nullptr) {
      scope_group = &resource_group->scopes.emplace_back(ScopeGroup{scope, {}});
    }
    scope_group->spans.push_back(data.get());
    last_identity = identity;
    last_group = scope_group;
  }
}

std::size_t RequestEncoder::prepare(const sdk::SpanBatch& spans) {
  group(spans);
  spans_ = 0;
  for (const ResourceGroup& resource_group : groups_) {
    for (const ScopeGroup& scope_group : resource_group.scopes) {
      spans_ += scope_group.spans.size();
    }
  }
  Sizer sizer(sizes_);
  request(sizer, groups_);
  return sizer.total();
}

std::size_t RequestEncoder::write(char* out) {
  Writer writer(sizes_, out);
  request(writer, groups_);
  return spans_;
}

std::size_t RequestEncoder::encode(const sdk::SpanBatch& spans,
                                   std::string& out) {
  out.resize(prepare(spans));
  return write(out.data());
}

}  // namespace weft::otlp
