// Why an OTLP/gRPC export attempt failed, in words a user can act on: the
// collector cannot be reached (refused, unreachable, unknown host), TLS
// failed (certificate, handshake), the collector rejected the export (its
// status code and message), or no answer came in time. Used by the OTLP/gRPC
// exporter for the one line it logs when exports start failing. Stateless;
// thread-safe.
#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

namespace weft::otlp {

enum class FailureKind { kUnreachable, kTls, kRejected, kTimeout };

struct ExportFailure {
  FailureKind kind;
  // "<what happened>: <STATUS_CODE>[: <gRPC's message>]".
  std::string description;
};

// `connected`: the channel was connected (READY) when the answer came, so an
// UNAVAILABLE came from the collector rather than from connecting to it.
ExportFailure describe_failure(const grpc::Status& status, bool connected);

}  // namespace weft::otlp
