// retry: a flaky operation retried by RetryableOperation; each attempt's span
// links retry_of to every earlier attempt (see README.md).
#include <chrono>
#include <cstdio>

#include "common/sample_setup.h"
#include "retry/retry.h"

int main(int argc, char** argv) {
  const weft::samples::SampleInfo info{
      "retry", "retry-service",
      "A flaky operation fails --failures times; each attempt is a "
      "flaky-operation-attempt-N\nspan linked retry_of to every earlier "
      "attempt, under one retry-example span.",
      "  --failures N            failures before success (default 2)\n"
      "  --max-retries N         retries after the first attempt (default 3)\n"
      "  --base-delay S          first delay in seconds (default 0.01)\n"
      "  --backoff-multiplier X  delay growth per retry (default 2)\n"};
  weft::samples::RetrySampleOptions options;
  double base_delay = options.policy.base_delay.count();
  double multiplier = options.policy.backoff_multiplier;
  weft::tools::CommandLine command_line(std::string(info.program));
  command_line.add_number("max-retries", options.policy.max_retries);
  command_line.add_number("failures", options.failures);
  command_line.add_decimal("base-delay", base_delay, 0, 3600);
  command_line.add_decimal("backoff-multiplier", multiplier, 0, 3600);
  return weft::samples::run_sample(
      info, command_line, argc, argv,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        options.policy.base_delay = std::chrono::duration<double>(base_delay);
        options.policy.backoff_multiplier = multiplier;
        const auto outcome = weft::samples::run_retry(tracer, options);
        if (outcome.succeeded) {
          std::fprintf(stderr, "retry: succeeded on attempt %u\n",
                       outcome.attempts);
        } else {
          std::fprintf(stderr, "retry: gave up after %u attempts: %s\n",
                       outcome.attempts, outcome.last_error.c_str());
        }
        // Giving up is a correct outcome of the sample, not a failure of it.
        return true;
      });
}
