#include "view_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "terminal_text.h"
#include "text.h"

namespace weft::tools::view {
namespace {

using Json = nlohmann::json;

// Thrown inside this file only, caught by parse_otlp_json_line().
struct Invalid {
  std::string message;
};

[[noreturn]] void fail(const std::string& path, std::string_view problem) {
  throw Invalid{path + ": " + std::string(problem)};
}

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    default:
      return "a number";
  }
}

// A bad value as an error message shows it: scalars as written, objects and
// arrays by kind only (dumping them recurses as deep as the input nests, and
// a long line can nest deeper than the stack goes).
std::string shown(const Json& value) {
  return value.is_structured() ? describe(value) : value.dump();
}

// The member `key` of `object`, or nullptr when absent or null (the JSON
// mapping leaves default values out, and accepts null for them).
const Json* member(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

const Json& expect_object(const Json& value, const std::string& path) {
  if (!value.is_object())
    fail(path, "expected an object, found " + describe(value));
  return value;
}

// Calls visit(element, path) for each element of the array `key`, if any.
template <class Visit>
void for_each(const Json& object, const char* key, const std::string& path,
              Visit&& visit) {
  const Json* array = member(object, key);
  if (array == nullptr) return;
  const std::string array_path = path + "." + key;
  if (!array->is_array()) {
    fail(array_path, "expected an array, found " + describe(*array));
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    visit((*array)[i], fmt::format("{}[{}]", array_path, i));
  }
}

std::string string_member(const Json& object, const char* key,
                          const std::string& path) {
  const Json* value = member(object, key);
  if (value == nullptr) return {};
  if (!value->is_string()) {
    fail(path + "." + key, "expected a string, found " + describe(*value));
  }
  return value->get<std::string>();
}

// A 64-bit unsigned integer: a decimal string (the mapping's form) or a
// non-negative integral number.
std::uint64_t uint64_member(const Json& object, const char* key,
                            const std::string& path) {
  const Json* value = member(object, key);
  if (value == nullptr) return 0;
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value->get<std::int64_t>());
  }
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    std::uint64_t result = 0;
    bool ok = !text.empty() && text.size() <= 20;
    for (char c : text) {
      if (c < '0' || c > '9') {
        ok = false;
        break;
      }
      const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
      if (result > (UINT64_MAX - digit) / 10) {
        ok = false;
        break;
      }
      result = result * 10 + digit;
    }
    if (ok) return result;
  }
  fail(path + "." + key,
       "expected an unsigned 64-bit integer (a decimal "
       "string), found " +
           shown(*value));
}

std::uint32_t uint32_member(const Json& object, const char* key,
                            const std::string& path) {
  const std::uint64_t value = uint64_member(object, key, path);
  if (value > UINT32_MAX) {
    fail(path + "." + key, "larger than a 32-bit count");
  }
  return static_cast<std::uint32_t>(value);
}

// An enum: its number (OTLP's form) or its name. OTLP enums are open: a
// number without a name (a newer client's value) is read as it is, within
// the 32 bits of a protobuf enum.
int enum_member(const Json& object, const char* key, const std::string& path,
                std::initializer_list<std::string_view> names) {
  const Json* value = member(object, key);
  if (value == nullptr) return 0;
  if (value->is_number_integer()) {
    const bool fits = value->is_number_unsigned()
                          ? value->get<std::uint64_t>() <= INT32_MAX
                          : value->get<std::int64_t>() >= INT32_MIN &&
                                value->get<std::int64_t>() <= INT32_MAX;
    if (fits) return static_cast<int>(value->get<std::int64_t>());
    fail(path + "." + key, "not a 32-bit enum value: " + shown(*value));
  }
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    int index = 0;
    for (std::string_view name : names) {
      if (text == name) return index;
      ++index;
    }
  }
  fail(path + "." + key,
       "not a known value (a name or an integer): " + shown(*value));
}

