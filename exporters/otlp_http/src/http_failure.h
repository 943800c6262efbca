// Why an OTLP/HTTP export attempt failed, in words a user can act on: the
// collector cannot be reached (refused, unknown host), TLS failed
// (certificate, handshake, plaintext against TLS), it does not speak
// HTTP/1.1 (an OTLP/gRPC port), it answered with an HTTP error status (with
// the start of its explanation), or no answer came in time. Used by the
// OTLP/HTTP exporter for the one line it logs when exports start failing.
// Stateless; thread-safe.
#pragma once

#include <string>

#include "http_client.h"
#include "response_body.h"

namespace weft::otlp {

enum class HttpFailureKind {
  kUnreachable,
  kTls,
  kRejected,
  kTimeout,
  kAborted
};

struct HttpFailure {
  HttpFailureKind kind;
  // "<what happened>[ (<what to check>)]: <status or libcurl's message>".
  std::string description;
};

// `response` is not a 2xx answer. `request_encoding` reads a body that has
// no Content-Type.
HttpFailure describe_failure(const HttpResponse& response,
                             BodyEncoding request_encoding);

// "Service Unavailable" for 503 and the other statuses a collector or a
// proxy sends; empty for the rest.
const char* reason_phrase(long status) noexcept;

}  // namespace weft::otlp
