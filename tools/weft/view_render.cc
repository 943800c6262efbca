#include "view_render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "terminal_text.h"

namespace weft::tools::view {
namespace {

constexpr std::size_t kShortId = 8;      // hex digits shown for an id
constexpr std::size_t kMaxIncoming = 5;  // incoming links listed per span
// Tree levels drawn with indentation; deeper spans are drawn at this level
// with their depth, so that lines do not grow with the depth of the input.
constexpr std::size_t kMaxIndent = 32;

std::string short_id(std::string_view id) {
  return std::string(id.substr(0, kShortId));
}

// Unspecified (0) and internal (1) spans show no kind; a number OTLP does
// not name (a newer client's) is shown as it is.
std::string kind_suffix(int kind) {
  switch (kind) {
    case 0:
    case 1:
      return "";
    case 2:
      return " (server)";
    case 3:
      return " (client)";
    case 4:
      return " (producer)";
    case 5:
      return " (consumer)";
    default:
      return fmt::format(" (kind {})", kind);
  }
}

std::string status_text(int code) {
  switch (code) {
    case 0:
      return "";
    case 1:
      return "ok";
    case 2:
      return "ERROR";
    default:
      return fmt::format("code {}", code);
  }
}

// The name of what a link points at, as a reader wants it.
std::string link_target(const TraceSet& traces, const SpanRecord& from,
                        std::string_view trace_id, std::string_view span_id) {
  const SpanRecord* target = traces.find_span(trace_id, span_id);
  if (target == nullptr) {
    return fmt::format("span {} in trace {} (not in the input)",
                       short_id(span_id), short_id(trace_id));
  }
  if (target->trace_id == from.trace_id) {
    return fmt::format("{} (same trace)", terminal_text(target->name));
  }
  return fmt::format("{} in trace {}", terminal_text(target->name),
                     short_id(trace_id));
}

std::string other_attributes(const LinkRecord& link) {
  std::string text;
  for (const AttributeRecord& attribute : link.attributes) {
    if (attribute.key == "link.relationship") continue;
    text += fmt::format("  {}={}", terminal_text(attribute.key),
                        terminal_text(attribute.text));
  }
  if (link.dropped_attributes_count > 0) {
    text += fmt::format("  (+{} attributes dropped)",
                        link.dropped_attributes_count);
  }
  return text;
}

// As read: callers escape it for where it goes.
std::string relationship_or_link(const LinkRecord& link) {
  std::string relationship = link.relationship();
  return relationship.empty() ? "link" : relationship;
}

std::string plural(std::uint64_t count, std::string_view one,
                   std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

class Waterfall {
 public:
  Waterfall(const TraceSet& traces, const WaterfallOptions& options)
      : traces_(traces), width_(std::max<std::size_t>(options.bar_width, 4)) {}

  void trace(const TraceSet::Trace& trace) {
    trace_ = &trace;
    std::set<std::string> services;
    std::size_t links = 0;
    for (const SpanRecord* span : trace.spans) {
      if (!span->service.empty()) services.insert(terminal_text(span->service));
      links += span->links.size();
    }
    std::string service_list;
    for (const std::string& service : services) {
      service_list += (service_list.empty() ? "" : ", ") + service;
    }
    main_service_ = services.size() == 1 ? *services.begin() : "";
    out_ += fmt::format(
        "\ntrace {}  {}  {}, {}, {}\n", trace.trace_id,
        service_list.empty() ? "(no service.name)" : service_list,
        plural(trace.spans.size(), "span", "spans"),
        format_duration(trace.duration_ns()), plural(links, "link", "links"));
    out_ += fmt::format("{:>10} {:>10}  {:<{}}  {:<6} {}\n", "start",
                        "duration", "timeline", width_ + 2, "status", "span");

    children_.clear();
    std::set<std::string_view> ids;
    for (const SpanRecord* span : trace.spans) ids.insert(span->span_id);
    std::vector<const SpanRecord*> roots;
    for (const SpanRecord* span : trace.spans) {
      if (!span->parent_span_id.empty() && ids.count(span->parent_span_id)) {
        children_[span->parent_span_id].push_back(span);
      } else {
        roots.push_back(span);
      }
    }
    visited_.clear();
    for (const SpanRecord* root : roots) tree(*root);
    // Spans in a parent cycle (malformed input) are still shown.
    for (const SpanRecord* span : trace.spans) {
      if (!visited_.count(span)) tree(*span);
    }
  }

  std::string take() { return std::move(out_); }

 private:
  // A span still to draw: under `prefix`, the last of its siblings or not,
  // `depth` levels below a root (0).
  struct Pending {
    const SpanRecord* span;
    std::string prefix;
    bool last;
    std::size_t depth;
  };

  // Draws `root` and its descendants depth first. The stack is explicit: a
  // chain of parents is as long as the input makes it, the call stack is not.
  void tree(const SpanRecord& root) {
    std::vector<Pending> pending;
    pending.push_back({&root, "", true, 0});
    while (!pending.empty()) {
      Pending next = std::move(pending.back());
      pending.pop_back();
      node(next, pending);
    }
  }

  // Draws one span and queues its children.
  void node(const Pending& at, std::vector<Pending>& pending) {
    const SpanRecord& span = *at.span;
    const bool root = at.depth == 0;
    if (!visited_.insert(&span).second) return;
    const auto found = children_.find(span.span_id);
    const bool has_children =
        found != children_.end() && !found->second.empty();
    const std::string branch = root ? "" : (at.last ? "└─ " : "├─ ");
    std::string name =
        span.name.empty() ? "(unnamed)" : terminal_text(span.name);
    name += kind_suffix(span.kind);
    const std::string service = terminal_text(span.service);
    if (!main_service_.empty() && service != main_service_) {
      name += fmt::format("  [{}]", service);
    }
    if (root && !span.parent_span_id.empty()) {
      name += fmt::format("  (parent {} not in the input)",
                          short_id(span.parent_span_id));
    }
    if (at.depth > kMaxIndent) name += fmt::format("  (depth {})", at.depth);
    if (span.ends_before_start()) name += "  ⚠ end<start";
    if (span.status_code == 2 && !span.status_message.empty()) {
      name += fmt::format("  ✗ {}", terminal_text(span.status_message));
    }
    out_ += fmt::format("{:>10} {:>10}  |{}|  {:<6} {}{}{}\n",
                        "+" + format_duration(span.start_ns - trace_->start_ns),
                        format_duration(span.duration_ns()), bar(span),
                        status_text(span.status_code), at.prefix, branch, name);

    const std::string child_prefix =
        root || at.depth >= kMaxIndent ? at.prefix
                                       : at.prefix + (at.last ? "   " : "│  ");
    const std::string detail =
        std::string(10 + 1 + 10 + 2 + width_ + 2 + 2 + 6 + 1, ' ') +
        child_prefix + (has_children ? "│  " : "   ");
    details(span, detail);
    if (!has_children) return;
    const auto& children = found->second;
    for (std::size_t i = children.size(); i-- > 0;) {  // first on top
      pending.push_back(
          {children[i], child_prefix, i + 1 == children.size(), at.depth + 1});
    }
  }

  void details(const SpanRecord& span, const std::string& indent) {
    for (const LinkRecord& link : span.links) {
      out_ += fmt::format(
          "{}⤷ {} → {}{}\n", indent, terminal_text(relationship_or_link(link)),
          link_target(traces_, span, link.trace_id, link.span_id),
          other_attributes(link));
    }
    if (span.folded_span_count > 0) {
      out_ += fmt::format("{}⤷ {} ({} from {})\n", indent,
                          plural(span.links.size(), "link", "links"),
                          span.folded_link_count,
                          plural(span.folded_span_count, "continuation span",
                                 "continuation spans"));
    }
    const auto& incoming = traces_.incoming(span);
    for (std::size_t i = 0; i < incoming.size() && i < kMaxIncoming; ++i) {
      const SpanRecord& from = *incoming[i].from;
      out_ += fmt::format(
          "{}⤶ linked from {}{} as {}\n", indent, terminal_text(from.name),
          from.trace_id == span.trace_id
              ? std::string(" (same trace)")
              : fmt::format(" in trace {}", short_id(from.trace_id)),
          terminal_text(relationship_or_link(*incoming[i].link)));
    }
    if (incoming.size() > kMaxIncoming) {
      out_ += fmt::format("{}⤶ ... and {} more incoming links\n", indent,
                          incoming.size() - kMaxIncoming);
    }
    std::vector<std::string> dropped;
    if (span.dropped_links_count > 0) {
      dropped.push_back(
          fmt::format("{} (over the link limit; {} kept)",
                      plural(span.dropped_links_count, "link", "links"),
                      span.links.size()));
    }
    if (span.dropped_attributes_count > 0) {
      dropped.push_back(
          plural(span.dropped_attributes_count, "attribute", "attributes"));
    }
    if (span.dropped_events_count > 0) {
      dropped.push_back(plural(span.dropped_events_count, "event", "events"));
    }
    if (!dropped.empty()) {
      std::string joined;
      for (const std::string& part : dropped) {
        joined += (joined.empty() ? "" : ", ") + part;
      }
      out_ += fmt::format("{}⚠ dropped: {}\n", indent, joined);
    }
  }

  std::string bar(const SpanRecord& span) const {
    const long double total = std::max<long double>(
        1, static_cast<long double>(trace_->duration_ns()));
    const auto column = [&](std::uint64_t time, bool up) {
      const long double offset =
          static_cast<long double>(time - trace_->start_ns) * width_ / total;
      const long double rounded = up ? std::ceil(offset) : std::floor(offset);
      return static_cast<std::size_t>(std::clamp<long double>(
          rounded, 0, static_cast<long double>(width_)));
    };
    std::size_t first =
        column(std::max(span.start_ns, trace_->start_ns), false);
    std::size_t last = column(std::max(span.end_ns, span.start_ns), true);
    if (first >= width_) first = width_ - 1;
    if (last <= first) last = first + 1;
    std::string text;
    for (std::size_t i = 0; i < width_; ++i) {
      text += i >= first && i < last ? "█" : " ";
    }
    return text;
  }

  const TraceSet& traces_;
  const std::size_t width_;
  const TraceSet::Trace* trace_ = nullptr;
  std::string main_service_;
  std::map<std::string_view, std::vector<const SpanRecord*>> children_;
  std::set<const SpanRecord*> visited_;
  std::string out_;
};

// Mermaid labels: control characters and invalid UTF-8 escaped as in the
// waterfall (the same text in both; a .mmd file gets printed too, and a
// newline would end the node's line), then quotes, the characters Mermaid
// reads as syntax and '#' (which starts an entity code, so that a name
// "#quot;" shows as written) become entity codes.
std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : terminal_text(text)) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '|':
        out += "#124;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '#':
        out += "#35;";
        break;
      case '&':
        out += "#38;";
        break;
      case '`':
        out += "#96;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_duration(std::uint64_t nanoseconds) {
  const double value = static_cast<double>(nanoseconds);
  if (nanoseconds < 1000) return fmt::format("{}ns", nanoseconds);
  if (nanoseconds < 1000000) return fmt::format("{:.1f}µs", value / 1e3);
  if (nanoseconds < 1000000000) return fmt::format("{:.2f}ms", value / 1e6);
  return fmt::format("{:.2f}s", value / 1e9);
}

std::vector<const TraceSet::Trace*> select_traces(const TraceSet& traces,
                                                  const Filter& filter) {
  const auto matches = [&](const TraceSet::Trace& trace) {
    if (!filter.trace_id.empty() &&
        trace.trace_id.compare(0, filter.trace_id.size(), filter.trace_id) !=
            0) {
      return false;
    }
    const auto any_span = [&](auto&& predicate) {
      return std::any_of(trace.spans.begin(), trace.spans.end(), predicate);
    };
    if (!filter.span_name.empty() && !any_span([&](const SpanRecord* s) {
          return s->name == filter.span_name;
        })) {
      return false;
    }
    if (!filter.service.empty() && !any_span([&](const SpanRecord* s) {
          return s->service == filter.service;
        })) {
      return false;
    }
    return true;
  };

  std::set<std::string_view> selected;
  for (const TraceSet::Trace& trace : traces.traces()) {
    if (matches(trace)) selected.insert(trace.trace_id);
  }
  if (filter.linked) {
    std::set<std::string_view> linked;
    for (const TraceSet::Trace& trace : traces.traces()) {
      if (!selected.count(trace.trace_id)) continue;
      for (const SpanRecord* span : trace.spans) {
        for (const LinkRecord& link : span->links) linked.insert(link.trace_id);
        for (const auto& incoming : traces.incoming(*span)) {
          linked.insert(incoming.from->trace_id);
        }
      }
    }
    selected.insert(linked.begin(), linked.end());
  }
  std::vector<const TraceSet::Trace*> shown;
  for (const TraceSet::Trace& trace : traces.traces()) {
    if (selected.count(trace.trace_id)) shown.push_back(&trace);
  }
  return shown;
}

std::string render_waterfall(const TraceSet& traces,
                             const std::vector<const TraceSet::Trace*>& shown,
                             const WaterfallOptions& options) {
  std::size_t spans = 0;
  std::size_t links = 0;
  std::size_t cross_trace = 0;
  std::size_t unknown = 0;
  std::uint64_t dropped = 0;
  for (const TraceSet::Trace* trace : shown) {
    spans += trace->spans.size();
    for (const SpanRecord* span : trace->spans) {
      dropped += span->dropped_links_count;
      for (const LinkRecord& link : span->links) {
        ++links;
        if (link.trace_id != span->trace_id) ++cross_trace;
        if (traces.find_span(link.trace_id, link.span_id) == nullptr) ++unknown;
      }
    }
  }
  std::string out = fmt::format(
      "{}, {}, {} ({} across traces, {} to spans not in the input, {} "
      "dropped by link limits)\n",
      plural(shown.size(), "trace", "traces"), plural(spans, "span", "spans"),
      plural(links, "link", "links"), cross_trace, unknown, dropped);
  Waterfall waterfall(traces, options);
  for (const TraceSet::Trace* trace : shown) waterfall.trace(*trace);
  return out + waterfall.take();
}

std::string render_mermaid(const TraceSet& traces,
                           const std::vector<const TraceSet::Trace*>& shown) {
  std::map<const SpanRecord*, std::string> node_ids;
  std::size_t next = 0;
  for (const TraceSet::Trace* trace : shown) {
    for (const SpanRecord* span : trace->spans) {
      node_ids.emplace(span, fmt::format("s{}", next++));
    }
  }

  std::string out = "graph TD\n";
  std::size_t trace_number = 0;
  std::vector<std::string> error_nodes;
  for (const TraceSet::Trace* trace : shown) {
    const SpanRecord* root =
        trace->spans.empty() ? nullptr : trace->spans.front();
    for (const SpanRecord* span : trace->spans) {
      if (span->parent_span_id.empty()) {
        root = span;
        break;
      }
    }
    out += fmt::format(
        "  subgraph t{}[\"Trace {} · {}{}\"]\n", trace_number++,
        short_id(trace->trace_id), mermaid_text(root ? root->name : ""),
        root && !root->service.empty() ? " · " + mermaid_text(root->service)
                                       : "");
    for (const SpanRecord* span : trace->spans) {
      out += fmt::format("    {}[\"{}<br/>{}{}\"]\n", node_ids[span],
                         mermaid_text(span->name),
                         format_duration(span->duration_ns()),
                         span->ends_before_start() ? " (end#lt;start)" : "");
      if (span->status_code == 2) error_nodes.push_back(node_ids[span]);
    }
    out += "  end\n";
  }

  // Parent to child.
  for (const TraceSet::Trace* trace : shown) {
    for (const SpanRecord* span : trace->spans) {
      if (span->parent_span_id.empty()) continue;
      const SpanRecord* parent =
          traces.find_span(span->trace_id, span->parent_span_id);
      if (parent != nullptr && node_ids.count(parent)) {
        out += fmt::format("  {} --> {}\n", node_ids[parent], node_ids[span]);
      }
    }
  }

  // Links: from the linked span to the span that holds the link.
  std::map<std::string, std::string> external;  // trace/span -> node id
  std::string external_nodes;
  std::string link_edges;
  for (const TraceSet::Trace* trace : shown) {
    for (const SpanRecord* span : trace->spans) {
      for (const LinkRecord& link : span->links) {
        const SpanRecord* target =
            traces.find_span(link.trace_id, link.span_id);
        std::string from;
        if (target != nullptr && node_ids.count(target)) {
          from = node_ids[target];
        } else {
          const std::string key = link.trace_id + "/" + link.span_id;
          auto [found, added] = external.emplace(key, "");
          if (added) {
            found->second = fmt::format("x{}", external.size() - 1);
            external_nodes += fmt::format(
                "  {}[\"{}<br/>trace {} ({})\"]:::external\n", found->second,
                target ? mermaid_text(target->name)
                       : "span " + short_id(link.span_id),
                short_id(link.trace_id),
                target ? "not shown" : "not in the input");
          }
          from = found->second;
        }
        link_edges += fmt::format("  {} -.->|{}| {}\n", from,
                                  mermaid_text(relationship_or_link(link)),
                                  node_ids[span]);
      }
    }
  }
  out += external_nodes + link_edges;
  out += "  classDef external stroke-dasharray: 5 5\n";
  if (!error_nodes.empty()) {
    out += "  classDef error fill:#ffcdd2\n  class ";
    for (std::size_t i = 0; i < error_nodes.size(); ++i) {
      out += (i ? "," : "") + error_nodes[i];
    }
    out += " error\n";
  }
  return out;
}

}  // namespace weft::tools::view