// An id of `bytes` bytes as lowercase hex: given as hex (OTLP) or padded
// base64 (the plain protobuf mapping). Empty stays empty. Unpadded base64 is
// refused: hex of an id of the wrong size can read as it (22 hex digits are
// unpadded base64 of 16 bytes) and would become another id.
std::string id_member(const Json& object, const char* key, std::size_t bytes,
                      const std::string& path) {
  std::string text = string_member(object, key, path);
  if (text.empty()) return text;
  if (text.size() == 2 * bytes && sdk::is_hex(text)) {
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
      return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return text;
  }
  const std::optional<std::string> decoded = sdk::base64_decode(text);
  if (!decoded || decoded->size() != bytes ||
      text.size() != (bytes + 2) / 3 * 4) {
    fail(path + "." + key,
         fmt::format("expected {} hex digits (or base64 of {} bytes), found "
                     "\"{}\"",
                     2 * bytes, bytes, text.substr(0, 64)));
  }
  std::string hex;
  sdk::append_hex(hex, *decoded);
  return hex;
}

bool all_zero(std::string_view hex) {
  return std::all_of(hex.begin(), hex.end(), [](char c) { return c == '0'; });
}

std::string required_id(const Json& object, const char* key, std::size_t bytes,
                        const std::string& path) {
  std::string id = id_member(object, key, bytes, path);
  if (id.empty()) fail(path + "." + key, "missing");
  if (all_zero(id)) fail(path + "." + key, "invalid (all zeros)");
  return id;
}

std::string format_double(double value) { return fmt::format("{}", value); }

// An AnyValue as text; `raw` gets the bare string of a string value.
std::string any_value_text(const Json& value, const std::string& path,
                           std::string* raw, int depth = 0) {
  if (depth > 16) fail(path, "values nested too deeply");
  expect_object(value, path);
  if (const Json* s = member(value, "stringValue")) {
    if (!s->is_string()) fail(path + ".stringValue", "expected a string");
    if (raw != nullptr) *raw = s->get<std::string>();
    return s->dump();  // quoted, with JSON escapes
  }
  if (const Json* b = member(value, "boolValue")) {
    if (!b->is_boolean()) fail(path + ".boolValue", "expected a boolean");
    return b->get<bool>() ? "true" : "false";
  }
  if (const Json* i = member(value, "intValue")) {
    if (i->is_number_integer()) return std::to_string(i->get<std::int64_t>());
    if (i->is_string()) {
      const std::string& text = i->get_ref<const std::string&>();
      const bool digits =
          !text.empty() && text.size() <= 20 &&
          std::all_of(text.begin() + (text[0] == '-' ? 1 : 0), text.end(),
                      [](char c) { return c >= '0' && c <= '9'; });
      if (digits && text != "-") return text;
    }
    fail(path + ".intValue", "expected a 64-bit integer, found " + shown(*i));
  }
  if (const Json* d = member(value, "doubleValue")) {
    if (d->is_number()) return format_double(d->get<double>());
    if (d->is_string()) return d->get<std::string>();  // "NaN", "Infinity"
    fail(path + ".doubleValue", "expected a number, found " + shown(*d));
  }
  if (const Json* array = member(value, "arrayValue")) {
    expect_object(*array, path + ".arrayValue");
    std::string text = "[";
    bool first = true;
    for_each(*array, "values", path + ".arrayValue",
             [&](const Json& element, const std::string& element_path) {
               if (!first) text += ", ";
               first = false;
               text +=
                   any_value_text(element, element_path, nullptr, depth + 1);
             });
    return text + "]";
  }
  if (const Json* kvlist = member(value, "kvlistValue")) {
    expect_object(*kvlist, path + ".kvlistValue");
    std::string text = "{";
    bool first = true;
    for_each(*kvlist, "values", path + ".kvlistValue",
             [&](const Json& entry, const std::string& entry_path) {
               expect_object(entry, entry_path);
               if (!first) text += ", ";
               first = false;
               text += string_member(entry, "key", entry_path) + ": ";
               const Json* inner = member(entry, "value");
               text += inner ? any_value_text(*inner, entry_path + ".value",
                                              nullptr, depth + 1)
                             : "";
             });
    return text + "}";
  }
  if (const Json* bytes = member(value, "bytesValue")) {
    if (!bytes->is_string()) fail(path + ".bytesValue", "expected a string");
    return "base64:" + bytes->get<std::string>();
  }
  return "";  // an empty AnyValue
}

