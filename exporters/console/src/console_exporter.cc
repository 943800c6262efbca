#include "weft/exporters/console_exporter.h"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

namespace weft::exporters {
namespace {

std::string_view kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::kInternal:
      return "internal";
    case SpanKind::kServer:
      return "server";
    case SpanKind::kClient:
      return "client";
    case SpanKind::kProducer:
      return "producer";
    case SpanKind::kConsumer:
      return "consumer";
  }
  return "unspecified";
}

std::string_view status_name(StatusCode code) {
  switch (code) {
    case StatusCode::kUnset:
      return "unset";
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kError:
      return "error";
  }
  return "unset";
}

template <class T>
void append_array(fmt::memory_buffer& out, ArrayView<T> values) {
  fmt::format_to(std::back_inserter(out), "[");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) fmt::format_to(std::back_inserter(out), ", ");
    if constexpr (std::is_same_v<T, std::string_view>) {
      fmt::format_to(std::back_inserter(out), "\"{}\"", values[i]);
    } else {
      fmt::format_to(std::back_inserter(out), "{}", values[i]);
    }
  }
  fmt::format_to(std::back_inserter(out), "]");
}

void append_value(fmt::memory_buffer& out, const sdk::AttributeData& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          fmt::format_to(std::back_inserter(out), "\"{}\"", v);
        } else if constexpr (std::is_same_v<T, bool> ||
                             std::is_same_v<T, std::int64_t> ||
                             std::is_same_v<T, double>) {
          fmt::format_to(std::back_inserter(out), "{}", v);
        } else {
          append_array(out, v);
        }
      },
      value);
}

void append_attributes(fmt::memory_buffer& out, std::string_view indent,
                       const sdk::AttributeList& attributes) {
  for (const sdk::Attribute& attribute : attributes) {
    fmt::format_to(std::back_inserter(out), "{}{} = ", indent, attribute.key);
    append_value(out, attribute.value);
    fmt::format_to(std::back_inserter(out), "\n");
  }
}

std::int64_t micros_between(Timestamp from, Timestamp to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from)
      .count();
}

}  // namespace

std::string format_span(const sdk::SpanData& span) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(
      it, "span {} ({}, {} us, status {}{}{})\n", span.name,
      kind_name(span.kind), micros_between(span.start_time, span.end_time),
      status_name(span.status_code),
      span.status_description.empty() ? "" : ": ", span.status_description);
  fmt::format_to(it, "  trace {} span {} parent {}{}\n", span.trace_id.to_hex(),
                 span.span_id.to_hex(),
                 span.parent_span_id.is_valid() ? span.parent_span_id.to_hex()
                                                : std::string("(root)"),
                 span.parent_is_remote ? " (remote)" : "");
  if (span.tracer) {
    fmt::format_to(it, "  scope {}\n", span.tracer->scope.name);
  }
  append_attributes(out, "  ", span.attributes);
  for (const sdk::EventData& event : span.events) {
    fmt::format_to(it, "  event {} at +{} us\n", event.name,
                   micros_between(span.start_time, event.time));
    append_attributes(out, "    ", event.attributes);
    if (event.dropped_attributes_count != 0) {
      fmt::format_to(it, "    (dropped attributes: {})\n",
                     event.dropped_attributes_count);
    }
  }
  for (const sdk::LinkData& link : span.links) {
    const sdk::Attribute* relationship =
        sdk::find_attribute(link.attributes, kLinkRelationshipKey);
    std::string_view name = "link";
    if (relationship != nullptr) {
      if (const auto* text =
              std::get_if<std::string_view>(&relationship->value)) {
        name = *text;
      }
    }
    fmt::format_to(it, "  -> {} trace {} span {}{}\n", name,
                   link.trace_id.to_hex(), link.span_id.to_hex(),
                   link.trace_state.empty()
                       ? std::string()
                       : fmt::format(" tracestate {}", link.trace_state));
    for (const sdk::Attribute& attribute : link.attributes) {
      if (&attribute == relationship) continue;
      fmt::format_to(it, "     {} = ", attribute.key);
      append_value(out, attribute.value);
      fmt::format_to(it, "\n");
    }
    if (link.dropped_attributes_count != 0) {
      fmt::format_to(it, "     (dropped attributes: {})\n",
                     link.dropped_attributes_count);
    }
  }
  if (span.dropped_links_count != 0 || span.dropped_attributes_count != 0 ||
      span.dropped_events_count != 0) {
    fmt::format_to(it, "  dropped: {} links, {} attributes, {} events\n",
                   span.dropped_links_count, span.dropped_attributes_count,
                   span.dropped_events_count);
  }
  return fmt::to_string(out);
}

sdk::ExportResult ConsoleExporter::export_spans(
    sdk::SpanBatch& spans) noexcept {
  if (shut_down_) return sdk::ExportResult::kFailure;
  try {
    for (const auto& span : spans) {
      const std::string text = format_span(*span);
      std::fwrite(text.data(), 1, text.size(), out_);
    }
    std::fflush(out_);
  } catch (...) {
    return sdk::ExportResult::kFailure;
  }
  return sdk::ExportResult::kSuccess;
}

bool ConsoleExporter::shutdown(std::chrono::milliseconds) noexcept {
  shut_down_ = true;
  return true;
}

}  // namespace weft::exporters
