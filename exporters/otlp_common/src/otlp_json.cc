#include "otlp_json.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "text.h"

namespace weft::otlp {
namespace {

using Json = nlohmann::ordered_json;

// protobuf's own JSON nesting limit (its default recursion limit): deeper
// input would be refused by it anyway, and is refused before nlohmann's
// recursive printer could run out of stack on it.
constexpr int kMaxDepth = 100;

// The id fields that OTLP/JSON writes in hex where protobuf's JSON has
// base64, under both spellings of their keys that protobuf reads.
constexpr const char* kSpanIdKeys[] = {"traceId",      "trace_id",
                                       "spanId",       "span_id",
                                       "parentSpanId", "parent_span_id"};
constexpr const char* kLinkIdKeys[] = {"traceId", "trace_id", "spanId",
                                       "span_id"};

template <class Visit>
void for_each_in(Json& object, const char* key, Visit&& visit) {
  auto field = object.find(key);
  if (field == object.end() || !field->is_array()) return;
  for (Json& element : *field) {
    if (element.is_object()) visit(element);
  }
}

// Calls `visit(object, keys)` on every span and link of a request with the
// keys of its id fields; other messages have none.
template <class Visit>
void for_each_id_holder(Json& json, Visit&& visit) {
  if (!json.is_object()) return;
  for (const char* spans_key : {"resourceSpans", "resource_spans"}) {
    for_each_in(json, spans_key, [&](Json& resource_spans) {
      for (const char* scope_key : {"scopeSpans", "scope_spans"}) {
        for_each_in(resource_spans, scope_key, [&](Json& scope_spans) {
          for_each_in(scope_spans, "spans", [&](Json& span) {
            visit(span, kSpanIdKeys);
            for_each_in(span, "links",
                        [&](Json& link) { visit(link, kLinkIdKeys); });
          });
        });
      }
    });
  }
}

// protobuf's JSON writes bytes as base64; OTLP wants ids in lowercase hex.
void base64_to_hex(Json& object, const char* key) {
  auto field = object.find(key);
  if (field == object.end() || !field->is_string()) return;
  const std::optional<std::string> bytes =
      sdk::base64_decode(field->get_ref<const std::string&>());
  if (!bytes) return;
  std::string hex;
  sdk::append_hex(hex, *bytes);
  *field = hex;
}

// The reverse, for protobuf's JSON parser; false (with the reason) when the
// id is not hex. A null stays for the parser (it means "not set").
bool hex_to_base64(Json& object, const char* key, std::string* problem) {
  auto field = object.find(key);
  if (field == object.end() || field->is_null()) return true;
  const std::optional<std::string> bytes =
      field->is_string() ? sdk::hex_decode(field->get_ref<const std::string&>())
                         : std::nullopt;
  if (!bytes) {
    if (problem != nullptr) {
      *problem = std::string(key) +
                 " is not a hex string: " + sdk::printable(field->dump(), 64);
    }
    return false;
  }
  std::string base64;
  sdk::append_base64(base64, *bytes);
  *field = base64;
  return true;
}

}  // namespace

std::string to_otlp_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = false;
  options.always_print_enums_as_ints = true;
  options.preserve_proto_field_names = false;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options)
           .ok()) {
    return {};
  }
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return {};
  for_each_id_holder(json, [](Json& holder, const auto& keys) {
    for (const char* key : keys) base64_to_hex(holder, key);
  });
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool from_otlp_json(std::string_view json, google::protobuf::Message& message,
                    std::string* problem) {
  message.Clear();
  bool too_deep = false;
  const Json::parser_callback_t limit_depth =
      [&too_deep](int depth, Json::parse_event_t, Json&) {
        if (depth > kMaxDepth) too_deep = true;
        return !too_deep;
      };
  Json parsed = Json::parse(json.begin(), json.end(), limit_depth,
                            /*allow_exceptions=*/false);
  if (parsed.is_discarded() || too_deep) {
    if (problem != nullptr) {
      *problem = too_deep ? "JSON nested more than " +
                                std::to_string(kMaxDepth) + " levels deep"
                          : "not JSON";
    }
    return false;
  }
  bool ids_ok = true;
  for_each_id_holder(parsed, [&](Json& holder, const auto& keys) {
    for (const char* key : keys) {
      if (ids_ok) ids_ok = hex_to_base64(holder, key, problem);
    }
  });
  if (!ids_ok) return false;

  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(
      parsed.dump(), &message, options);
  if (!status.ok()) {
    if (problem != nullptr) {
      *problem = sdk::printable(std::string(status.message()), 200);
    }
    message.Clear();
    return false;
  }
  return true;
}

}  // namespace weft::otlp
