#include "view_html.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>

#include "view_html_assets.h"

namespace weft::tools::view {
namespace {

using Json = nlohmann::json;

// Attributes as [key, value] pairs, the value as the terminal view shows it
// (strings quoted, arrays in []).
Json attributes_json(const std::vector<AttributeRecord>& attributes) {
  Json list = Json::array();
  for (const AttributeRecord& attribute : attributes) {
    list.push_back(Json::array({attribute.key, attribute.text}));
  }
  return list;
}

// `time - origin` in nanoseconds, negative when `time` is earlier; clamped
// to what a signed 64-bit number holds (times are untrusted input).
std::int64_t offset_ns(std::uint64_t time, std::uint64_t origin) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (time >= origin) {
    return static_cast<std::int64_t>(std::min(time - origin, kMax));
  }
  return -static_cast<std::int64_t>(std::min(origin - time, kMax));
}

Json link_json(const TraceSet& traces, const LinkRecord& link) {
  Json json = {{"trace", link.trace_id},
               {"span", link.span_id},
               {"relationship", link.relationship()},
               {"attributes", attributes_json(link.attributes)}};
  if (!link.trace_state.empty()) json["traceState"] = link.trace_state;
  if (link.dropped_attributes_count > 0) {
    json["droppedAttributes"] = link.dropped_attributes_count;
  }
  // Known also when its trace is not shown: the panel names it.
  if (const SpanRecord* target = traces.find_span(link.trace_id, link.span_id))
    json["targetName"] = target->name;
  return json;
}

Json span_json(const TraceSet& traces, const TraceSet::Trace& trace,
               const SpanRecord& span) {
  Json json = {{"id", span.span_id},
               {"parent", span.parent_span_id},
               {"name", span.name},
               {"service", span.service},
               {"scope", span.scope},
               {"kind", span.kind},
               {"status", span.status_code},
               {"start", span.start_ns - trace.start_ns},
               {"duration", span.duration_ns()},
               {"attributes", attributes_json(span.attributes)}};
  if (!span.status_message.empty()) json["message"] = span.status_message;
  if (span.ends_before_start()) json["endsBeforeStart"] = true;
  Json events = Json::array();
  for (const EventRecord& event : span.events) {
    Json event_json = {{"name", event.name},
                       {"offset", offset_ns(event.time_ns, span.start_ns)},
                       {"attributes", attributes_json(event.attributes)}};
    if (event.dropped_attributes_count > 0) {
      event_json["droppedAttributes"] = event.dropped_attributes_count;
    }
    events.push_back(std::move(event_json));
  }
  json["events"] = std::move(events);
  Json links = Json::array();
  for (const LinkRecord& link : span.links) {
    links.push_back(link_json(traces, link));
  }
  json["links"] = std::move(links);
  Json incoming = Json::array();
  for (const TraceSet::IncomingLink& link : traces.incoming(span)) {
    incoming.push_back({{"trace", link.from->trace_id},
                        {"span", link.from->span_id},
                        {"name", link.from->name},
                        {"relationship", link.link->relationship()}});
  }
  json["incoming"] = std::move(incoming);
  const Json dropped = {{"attributes", span.dropped_attributes_count},
                        {"events", span.dropped_events_count},
                        {"links", span.dropped_links_count}};
  if (span.dropped_attributes_count + span.dropped_events_count +
          span.dropped_links_count >
      0) {
    json["dropped"] = dropped;
  }
  return json;
}

// The page's data: per shown trace its spans (times in nanoseconds from
// the trace's start, which the page's numbers hold exactly; the start
// itself as a decimal string).
Json page_data(const TraceSet& traces,
               const std::vector<const TraceSet::Trace*>& shown,
               const HtmlOptions& options) {
  Json list = Json::array();
  std::size_t span_count = 0;
  for (const TraceSet::Trace* trace : shown) {
    Json spans = Json::array();
    for (const SpanRecord* span : trace->spans) {
      spans.push_back(span_json(traces, *trace, *span));
    }
    span_count += trace->spans.size();
    list.push_back({{"id", trace->trace_id},
                    {"start", std::to_string(trace->start_ns)},
                    {"duration", trace->duration_ns()},
                    {"spans", std::move(spans)}});
  }
  return {{"title", options.title},
          {"inputTraces", traces.traces().size()},
          {"inputSpans", traces.spans().size()},
          {"spanCount", span_count},
          {"traces", std::move(list)}};
}

// `text` with each byte that is not part of valid UTF-8 as U+FFFD.
std::string valid_utf8(const std::string& text) {
  return Json::parse(
             Json(text).dump(-1, ' ', false, Json::error_handler_t::replace))
      .get<std::string>();
}

std::string html_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      out += json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_html(const TraceSet& traces,
                        const std::vector<const TraceSet::Trace*>& shown,
                        const HtmlOptions& options) {
  // Invalid UTF-8 (which the JSON reader lets through in no string, but a
  // page must never carry) would become U+FFFD.
  const std::string data = script_safe_json(
      page_data(traces, shown, options)
          .dump(-1, ' ', false, Json::error_handler_t::replace));
  const std::string title = html_text(valid_utf8(options.title));

  // One pass over the template, so that no inserted text is searched for
  // placeholders.
  const std::string& page = assets::page_html();
  std::string out;
  out.reserve(page.size() + assets::page_css().size() +
              assets::page_js().size() + data.size() + title.size());
  std::size_t at = 0;
  while (true) {
    const std::size_t open = page.find("{{", at);
    const std::size_t close =
        open == std::string::npos ? open : page.find("}}", open);
    if (close == std::string::npos) break;
    out.append(page, at, open - at);
    const std::string_view name(page.data() + open + 2, close - open - 2);
    if (name == "title") {
      out += title;
    } else if (name == "css") {
      out += assets::page_css();
    } else if (name == "data") {
      out += data;
    } else if (name == "script") {
      out += assets::page_js();
    } else {
      out.append(page, open, close + 2 - open);  // not a placeholder
    }
    at = close + 2;
  }
  out.append(page, at, std::string::npos);
  return out;
}

}  // namespace weft::tools::view
