// How `weft view` shows traces: which traces are selected (filters), a
// terminal waterfall per trace with each span's links underneath, and a
// Mermaid diagram of the same traces with the links drawn between them.
// Every text taken from the input (names, services, messages, attributes) is
// escaped for the terminal (terminal_text.h), in the diagram too.
// Stateless functions over a TraceSet; thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "view_model.h"

namespace weft::tools::view {

struct Filter {
  std::string trace_id;   // a prefix of the trace id
  std::string span_name;  // traces with a span of exactly this name
  std::string service;    // traces with a span of this service
  // Also the traces that selected traces link to, or are linked from.
  bool linked = false;
};

// The traces `filter` selects, in start order.
std::vector<const TraceSet::Trace*> select_traces(const TraceSet& traces,
                                                  const Filter& filter);

struct WaterfallOptions {
  std::size_t bar_width = 40;
};

// Per trace: a header, then one line per span (tree by parent: start offset,
// duration, a bar on the trace's timeline, status, name; a span kind or
// status code that OTLP does not name shows as its number, and a span that
// ends before it starts as 0ns and "end<start"), and under each span its
// links (relationship, the linked span's name and trace when known, the
// other attributes), how many of them were folded back from continuation
// spans, the links that point at it, and the counts of what the SDK dropped.
std::string render_waterfall(const TraceSet& traces,
                             const std::vector<const TraceSet::Trace*>& shown,
                             const WaterfallOptions& options = {});

// A Mermaid flowchart: a subgraph per trace, solid arrows from parent to
// child, dotted arrows from each linked span to the span that links it,
// labelled with the relationship (as in the article's diagrams).
std::string render_mermaid(const TraceSet& traces,
                           const std::vector<const TraceSet::Trace*>& shown);

// A duration for people: 850ns, 12.3µs, 4.56ms, 1.23s.
std::string format_duration(std::uint64_t nanoseconds);

}  // namespace weft::tools::view
