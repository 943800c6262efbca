// RequestEncoder: translates finished spans (weft::sdk::SpanData) into the
// protobuf wire form of OTLP ExportTraceServiceRequests, grouped by resource
// and instrumentation scope, split into requests that fit a size limit.
//
// It writes the bytes directly from the spans' arenas (two passes: sizes,
// then bytes) instead of building protobuf message objects, which is what
// keeps a 32-link span near a microsecond. The first pass also plans the
// batch into requests of at most a given size (a collector refuses larger
// ones: gRPC's and the OpenTelemetry Collector's default limit is 4 MiB),
// so nothing is encoded twice. The output decodes with the generated
// classes of weft::otlp_proto (and any OTLP receiver); the tests check
// exactly that. Used by the OTLP exporters (gRPC, HTTP) and the benchmarks.
// One thread at a time (it reuses scratch buffers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "weft/sdk/span_data.h"

namespace weft::otlp {

// OTLP Span.flags / Link.flags bits above the W3C trace-flags byte.
inline constexpr std::uint32_t kFlagContextHasIsRemote = 0x100;
inline constexpr std::uint32_t kFlagContextIsRemote = 0x200;

// One request of a planned batch: the spans at positions [first, end) of
// the request order (the batch grouped by resource, then scope; see
// RequestEncoder::plan), less those too large to send.
struct RequestPart {
  std::size_t first = 0;
  std::size_t end = 0;
  std::size_t spans = 0;  // spans in the request
  std::size_t bytes = 0;  // the request's size
};

// A span whose request alone would exceed the limit: it is in no part.
struct TooLargeSpan {
  const sdk::SpanData* span = nullptr;
  std::size_t bytes = 0;  // the size of a request carrying it alone
};

class RequestEncoder {
 public:
  // First pass: groups `spans` (null entries are skipped) by resource and
  // scope, sizes them and splits them into consecutive parts of the request
  // order, each a request of at most `max_request_bytes`. Every span is in
  // exactly one part, in order, or in too_large(). No part for an empty
  // batch. `spans` must not change until the parts are written.
  const std::vector<RequestPart>& plan(const sdk::SpanBatch& spans,
                                       std::size_t max_request_bytes);
  // The parts and the spans left out by the last plan().
  const std::vector<RequestPart>& parts() const noexcept { return parts_; }
  const std::vector<TooLargeSpan>& too_large() const noexcept {
    return too_large_;
  }
  // Second pass: writes the request of parts()[part], exactly its `bytes`
  // bytes, at `out` (the exporter writes straight into a gRPC slice).
  // Returns the spans written.
  std::size_t write_part(std::size_t part, char* out);
  // The same into `out`, replaced.
  std::size_t encode_part(std::size_t part, std::string& out);

  // The whole batch as one request, whatever its size: prepare() returns
  // its size in bytes, then write() fills exactly that many bytes at `out`;
  // encode() does both into `out`. Return the spans encoded.
  std::size_t prepare(const sdk::SpanBatch& spans);
  std::size_t write(char* out);
  std::size_t encode(const sdk::SpanBatch& spans, std::string& out);

 private:
  // The batch in request order, as the first pass measured it. *_slot:
  // where the message's nested sizes start in sizes_; *_bytes: what the
  // message takes in its parent, tag and length included.
  struct ResourceGroup {
    const sdk::Resource* resource;
    std::vector<std::size_t> scopes;  // indexes in scopes_, in order
    std::size_t resource_slot = 0;
    std::size_t header_bytes = 0;  // resource and schema_url fields
  };
  struct ScopeGroup {
    std::size_t resource_group;
    const sdk::InstrumentationScope* scope;
    std::vector<const sdk::SpanData*> spans;  // until flattened
    std::size_t scope_slot = 0;
    std::size_t header_bytes = 0;  // scope and schema_url fields
  };
  struct Entry {
    const sdk::SpanData* span;
    std::size_t scope_group;
    std::size_t slot = 0;
    std::size_t bytes = 0;
    bool too_large = false;
  };

  void group(const sdk::SpanBatch& spans);
  void measure();

  std::vector<ResourceGroup> resources_;
  std::vector<ScopeGroup> scopes_;    // of every resource, in request order
  std::vector<Entry> entries_;        // the spans, in request order
  std::vector<std::uint32_t> sizes_;  // nested message sizes, in order
  std::vector<RequestPart> parts_;
  std::vector<TooLargeSpan> too_large_;
};

}  // namespace weft::otlp
