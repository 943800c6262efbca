// The OTLP/HTTP retry rules: retryable statuses and Retry-After.
#include "http_retry_policy.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using weft::otlp::HttpResponse;

// 2026-10-21 07:28:00 UTC.
const std::chrono::system_clock::time_point kNow =
    std::chrono::system_clock::from_time_t(1792567680);

}  // namespace

TEST_CASE("429, 502, 503 and 504 are retried and every other status is final",
          "[otlp_http][retry]") {
  const auto [line, status, retryable] = GENERATE(table<int, long, bool>({
      {__LINE__, 429, true},
      {__LINE__, 502, true},
      {__LINE__, 503, true},
      {__LINE__, 504, true},
      {__LINE__, 400, false},
      {__LINE__, 401, false},
      {__LINE__, 403, false},
      {__LINE__, 404, false},
      {__LINE__, 413, false},
      {__LINE__, 415, false},
      {__LINE__, 500, false},
      {__LINE__, 501, false},
      {__LINE__, 505, false},
  }));
  CAPTURE(line, status);
  HttpResponse response;
  response.outcome = HttpResponse::Outcome::kAnswered;
  response.status = status;
  response.retry_after = "3";
  const auto decision = weft::otlp::classify(response, kNow);
  CHECK(decision.retryable == retryable);
  CHECK(decision.server_delay.has_value() == retryable);
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date",
          "[otlp_http][retry]") {
  using std::chrono::milliseconds;
  const auto [line, value, expected] =
      GENERATE(table<int, std::string, std::optional<milliseconds>>({
          {__LINE__, "1", milliseconds(1000)},
          {__LINE__, " 120 ", milliseconds(120000)},
          {__LINE__, "0", milliseconds(0)},
          {__LINE__, "Wed, 21 Oct 2026 07:28:05 GMT", milliseconds(5000)},
          {__LINE__, "Wednesday, 21-Oct-26 07:28:30 GMT", milliseconds(30000)},
          {__LINE__, "Wed Oct 21 07:29:00 2026", milliseconds(60000)},
          // A date in the past: retry at once.
          {__LINE__, "Tue, 20 Oct 2026 07:28:00 GMT", milliseconds(0)},
          // Bounded to a day.
          {__LINE__, "99999999999", milliseconds(86400000)},
          {__LINE__, "", std::nullopt},
          {__LINE__, "-1", std::nullopt},
          {__LINE__, "1.5", std::nullopt},
          {__LINE__, "soon", std::nullopt},
      }));
  CAPTURE(line, value);
  CHECK(weft::otlp::parse_retry_after(value, kNow) == expected);
}

TEST_CASE(
    "failing to reach the collector is retried but a cancelled attempt "
    "is not",
    "[otlp_http][retry]") {
  using Outcome = HttpResponse::Outcome;
  const auto [line, outcome, retryable] = GENERATE(table<int, Outcome, bool>({
      {__LINE__, Outcome::kCannotConnect, true},
      {__LINE__, Outcome::kTls, true},
      {__LINE__, Outcome::kTimeout, true},
      {__LINE__, Outcome::kConnectionLost, true},
      {__LINE__, Outcome::kAborted, false},
  }));
  CAPTURE(line);
  HttpResponse response;
  response.outcome = outcome;
  const auto decision = weft::otlp::classify(response, kNow);
  CHECK(decision.retryable == retryable);
  CHECK_FALSE(decision.server_delay.has_value());
}
