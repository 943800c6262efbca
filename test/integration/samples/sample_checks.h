// Readers of a finished trace for the sample tests: find spans by name or
// id, follow parents and links, read attributes. One test at a time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "test_provider.h"
#include "weft/sdk/span_data.h"

namespace weft::testing {

struct Spans {
  explicit Spans(sdk::SpanBatch batch) : all(std::move(batch)) {}

  // Every span named `name`, in the order they ended.
  std::vector<const sdk::SpanData*> named(std::string_view name) const {
    std::vector<const sdk::SpanData*> found;
    for (const auto& span : all) {
      if (span->name == name) found.push_back(span.get());
    }
    return found;
  }
  // The span with these ids, or nullptr.
  const sdk::SpanData* find(const TraceId& trace, const SpanId& span) const {
    for (const auto& candidate : all) {
      if (candidate->trace_id == trace && candidate->span_id == span) {
        return candidate.get();
      }
    }
    return nullptr;
  }
  const sdk::SpanData* target(const sdk::LinkData& link) const {
    return find(link.trace_id, link.span_id);
  }
  const sdk::SpanData* parent(const sdk::SpanData& span) const {
    return find(span.trace_id, span.parent_span_id);
  }
  // The children of `span`, in the order they ended.
  std::vector<const sdk::SpanData*> children(const sdk::SpanData& span,
                                             std::string_view name) const {
    std::vector<const sdk::SpanData*> found;
    for (const auto& candidate : all) {
      if (candidate->trace_id == span.trace_id &&
          candidate->parent_span_id == span.span_id &&
          candidate->name == name) {
        found.push_back(candidate.get());
      }
    }
    return found;
  }

  sdk::SpanBatch all;
};

inline std::string relationship_of(const sdk::LinkData& link) {
  return text_attribute(link.attributes, "link.relationship");
}

inline std::int64_t int_attribute(const sdk::AttributeList& attributes,
                                  std::string_view key) {
  return attribute_as<std::int64_t>(attributes, key).value_or(-1);
}

inline bool is_root(const sdk::SpanData& span) {
  return !span.parent_span_id.is_valid();
}

}  // namespace weft::testing
