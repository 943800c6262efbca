// The OTLP/gRPC retry rules: which gRPC status codes are retried, how long
// to wait (the server's RetryInfo, or exponential backoff with jitter).
//
// Per the OTLP specification: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
// OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable; RESOURCE_EXHAUSTED
// only when the server sent a google.rpc.RetryInfo (in the status details),
// whose delay is then honoured; every other code is final. Used by the
// OTLP/gRPC exporter (with the shared Backoff of otlp_common). Stateless.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <optional>
#include <string>

namespace weft::otlp {

struct RetryDecision {
  bool retryable = false;
  // The delay the server asked for (RetryInfo), if any.
  std::optional<std::chrono::milliseconds> server_delay;
};

RetryDecision classify(const grpc::Status& status);

// The delay a google.rpc.Status (serialized, as in grpc-status-details-bin)
// asks for through a RetryInfo detail, if any.
std::optional<std::chrono::milliseconds> retry_info_delay(
    const std::string& status_details);

// "UNAVAILABLE", "RESOURCE_EXHAUSTED", ...
std::string status_code_name(grpc::StatusCode code);

}  // namespace weft::otlp
