#include "response_body.h"

#include <nlohmann/json.hpp>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "text.h"
#include "weft/otlp/rpc_status.pb.h"

namespace weft::otlp {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kExcerptLength = 200;

// The member `camel` or, failing that, `snake`; null when neither is there.
const Json* member(const Json& object, const char* camel, const char* snake) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(camel);
  if (it == object.end()) it = object.find(snake);
  return it == object.end() ? nullptr : &*it;
}

// A JSON int64 written as a number or, as OTLP/JSON does, as a string.
std::int64_t json_int64(const Json* value) {
  if (value == nullptr) return 0;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    if (const auto number = sdk::parse_unsigned<std::uint64_t>(text)) {
      return static_cast<std::int64_t>(
          std::min<std::uint64_t>(*number, INT64_MAX));
    }
  }
  return 0;
}

std::string json_string(const Json* value) {
  if (value == nullptr || !value->is_string()) return {};
  return value->get<std::string>();
}

}  // namespace

BodyEncoding body_encoding(std::string_view content_type,
                           BodyEncoding request) {
  const std::string type = sdk::to_lower_ascii(
      sdk::trim(content_type.substr(0, content_type.find(';'))));
  if (type.empty()) return request;
  if (type == "application/json") return BodyEncoding::kJson;
  if (type == "application/x-protobuf" || type == "application/protobuf") {
    return BodyEncoding::kProtobuf;
  }
  return BodyEncoding::kOther;
}

std::optional<PartialSuccess> decode_partial_success(std::string_view body,
                                                     BodyEncoding encoding) {
  if (body.empty()) return std::nullopt;
  PartialSuccess partial;
  if (encoding == BodyEncoding::kProtobuf) {
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse
        response;
    if (!response.ParseFromArray(body.data(), static_cast<int>(body.size())) ||
        !response.has_partial_success()) {
      return std::nullopt;
    }
    partial.rejected_spans = response.partial_success().rejected_spans();
    partial.error_message = response.partial_success().error_message();
  } else if (encoding == BodyEncoding::kJson) {
    const Json document =
        Json::parse(body, nullptr, /*allow_exceptions=*/false);
    const Json* success = member(document, "partialSuccess", "partial_success");
    if (success == nullptr) return std::nullopt;
    partial.rejected_spans =
        json_int64(member(*success, "rejectedSpans", "rejected_spans"));
    partial.error_message =
        json_string(member(*success, "errorMessage", "error_message"));
  } else {
    return std::nullopt;
  }
  if (partial.rejected_spans == 0 && partial.error_message.empty()) {
    return std::nullopt;
  }
  return partial;
}

std::string failure_body_excerpt(std::string_view body, BodyEncoding encoding) {
  if (body.empty()) return {};
  std::string message;
  if (encoding == BodyEncoding::kProtobuf) {
    rpc::Status status;
    if (status.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      message = status.message();
    }
  } else if (encoding == BodyEncoding::kJson) {
    const Json document =
        Json::parse(body, nullptr, /*allow_exceptions=*/false);
    message = json_string(member(document, "message", "message"));
  }
  if (message.empty()) {
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    const std::size_t last = body.find_last_not_of(" \t\r\n");
    if (first != std::string_view::npos) {
      message.assign(body.substr(first, last - first + 1));
    }
  }
  return sdk::printable(message, kExcerptLength);
}

}  // namespace weft::otlp
