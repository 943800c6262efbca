// What the OTLP/HTTP exporter reads from a collector's answer body: the
// partial success of a 200 (an ExportTraceServiceResponse) and the message
// of a failure (a google.rpc.Status), each in protobuf or in OTLP/JSON
// (field names in lowerCamelCase or as in the .proto, 64-bit integers as
// numbers or strings), chosen by the answer's Content-Type, or by the
// request's encoding when the answer has none.
//
// Used by the OTLP/HTTP exporter. Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weft::otlp {

enum class BodyEncoding { kProtobuf, kJson, kOther };

// The encoding a Content-Type names; `request` when it is empty.
BodyEncoding body_encoding(std::string_view content_type, BodyEncoding request);

struct PartialSuccess {
  std::int64_t rejected_spans = 0;
  std::string error_message;
};

// The partial_success of an ExportTraceServiceResponse, when the body holds
// one that is not empty (rejected_spans or error_message set); nullopt for
// an empty body, a full success, or a body that does not decode.
std::optional<PartialSuccess> decode_partial_success(std::string_view body,
                                                     BodyEncoding encoding);

// A short, printable account of a failed answer's body for a log line: the
// google.rpc.Status message when the body is one, else the start of the
// body as text; empty for an empty body.
std::string failure_body_excerpt(std::string_view body, BodyEncoding encoding);

}  // namespace weft::otlp
