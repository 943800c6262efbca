#include "http_retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "text.h"

namespace weft::otlp {

bool is_retryable_status(long status) noexcept {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = sdk::trim(value);
  if (value.empty()) return std::nullopt;
  // A day at most: anything longer is beyond any export timeout anyway, and
  // the bound keeps the arithmetic from overflowing.
  constexpr std::chrono::seconds kLongest = std::chrono::hours(24);
  if (value.front() >= '0' && value.front() <= '9') {
    const auto seconds = sdk::parse_unsigned<std::uint64_t>(value);
    if (!seconds) return std::nullopt;
    return std::chrono::milliseconds(
        std::min<std::uint64_t>(*seconds, kLongest.count()) * 1000);
  }
  const std::string text(value);
  const time_t date = curl_getdate(text.c_str(), nullptr);
  if (date == -1) return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(date);
  if (at <= now) return std::chrono::milliseconds(0);
  return std::min<std::chrono::milliseconds>(
      std::chrono::ceil<std::chrono::milliseconds>(at - now), kLongest);
}

HttpRetryDecision classify(const HttpResponse& response,
                           std::chrono::system_clock::time_point now) {
  using Outcome = HttpResponse::Outcome;
  HttpRetryDecision decision;
  switch (response.outcome) {
    case Outcome::kAnswered:
      decision.retryable = is_retryable_status(response.status);
      if (decision.retryable) {
        decision.server_delay = parse_retry_after(response.retry_after, now);
      }
      break;
    case Outcome::kCannotConnect:
    case Outcome::kTls:
    case Outcome::kTimeout:
    case Outcome::kConnectionLost:
      decision.retryable = true;
      break;
    case Outcome::kAborted:
      decision.retryable = false;
      break;
  }
  return decision;
}

}  // namespace weft::otlp