std::vector<AttributeRecord> attributes_member(const Json& object,
                                               const std::string& path) {
  std::vector<AttributeRecord> attributes;
  for_each(object, "attributes", path,
           [&](const Json& entry, const std::string& entry_path) {
             expect_object(entry, entry_path);
             AttributeRecord attribute;
             attribute.key = string_member(entry, "key", entry_path);
             if (const Json* value = member(entry, "value")) {
               attribute.text = any_value_text(*value, entry_path + ".value",
                                               &attribute.raw);
             }
             if (attribute.raw.empty()) attribute.raw = attribute.text;
             attributes.push_back(std::move(attribute));
           });
  return attributes;
}

void read_span(const Json& json, const std::string& path,
               const std::string& service, const std::string& scope,
               std::size_t line_number, std::vector<SpanRecord>& spans) {
  expect_object(json, path);
  SpanRecord span;
  span.line = line_number;
  span.service = service;
  span.scope = scope;
  span.trace_id = required_id(json, "traceId", 16, path);
  span.span_id = required_id(json, "spanId", 8, path);
  span.parent_span_id = id_member(json, "parentSpanId", 8, path);
  if (all_zero(span.parent_span_id)) span.parent_span_id.clear();
  span.name = string_member(json, "name", path);
  span.kind = enum_member(
      json, "kind", path,
      {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
       "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"});
  span.start_ns = uint64_member(json, "startTimeUnixNano", path);
  span.end_ns = uint64_member(json, "endTimeUnixNano", path);
  span.attributes = attributes_member(json, path);
  span.dropped_attributes_count =
      uint32_member(json, "droppedAttributesCount", path);
  for_each(json, "events", path, [&](const Json& event, const std::string& p) {
    expect_object(event, p);
    EventRecord record;
    record.name = string_member(event, "name", p);
    record.time_ns = uint64_member(event, "timeUnixNano", p);
    record.attributes = attributes_member(event, p);
    record.dropped_attributes_count =
        uint32_member(event, "droppedAttributesCount", p);
    span.events.push_back(std::move(record));
    ++span.event_count;
  });
  span.dropped_events_count = uint32_member(json, "droppedEventsCount", path);
  for_each(json, "links", path,
           [&](const Json& link_json, const std::string& p) {
             expect_object(link_json, p);
             LinkRecord link;
             link.trace_id = required_id(link_json, "traceId", 16, p);
             link.span_id = required_id(link_json, "spanId", 8, p);
             link.trace_state = string_member(link_json, "traceState", p);
             link.attributes = attributes_member(link_json, p);
             link.dropped_attributes_count =
                 uint32_member(link_json, "droppedAttributesCount", p);
             span.links.push_back(std::move(link));
           });
  span.dropped_links_count = uint32_member(json, "droppedLinksCount", path);
  if (const Json* status = member(json, "status")) {
    expect_object(*status, path + ".status");
    span.status_code = enum_member(
        *status, "code", path + ".status",
        {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"});
    span.status_message = string_member(*status, "message", path + ".status");
  }
  spans.push_back(std::move(span));
}

void read_request(const Json& request, std::size_t line_number,
                  std::vector<SpanRecord>& spans) {
  if (!request.is_object()) {
    fail("the line",
         "not OTLP/JSON: expected an ExportTraceServiceRequest "
         "object, found " +
             describe(request));
  }
  if (!request.empty() && member(request, "resourceSpans") == nullptr) {
    fail("the line",
         "not OTLP/JSON: no \"resourceSpans\" (an "
         "ExportTraceServiceRequest, as `weft collect` writes, "
         "was expected)");
  }
  for_each(request, "resourceSpans", "",
           [&](const Json& resource_spans, const std::string& path) {
             expect_object(resource_spans, path);
             std::string service;
             if (const Json* resource = member(resource_spans, "resource")) {
               expect_object(*resource, path + ".resource");
               for (const AttributeRecord& attribute :
                    attributes_member(*resource, path + ".resource")) {
                 if (attribute.key == "service.name") service = attribute.raw;
               }
             }
             for_each(
                 resource_spans, "scopeSpans", path,
                 [&](const Json& scope_spans, const std::string& scope_path) {
                   expect_object(scope_spans, scope_path);
                   std::string scope;
                   if (const Json* s = member(scope_spans, "scope")) {
                     expect_object(*s, scope_path + ".scope");
                     scope = string_member(*s, "name", scope_path + ".scope");
                   }
                   for_each(scope_spans, "spans", scope_path,
                            [&](const Json& span, const std::string& p) {
                              read_span(span, p, service, scope, line_number,
                                        spans);
                            });
                 });
           });
}

// nlohmann's parse_error text without its "[json.exception...] parse error
// at line 1, column N: " prefix.
std::string parse_problem(const nlohmann::json::parse_error& error) {
  std::string text = error.what();
  const auto column = text.find("column ");
  if (column != std::string::npos) {
    const auto colon = text.find(": ", column);
    if (colon != std::string::npos) text = text.substr(colon + 2);
  }
  return fmt::format("not JSON (at byte {}): {}", error.byte, text);
}

}  // namespace

std::string LinkRecord::relationship() const {
  for (const AttributeRecord& attribute : attributes) {
    if (attribute.key == "link.relationship") return attribute.raw;
  }
  return {};
}

bool parse_otlp_json_line(std::string_view line, std::size_t line_number,
                          std::vector<SpanRecord>& spans, std::string& error) {
  const std::size_t before = spans.size();
  try {
    const Json request = Json::parse(line.begin(), line.end());
    read_request(request, line_number, spans);
    return true;
  } catch (const nlohmann::json::parse_error& parse_error) {
    error = parse_problem(parse_error);
  } catch (const Invalid& invalid) {
    error = invalid.message;
    // A path starting with '.' reads better without it.
    if (!error.empty() && error[0] == '.') error.erase(0, 1);
  } catch (const std::exception& other) {
    error = std::string("cannot read the line: ") + other.what();
  }
  // Messages quote the input (bad ids, values, what the JSON parser read).
  error = terminal_text(error);
  spans.resize(before);
  return false;
}

bool read_otlp_json_lines(std::istream& in, std::string_view source,
                          std::vector<SpanRecord>& spans, std::string& error) {
  std::string line;
  std::size_t line_number = 0;
  std::size_t requests = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++requests;
    std::string problem;
    if (!parse_otlp_json_line(line, line_number, spans, problem)) {
      error = fmt::format("{}:{}: {}", source, line_number, problem);
      return false;
    }
  }
  if (in.bad()) {
    error = fmt::format("{}: read error after line {}", source, line_number);
    return false;
  }
  if (requests == 0) {
    error = fmt::format(
        "{}: empty: no OTLP/JSON lines (expected the --out file of `weft "
        "collect`, one ExportTraceServiceRequest per line)",
        source);
    return false;
  }
  return true;
}

