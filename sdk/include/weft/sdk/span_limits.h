// SpanLimits: how much one span may hold. Over a limit the first entries are
// kept, the rest dropped and counted (the counts are exported).
//
// weft keeps 32 links per span by default (OpenTelemetry's default is 128,
// OpenCensus's was 32): a span linked to thousands of requests stays cheap,
// and the dropped count tells the reader how many were left out. With
// LinkRetention::kContinue no link is left out: the links beyond the limit
// go to continuation spans (see docs/links.md). Plain value.
#pragma once

#include <cstdint>
#include <limits>

namespace weft::sdk {

// Which links a span keeps once it holds link_count_limit of them.
enum class LinkRetention : std::uint8_t {
  kFirst,   // keep the first ones (OpenTelemetry's rule)
  kLatest,  // keep the most recent ones (e.g. the last retries)
  // Keep the first ones, and record the rest in continuation spans:
  // children of the span named "<name> (links 33-64)", each holding at most
  // link_count links and marked with the attributes weft.link.continuation_of
  // (the span's id, hex) and weft.link.first_index (the 0-based index of its
  // first link), so that viewers can fold them back (`weft view` does). A
  // continuation span is handed to the processors as soon as it is full (the
  // last one just before the span ends); a non-recording span has none.
  kContinue,
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
  // LinkRetention::kContinue only: the most continuation spans one span
  // has; the links beyond them are dropped and counted. By default a span
  // records at most 32 * (1 + 1024) = 32,800 links.
  std::uint32_t link_continuation_count = 1024;
};

}  // namespace weft::sdk
