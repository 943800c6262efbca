#include "otlp_json.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "text.h"

namespace weft::otlp {
namespace {

using Json = nlohmann::ordered_json;

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

template <class Visit>
void for_each_in(Json& object, const char* key, Visit&& visit) {
  auto field = object.find(key);
  if (field == object.end() || !field->is_array()) return;
  for (Json& element : *field) visit(element);
}

}  // namespace

std::string to_otlp_json(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest&
        request) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = false;
  options.always_print_enums_as_ints = true;
  options.preserve_proto_field_names = false;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(request, &text, options)
           .ok()) {
    return {};
  }
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return {};
  for_each_in(json, "resourceSpans", [](Json& resource_spans) {
    for_each_in(resource_spans, "scopeSpans", [](Json& scope_spans) {
      for_each_in(scope_spans, "spans", [](Json& span) {
        base64_to_hex(span, "traceId");
        base64_to_hex(span, "spanId");
        base64_to_hex(span, "parentSpanId");
        for_each_in(span, "links", [](Json& link) {
          base64_to_hex(link, "traceId");
          base64_to_hex(link, "spanId");
        });
      });
    });
  });
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace weft::otlp