namespace {

const AttributeRecord* find_attribute(const SpanRecord& span,
                                      std::string_view key) {
  for (const AttributeRecord& attribute : span.attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

// weft.link.first_index as a number; continuation spans without a valid
// one are folded after the others, in input order.
std::uint64_t first_index_of(const SpanRecord& span) {
  const AttributeRecord* found = find_attribute(span, "weft.link.first_index");
  std::uint64_t value = 0;
  if (found == nullptr || found->raw.empty() || found->raw.size() > 19) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  for (char c : found->raw) {
    if (c < '0' || c > '9') return std::numeric_limits<std::uint64_t>::max();
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

void fold_continuation_spans(std::vector<SpanRecord>& spans) {
  struct Piece {
    std::uint64_t first_index;
    std::size_t at;  // in `spans`
  };
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> by_id;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    by_id.emplace(std::make_pair(std::string_view(spans[i].trace_id),
                                 std::string_view(spans[i].span_id)),
                  i);
  }
  std::map<std::size_t, std::vector<Piece>> pieces;  // by the span continued
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const AttributeRecord* of =
        find_attribute(spans[i], "weft.link.continuation_of");
    if (of == nullptr) continue;
    std::string span_id = of->raw;
    for (char& c : span_id) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    const auto target = by_id.find(std::make_pair(
        std::string_view(spans[i].trace_id), std::string_view(span_id)));
    if (target == by_id.end() || target->second == i ||
        find_attribute(spans[target->second], "weft.link.continuation_of")) {
      continue;  // its span is missing (or is a continuation itself)
    }
    pieces[target->second].push_back({first_index_of(spans[i]), i});
  }
  if (pieces.empty()) return;
  std::vector<bool> folded(spans.size(), false);
  for (auto& [target, parts] : pieces) {
    std::stable_sort(parts.begin(), parts.end(),
                     [](const Piece& a, const Piece& b) {
                       return a.first_index < b.first_index;
                     });
    SpanRecord& span = spans[target];
    for (const Piece& part : parts) {
      SpanRecord& continuation = spans[part.at];
      span.folded_link_count += continuation.links.size();
      ++span.folded_span_count;
      span.dropped_links_count += continuation.dropped_links_count;
      std::move(continuation.links.begin(), continuation.links.end(),
                std::back_inserter(span.links));
      folded[part.at] = true;
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (folded[i]) continue;
    if (kept != i) spans[kept] = std::move(spans[i]);
    ++kept;
  }
  spans.erase(spans.begin() + static_cast<std::ptrdiff_t>(kept), spans.end());
}

std::string TraceSet::key(std::string_view trace_id, std::string_view span_id) {
  std::string result;
  result.reserve(trace_id.size() + span_id.size() + 1);
  result.append(trace_id).append(1, '/').append(span_id);
  return result;
}

TraceSet::TraceSet(std::vector<SpanRecord> spans) : spans_(std::move(spans)) {
  std::map<std::string, std::size_t, std::less<>> trace_index;
  for (const SpanRecord& span : spans_) {
    by_id_.emplace(key(span.trace_id, span.span_id), &span);
    auto [found, added] = trace_index.emplace(span.trace_id, traces_.size());
    if (added) {
      traces_.push_back(Trace{span.trace_id, {}, span.start_ns, span.start_ns});
    }
    Trace& trace = traces_[found->second];
    trace.spans.push_back(&span);
    trace.start_ns = std::min(trace.start_ns, span.start_ns);
    trace.end_ns = std::max({trace.end_ns, span.start_ns, span.end_ns});
    for (const LinkRecord& link : span.links) {
      incoming_[key(link.trace_id, link.span_id)].push_back({&span, &link});
    }
  }
  for (Trace& trace : traces_) {
    std::stable_sort(trace.spans.begin(), trace.spans.end(),
                     [](const SpanRecord* a, const SpanRecord* b) {
                       return a->start_ns < b->start_ns;
                     });
  }
  std::stable_sort(
      traces_.begin(), traces_.end(),
      [](const Trace& a, const Trace& b) { return a.start_ns < b.start_ns; });
}

const TraceSet::Trace* TraceSet::find_trace(std::string_view trace_id) const {
  for (const Trace& trace : traces_) {
    if (trace.trace_id == trace_id) return &trace;
  }
  return nullptr;
}

const SpanRecord* TraceSet::find_span(std::string_view trace_id,
                                      std::string_view span_id) const {
  const auto found = by_id_.find(key(trace_id, span_id));
  return found == by_id_.end() ? nullptr : found->second;
}

const std::vector<TraceSet::IncomingLink>& TraceSet::incoming(
    const SpanRecord& span) const {
  static const std::vector<IncomingLink> kNone;
  const auto found = incoming_.find(key(span.trace_id, span.span_id));
  return found == incoming_.end() ? kNone : found->second;
}

}  // namespace weft::tools::view
