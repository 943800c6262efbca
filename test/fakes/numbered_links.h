// Links numbered by their span ids, for tests of how a span keeps links:
// numbered_links() makes them, linked_span_numbers() reads back which ones a
// recorded span holds, in order, to compare with number_range().
// Plain functions; tests only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "test_provider.h"
#include "weft/link.h"
#include "weft/sdk/span_data.h"

namespace weft::testing {

// `count` links to span ids first_span_id, first_span_id+1, ... of trace 7,
// each with the attribute "index" = its span id.
inline std::vector<Link> numbered_links(std::size_t count,
                                        std::uint64_t first_span_id = 1) {
  std::vector<Link> links;
  for (std::size_t i = 0; i < count; ++i) {
    const auto id = static_cast<std::int64_t>(first_span_id + i);
    links.push_back(make_link(make_context(7, first_span_id + i),
                              relationship::kBatchMember, {{"index", id}}));
  }
  return links;
}

// A span id read as a big-endian number.
inline std::uint64_t span_number(const SpanId& id) {
  std::uint64_t value = 0;
  for (std::uint8_t byte : id.bytes()) value = value << 8 | byte;
  return value;
}

// The span ids of the links `span` holds, as numbers, in order.
inline std::vector<std::uint64_t> linked_span_numbers(
    const sdk::SpanData& span) {
  std::vector<std::uint64_t> numbers;
  for (const auto& link : span.links) {
    numbers.push_back(span_number(link.span_id));
  }
  return numbers;
}

// first, first+1, ..., last.
inline std::vector<std::uint64_t> number_range(std::uint64_t first,
                                               std::uint64_t last) {
  std::vector<std::uint64_t> values;
  for (std::uint64_t value = first; value <= last; ++value) {
    values.push_back(value);
  }
  return values;
}

}  // namespace weft::testing
