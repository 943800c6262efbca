// What `weft view` reads: spans from OTLP/JSON lines (one
// ExportTraceServiceRequest per line, as `weft collect` writes them), and
// the traces they form, with an index of links in both directions.
//
// Reading follows the protobuf JSON mapping with OTLP's rules
// (lowerCamelCase keys, ids as lowercase hex, enums as integers, 64-bit
// integers as strings) and accepts the lenient forms too (base64 ids,
// numbers for 64-bit integers, enum names). Input is untrusted: every
// problem becomes an error message naming the line and the field, never an
// exception or a crash; what the message quotes of the input is escaped for
// the terminal (terminal_text.h). The text fields of the records are as
// read: renderers escape them. Thread-compatible value types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::tools::view {

struct AttributeRecord {
  std::string key;
  std::string text;  // the value as shown: strings quoted, arrays in []
  std::string raw;   // the string itself for string values, else text
};

struct LinkRecord {
  std::string trace_id;  // 32 lowercase hex digits
  std::string span_id;   // 16 lowercase hex digits
  std::string trace_state;
  std::vector<AttributeRecord> attributes;
  std::uint32_t dropped_attributes_count = 0;

  // The `link.relationship` attribute, or empty.
  std::string relationship() const;
};

struct EventRecord {
  std::string name;
  std::uint64_t time_ns = 0;
  std::vector<AttributeRecord> attributes;
  std::uint32_t dropped_attributes_count = 0;
};

struct SpanRecord {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root span
  std::string name;
  std::string service;  // resource attribute service.name
  std::string scope;    // instrumentation scope name
  // OTLP SpanKind (1 internal ... 5 consumer). OTLP enums are open: any
  // other 32-bit number (a newer client's) is kept as read.
  int kind = 0;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  int status_code = 0;  // 0 unset, 1 ok, 2 error; others kept as read
  std::string status_message;
  std::vector<AttributeRecord> attributes;
  std::size_t event_count = 0;  // events.size()
  std::vector<EventRecord> events;
  std::vector<LinkRecord> links;
  std::uint32_t dropped_attributes_count = 0;
  std::uint32_t dropped_events_count = 0;
  std::uint32_t dropped_links_count = 0;
  std::size_t line = 0;  // where it was read (1-based)
  // Of `links`, how many were folded back from how many continuation spans
  // (fold_continuation_spans); 0 when none.
  std::size_t folded_link_count = 0;
  std::size_t folded_span_count = 0;

  // 0 when the span ends before it starts (an end time left at 0, a clock
  // that went back): never a wrapped difference.
  std::uint64_t duration_ns() const {
    return end_ns > start_ns ? end_ns - start_ns : 0;
  }
  bool ends_before_start() const { return end_ns < start_ns; }
};

// Parses one line (one request) into `spans`; on failure returns false and
// `error` says what is wrong and where in the request.
bool parse_otlp_json_line(std::string_view line, std::size_t line_number,
                          std::vector<SpanRecord>& spans, std::string& error);

// Reads every line of `in`; blank lines are skipped. On the first bad line,
// or when there is no line at all, returns false with an error that starts
// with "<source>:<line>: " (or "<source>: " for an empty input).
bool read_otlp_json_lines(std::istream& in, std::string_view source,
                          std::vector<SpanRecord>& spans, std::string& error);

// Folds continuation spans back into the span they continue: the SDK's
// LinkRetention::kContinue (WEFT_SPAN_LINK_RETENTION=continue) records the
// links beyond the limit in child spans marked weft.link.continuation_of
// (the span's id) and weft.link.first_index. Each such span whose span is in
// `spans` (same trace) is removed, and its links are appended to that
// span's, in weft.link.first_index order; its dropped links are added to
// the span's count, and folded_link_count and folded_span_count say what
// was folded. A continuation span whose span is missing stays as it is.
// The other spans keep their order.
void fold_continuation_spans(std::vector<SpanRecord>& spans);

// The spans grouped into traces, each in start order.
class TraceSet {
 public:
  struct Trace {
    std::string trace_id;
    std::vector<const SpanRecord*> spans;  // by start time
    std::uint64_t start_ns = 0;            // the earliest start of its spans
    // The latest start or end of its spans: never before start_ns, also
    // when spans end before they start.
    std::uint64_t end_ns = 0;

    std::uint64_t duration_ns() const { return end_ns - start_ns; }
  };
  // A link as seen from the span it points at.
  struct IncomingLink {
    const SpanRecord* from;
    const LinkRecord* link;
  };

  explicit TraceSet(std::vector<SpanRecord> spans);
  TraceSet(const TraceSet&) = delete;
  TraceSet& operator=(const TraceSet&) = delete;

  const std::vector<Trace>& traces() const { return traces_; }
  const std::vector<SpanRecord>& spans() const { return spans_; }
  const Trace* find_trace(std::string_view trace_id) const;
  // The span with these ids, or nullptr when it is not in the input.
  const SpanRecord* find_span(std::string_view trace_id,
                              std::string_view span_id) const;
  // The links that point at `span`, from any trace.
  const std::vector<IncomingLink>& incoming(const SpanRecord& span) const;

 private:
  static std::string key(std::string_view trace_id, std::string_view span_id);

  std::vector<SpanRecord> spans_;
  std::vector<Trace> traces_;
  std::map<std::string, const SpanRecord*, std::less<>> by_id_;
  std::map<std::string, std::vector<IncomingLink>, std::less<>> incoming_;
};

}  // namespace weft::tools::view
