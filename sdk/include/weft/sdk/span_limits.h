// SpanLimits: how much one span may hold. Over a limit the first entries are
// kept, the rest dropped and counted (the counts are exported).
//
// weft keeps 32 links per span by default (OpenTelemetry's default is 128,
// OpenCensus's was 32): a span linked to thousands of requests stays cheap,
// and the dropped count tells the reader how many were left out. Plain value.
#pragma once

#include <cstdint>
#include <limits>

namespace weft::sdk {

// Which links a span keeps once it holds link_count_limit of them.
enum class LinkRetention : std::uint8_t {
  kFirst,   // keep the first ones (OpenTelemetry's rule)
  kLatest,  // keep the most recent ones (e.g. the last retries)
};

struct SpanLimits {
  static constexpr std::uint32_t kUnlimited =
      std::numeric_limits<std::uint32_t>::max();

  std::uint32_t attribute_count = 128;
  std::uint32_t attribute_value_length = kUnlimited;
  std::uint32_t event_count = 128;
  std::uint32_t link_count = 32;
  std::uint32_t attributes_per_event = 128;
  std::uint32_t attributes_per_link = 128;
  LinkRetention link_retention = LinkRetention::kFirst;
};

}  // namespace weft::sdk
