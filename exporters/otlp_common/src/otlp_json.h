// OTLP/JSON: the protobuf JSON mapping with OTLP's rules (trace and span ids
// as hex instead of base64, enums as integers, 64-bit integers as strings,
// lowerCamelCase keys, default values left out). The OTLP/HTTP exporter
// sends requests in this form (http/json) and reads answers in it; `weft
// collect` writes one request per line in it, which `weft view` reads, and
// reads requests and writes answers in it over OTLP/HTTP. Stateless,
// thread-safe.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

namespace weft::otlp {

// One line of OTLP/JSON (no newline) for a request, a response or any part
// of them; empty if the message cannot be printed (which a decoded message
// never causes).
std::string to_otlp_json(const google::protobuf::Message& message);

// Reads OTLP/JSON into `message` (cleared first): the inverse of
// to_otlp_json, accepting all that the OTLP/JSON mapping allows (ids in hex
// of either case, enums as integers or names, 64-bit integers as strings or
// numbers, lowerCamelCase or the .proto's own field names, unknown fields
// ignored). False when `json` is not such a message, with the reason in
// `problem` when given. Nesting deeper than 100 levels is refused.
bool from_otlp_json(std::string_view json, google::protobuf::Message& message,
                    std::string* problem = nullptr);

}  // namespace weft::otlp
