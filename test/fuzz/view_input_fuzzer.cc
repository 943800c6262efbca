// libFuzzer target: `weft view` on an arbitrary file (tools/weft/view_model.h
// reads OTLP/JSON lines into spans and traces; view_render.h selects traces
// and renders the waterfall and the Mermaid diagram).
//
// Besides "no crash, no sanitizer report, no exception", for every input:
//   - an error names the source (and the line when there is one);
//   - every span read has a valid trace id and span id in lowercase hex,
//     and a parent id that is empty or 16 lowercase hex digits;
//   - the traces hold every span once, each in start order;
//   - with no filter every trace is selected; a filter selects a subset;
//   - the waterfall counts every span; the Mermaid diagram has one node line
//     per span, whatever the names contain;
//   - what is printed (the error, the waterfall, the diagram) has no control
//     character but the newlines between lines and is valid UTF-8, whatever
//     the input holds (terminal_text.h);
//   - no trace ends before it starts.
// Seeds are in corpus/view_input/, the dictionary in view_input.dict. Run by
// test/fuzz/run; see that script for the time budget.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "terminal_text.h"
#include "view_model.h"
#include "view_render.h"

namespace {

using namespace weft::tools::view;

// Aborts (a finding) naming the line of the broken property.
void check(bool condition, int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "%s:%d: property broken\n", __FILE__, line);
  std::abort();
}

bool lowercase_hex(std::string_view text, std::size_t digits) {
  return text.size() == digits &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool all_zero(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

std::size_t count(std::string_view text, std::string_view part) {
  std::size_t found = 0;
  for (std::size_t at = text.find(part); at != std::string_view::npos;
       at = text.find(part, at + part.size())) {
    ++found;
  }
  return found;
}

// Safe to print: escaping it again changes nothing (so it holds no control
// character and no invalid UTF-8) once split at its newlines.
bool printable_lines(std::string_view text) {
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (terminal_text(line) != line) return false;
    start = end + 1;
  }
  return true;
}

void check_spans(const std::vector<SpanRecord>& spans) {
  for (const SpanRecord& span : spans) {
    check(lowercase_hex(span.trace_id, 32) && !all_zero(span.trace_id));
    check(lowercase_hex(span.span_id, 16) && !all_zero(span.span_id));
    check(span.parent_span_id.empty() ||
          (lowercase_hex(span.parent_span_id, 16) &&
           !all_zero(span.parent_span_id)));
    check(span.line >= 1);
    for (const LinkRecord& link : span.links) {
      check(lowercase_hex(link.trace_id, 32) && !all_zero(link.trace_id));
      check(lowercase_hex(link.span_id, 16) && !all_zero(link.span_id));
    }
  }
}

void check_traces(const TraceSet& traces, std::size_t span_count) {
  std::size_t seen = 0;
  for (const TraceSet::Trace& trace : traces.traces()) {
    check(!trace.spans.empty());
    check(trace.end_ns >= trace.start_ns);
    check(traces.find_trace(trace.trace_id) == &trace);
    for (std::size_t i = 0; i < trace.spans.size(); ++i) {
      check(trace.spans[i]->trace_id == trace.trace_id);
      check(i == 0 || trace.spans[i - 1]->start_ns <= trace.spans[i]->start_ns);
      check(trace.start_ns <= trace.spans[i]->start_ns);
      check(traces.find_span(trace.trace_id, trace.spans[i]->span_id) !=
            nullptr);
    }
    seen += trace.spans.size();
  }
  check(seen == span_count);
}

void check_filters(const TraceSet& traces) {
  const auto all = select_traces(traces, Filter{});
  check(all.size() == traces.traces().size());
  if (traces.spans().empty()) return;
  const SpanRecord& first = traces.spans().front();
  for (const Filter& filter :
       {Filter{first.trace_id.substr(0, 4), "", "", false},
        Filter{"", first.name, "", true},
        Filter{"", "", first.service, true}}) {
    const auto some = select_traces(traces, filter);
    check(!some.empty() ||
          (filter.span_name.empty() && filter.service.empty()));
    check(some.size() <= all.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<SpanRecord> spans;
  std::string error;
  if (!read_otlp_json_lines(in, "fuzz", spans, error)) {
    check(error.rfind("fuzz:", 0) == 0);
    check(printable_lines(error) && error.find('\n') == std::string::npos);
    return 0;
  }
  check(error.empty());
  check_spans(spans);
  const std::size_t span_count = spans.size();
  const TraceSet traces(std::move(spans));
  check_traces(traces, span_count);
  check_filters(traces);

  const auto shown = select_traces(traces, Filter{});
  WaterfallOptions options;
  options.bar_width = size % 50;  // below 4 it draws 4 columns
  const std::string waterfall = render_waterfall(traces, shown, options);
  check(waterfall.rfind(std::to_string(shown.size()) + " trace", 0) == 0);
  check(waterfall.find(", " + std::to_string(span_count) + " span") !=
        std::string::npos);
  check(printable_lines(waterfall));

  const std::string mermaid = render_mermaid(traces, shown);
  check(mermaid.rfind("graph TD\n", 0) == 0);
  check(count(mermaid, "\n    s") == span_count);
  check(count(mermaid, "\n  subgraph ") == shown.size());
  check(printable_lines(mermaid));
  return 0;
}
