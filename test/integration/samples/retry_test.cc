#include "retry/retry.h"

#include <catch2/catch.hpp>

#include "sample_checks.h"

namespace weft::testing {

TEST_CASE(
    "retry links each attempt retry_of every earlier attempt and marks "
    "failures with the next delay and success with Ok",
    "[samples][retry]") {
  TestProvider test;
  std::vector<double> delays;
  samples::RetrySampleOptions options;  // 2 failures, 3 retries
  const auto outcome = samples::run_retry(
      *test.tracer, options, [&](std::chrono::duration<double> delay) {
        delays.push_back(delay.count());
      });
  CHECK(outcome.succeeded);
  CHECK(outcome.attempts == 3);
  CHECK(delays == std::vector<double>{0.01, 0.02});
  const Spans spans(test.take_all());

  const auto examples = spans.named("retry-example");
  REQUIRE(examples.size() == 1);
  CHECK(examples.front()->status_code == StatusCode::kOk);
  for (std::uint32_t n = 1; n <= 3; ++n) {
    CAPTURE(n);
    const auto attempts = spans.children(
        *examples.front(), "flaky-operation-attempt-" + std::to_string(n));
    REQUIRE(attempts.size() == 1);
    const sdk::SpanData& attempt = *attempts.front();
    CHECK(int_attribute(attempt.attributes, "retry.attempt_number") == n);
    CHECK(int_attribute(attempt.attributes, "retry.max_attempts") == 4);
    CHECK(attribute_as<bool>(attempt.attributes, "retry.is_retry") == (n > 1));
    CHECK(int_attribute(attempt.attributes, "retry.previous_attempts") ==
          n - 1);
    REQUIRE(attempt.links.size() == n - 1);
    for (std::uint32_t k = 1; k < n; ++k) {
      const sdk::LinkData& link = attempt.links[k - 1];
      CHECK(relationship_of(link) == "retry_of");
      CHECK(int_attribute(link.attributes, "previous.attempt_number") == k);
      CHECK(text_attribute(link.attributes, "previous.error") ==
            "Temporary failure on attempt " + std::to_string(k));
      const sdk::SpanData* earlier = spans.target(link);
      REQUIRE(earlier != nullptr);
      CHECK(earlier->name == "flaky-operation-attempt-" + std::to_string(k));
    }
    if (n < 3) {
      CHECK(attempt.status_code == StatusCode::kError);
      CHECK(attempt.status_description ==
            (n == 1 ? "Retrying in 0.01s" : "Retrying in 0.02s"));
      CHECK(text_attribute(attempt.attributes, "retry.status") == "failed");
      CHECK(attribute_as<double>(attempt.attributes,
                                 "retry.next_delay_seconds") ==
            Approx(n == 1 ? 0.01 : 0.02));
      REQUIRE(attempt.events.size() == 1);
      CHECK(attempt.events[0].name == "exception");
    } else {
      CHECK(attempt.status_code == StatusCode::kOk);
      CHECK(text_attribute(attempt.attributes, "retry.status") == "success");
      CHECK(int_attribute(attempt.attributes, "retry.succeeded_on_attempt") ==
            3);
    }
  }
}

TEST_CASE("retry gives up after max_retries and says so on the last attempt",
          "[samples][retry]") {
  TestProvider test;
  samples::RetrySampleOptions options;
  options.failures = 10;
  options.policy.max_retries = 2;
  const auto outcome = samples::run_retry(*test.tracer, options,
                                          [](std::chrono::duration<double>) {});
  CHECK_FALSE(outcome.succeeded);
  CHECK(outcome.attempts == 3);
  CHECK(outcome.last_error == "Temporary failure on attempt 3");
  const Spans spans(test.take_all());
  const auto last = spans.named("flaky-operation-attempt-3");
  REQUIRE(last.size() == 1);
  CHECK(last.front()->status_code == StatusCode::kError);
  CHECK(last.front()->status_description == "Max retries exhausted");
  CHECK(attribute_as<bool>(last.front()->attributes, "retry.exhausted") ==
        true);
  CHECK(last.front()->links.size() == 2);
  CHECK(spans.named("flaky-operation-attempt-4").empty());
  CHECK(spans.named("retry-example").front()->status_code ==
        StatusCode::kError);
}

}  // namespace weft::testing
