// RequestEncoder: translates finished spans (weft::sdk::SpanData) into the
// protobuf wire form of an OTLP ExportTraceServiceRequest, grouped by
// resource and instrumentation scope.
//
// It writes the bytes directly from the spans' arenas (two passes: sizes,
// then bytes) instead of building protobuf message objects, which is what
// keeps a 32-link span near a microsecond. The output decodes with the
// generated classes of weft::otlp_proto (and any OTLP receiver); the tests
// check exactly that. One thread at a time (it reuses scratch buffers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "weft/sdk/span_data.h"

namespace weft::otlp {

// OTLP Span.flags / Link.flags bits above the W3C trace-flags byte.
inline constexpr std::uint32_t kFlagContextHasIsRemote = 0x100;
inline constexpr std::uint32_t kFlagContextIsRemote = 0x200;

class RequestEncoder {
 public:
  // Replaces `out` with the serialized request carrying `spans` (null
  // entries are skipped). Returns the number of spans encoded.
  std::size_t encode(const sdk::SpanBatch& spans, std::string& out);

  // The same in two steps, for callers that own the output memory (the
  // exporter writes straight into a gRPC slice): prepare() returns the
  // request's size in bytes, then write() fills exactly that many bytes at
  // `out`. `spans` must not change in between. Returns the spans encoded.
  std::size_t prepare(const sdk::SpanBatch& spans);
  std::size_t write(char* out);

 private:
  struct ScopeGroup {
    const sdk::InstrumentationScope* scope;
    std::vector<const sdk::SpanData*> spans;
  };
  struct ResourceGroup {
    const sdk::Resource* resource;
    std::vector<ScopeGroup> scopes;
  };

  void group(const sdk::SpanBatch& spans);

  std::vector<ResourceGroup> groups_;
  std::vector<std::uint32_t> sizes_;  // nested message sizes, in order
  std::size_t spans_ = 0;             // spans grouped by prepare()
};

}  // namespace weft::otlp
