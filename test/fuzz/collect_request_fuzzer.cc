// libFuzzer target: what `weft collect` does with the bytes of an Export call
// (tools/weft/collector.h decode_request, then otlp_json.h to_otlp_json for
// the line it stores), and `weft view`'s reader on that line
// (tools/weft/view_model.h), as the two tools are used together.
//
// Besides "no crash, no sanitizer report", for every input:
//   - decoding does not depend on how gRPC sliced the bytes (one slice, or
//     many small ones), nor on what the message held before (the collector
//     reuses one message per gRPC thread; here one for every input);
//   - a decoded request always prints as one non-empty line of JSON;
//   - `weft view` reads that line back with the request's spans, ids in
//     lowercase hex, names, times, kinds, status and counts; it may refuse
//     it only for what it refuses by design: ids of the wrong size or all
//     zeros, an unknown span kind or status code, values nested more than
//     16 deep.
// Seeds (corpus/collect_request/) are valid requests written by
// make_otlp_corpus.cc. Run by test/fuzz/run; see that script for the time
// budget.
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"
#include "otlp_json.h"
#include "view_model.h"

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
using weft::tools::ExportTraceServiceRequest;

// Aborts (a finding) naming the line of the broken property.
void check(bool condition, int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "%s:%d: property broken\n", __FILE__, line);
  std::abort();
}

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    text.push_back(kDigits[value >> 4]);
    text.push_back(kDigits[value & 0xf]);
  }
  return text;
}

bool valid_id(const std::string& id, std::size_t bytes) {
  return id.size() == bytes &&
         std::any_of(id.begin(), id.end(), [](char c) { return c != 0; });
}

// Levels of AnyValue in `value`, itself included, as `weft view` descends.
int levels(const common::AnyValue& value) {
  int deepest = 0;
  if (value.has_array_value()) {
    for (const common::AnyValue& element : value.array_value().values()) {
      deepest = std::max(deepest, levels(element));
    }
  } else if (value.has_kvlist_value()) {
    for (const common::KeyValue& entry : value.kvlist_value().values()) {
      if (entry.has_value()) deepest = std::max(deepest, levels(entry.value()));
    }
  }
  return 1 + deepest;
}

bool too_deep(
    const google::protobuf::RepeatedPtrField<common::KeyValue>& attributes) {
  return std::any_of(attributes.begin(), attributes.end(),
                     [](const common::KeyValue& attribute) {
                       return attribute.has_value() &&
                              levels(attribute.value()) > 17;
                     });
}

// Whether `weft view` refuses the request by design (see the top).
bool refused_by_design(const ExportTraceServiceRequest& request) {
  for (const trace::ResourceSpans& resource : request.resource_spans()) {
    if (too_deep(resource.resource().attributes())) return true;
    for (const trace::ScopeSpans& scope : resource.scope_spans()) {
      for (const trace::Span& span : scope.spans()) {
        if (!valid_id(span.trace_id(), 16) || !valid_id(span.span_id(), 8) ||
            !(span.parent_span_id().empty() ||
              span.parent_span_id().size() == 8) ||
            span.kind() < 0 || span.kind() > 5 ||
            (span.has_status() &&
             (span.status().code() < 0 || span.status().code() > 2)) ||
            too_deep(span.attributes())) {
          return true;
        }
        for (const trace::Span::Link& link : span.links()) {
          if (!valid_id(link.trace_id(), 16) || !valid_id(link.span_id(), 8) ||
              too_deep(link.attributes())) {
            return true;
          }
        }
      }
    }
  }
  return false;
}

// The records `weft view` read agree with the request, span by span.
void check_records(const ExportTraceServiceRequest& request,
                   const std::vector<weft::tools::view::SpanRecord>& records) {
  std::size_t next = 0;
  for (const trace::ResourceSpans& resource : request.resource_spans()) {
    for (const trace::ScopeSpans& scope : resource.scope_spans()) {
      for (const trace::Span& span : scope.spans()) {
        check(next < records.size());
        const weft::tools::view::SpanRecord& record = records[next++];
        check(record.trace_id == hex(span.trace_id()));
        check(record.span_id == hex(span.span_id()));
        const std::string parent = hex(span.parent_span_id());
        check(record.parent_span_id ==
              (parent == "0000000000000000" ? "" : parent));
        check(record.name == span.name());
        check(record.scope == scope.scope().name());
        check(record.kind == span.kind());
        check(record.start_ns == span.start_time_unix_nano());
        check(record.end_ns == span.end_time_unix_nano());
        check(record.status_code == span.status().code());
        check(record.status_message == span.status().message());
        check(record.attributes.size() ==
              static_cast<std::size_t>(span.attributes_size()));
        check(record.event_count ==
              static_cast<std::size_t>(span.events_size()));
        check(record.dropped_attributes_count ==
              span.dropped_attributes_count());
        check(record.dropped_events_count == span.dropped_events_count());
        check(record.dropped_links_count == span.dropped_links_count());
        check(record.links.size() ==
              static_cast<std::size_t>(span.links_size()));
        for (int i = 0; i < span.links_size(); ++i) {
          const auto& link = span.links(i);
          const auto& link_record = record.links[static_cast<std::size_t>(i)];
          check(link_record.trace_id == hex(link.trace_id()));
          check(link_record.span_id == hex(link.span_id()));
          check(link_record.trace_state == link.trace_state());
          check(link_record.attributes.size() ==
                static_cast<std::size_t>(link.attributes_size()));
        }
      }
    }
  }
  check(next == records.size());
}

// The input as gRPC may hand it over: in slices of 1 to 61 bytes.
grpc::ByteBuffer sliced(std::string_view input) {
  const std::size_t slice_size = 1 + input.size() % 61;
  std::vector<grpc::Slice> slices;
  for (std::size_t at = 0; at < input.size(); at += slice_size) {
    const std::string_view part = input.substr(at, slice_size);
    slices.emplace_back(part.data(), part.size());
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // protobuf logs every string field that is not UTF-8 (such a request does
  // not decode); the fuzzer would spend its time printing.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  grpc::Slice whole(input.data(), input.size());
  const grpc::ByteBuffer one_slice(&whole, 1);

  ExportTraceServiceRequest request;
  const bool decoded = weft::tools::decode_request(one_slice, request);
  static ExportTraceServiceRequest reused;
  check(weft::tools::decode_request(sliced(input), reused) == decoded);
  if (!decoded) return 0;
  check(reused.SerializeAsString() == request.SerializeAsString());

  const std::string line = weft::otlp::to_otlp_json(request);
  check(!line.empty());
  check(line.find('\n') == std::string::npos);

  std::vector<weft::tools::view::SpanRecord> records;
  std::string error;
  if (weft::tools::view::parse_otlp_json_line(line, 1, records, error)) {
    check_records(request, records);
  } else {
    check(!error.empty());
    check(records.empty());
    check(refused_by_design(request));
  }
  return 0;
}
