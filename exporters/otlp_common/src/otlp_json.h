// OTLP/JSON: the protobuf JSON mapping with OTLP's rules (trace and span ids
// as lowercase hex instead of base64, enums as integers, 64-bit integers as
// strings, lowerCamelCase keys, default values left out). The OTLP/HTTP
// exporter sends requests in this form (http/json); `weft collect` writes one
// request per line in it, which `weft view` reads. Stateless, thread-safe.
#pragma once

#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace weft::otlp {

// One line of OTLP/JSON (no newline); empty if the request cannot be
// printed (which a decoded request never causes).
std::string to_otlp_json(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest&
        request);

}  // namespace weft::otlp
