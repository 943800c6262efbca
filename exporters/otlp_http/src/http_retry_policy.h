// The OTLP/HTTP retry rules: which answers are retried and how long to wait
// first (the server's Retry-After, else the exporter's backoff).
//
// Per the OTLP/HTTP specification: 429 Too Many Requests, 502 Bad Gateway,
// 503 Service Unavailable and 504 Gateway Timeout are retryable, honouring
// a Retry-After header (delay-seconds or an HTTP-date); every other 4xx and
// 5xx is final. Not reaching the server (refused, TLS, a broken connection,
// no answer in time) is retryable too, as gRPC's UNAVAILABLE is. Used by the
// OTLP/HTTP exporter. Stateless, thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "http_client.h"

namespace weft::otlp {

struct HttpRetryDecision {
  bool retryable = false;
  // The delay the server asked for (Retry-After), if any.
  std::optional<std::chrono::milliseconds> server_delay;
};

// 429, 502, 503 and 504.
bool is_retryable_status(long status) noexcept;

// The delay a Retry-After value asks for: whole seconds ("120") or an
// HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT", less `now`; zero when it is
// past); nullopt when it is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// How the exporter treats `response` (a 2xx is not a failure and is not
// passed here). An aborted attempt (shutdown) is not retryable.
HttpRetryDecision classify(const HttpResponse& response,
                           std::chrono::system_clock::time_point now);

}  // namespace weft::otlp
