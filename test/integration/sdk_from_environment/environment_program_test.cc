// environment_program (the three lines of sdk_from_environment.h) run as a
// child process under `env -i`: configured by nothing but the variables
// each test gives it, against a real `weft collect` on loopback.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "integration/otlp/child_process.h"

namespace {

using weft::testing::ChildProcess;
using weft::testing::ProgramRun;

constexpr auto kDeadline = std::chrono::seconds(60);

// Runs environment_program with exactly `variables` in its environment
// (plus the sanitizers' options, so that a sanitizer tree keeps its rules).
ProgramRun run_with_only(const std::vector<std::string>& variables) {
  std::vector<std::string> arguments = {"/usr/bin/env", "-i"};
  for (const char* name :
       {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) {
      arguments.push_back(std::string(name) + "=" + value);
    }
  }
  arguments.insert(arguments.end(), variables.begin(), variables.end());
  arguments.push_back(WEFT_ENVIRONMENT_PROGRAM);
  return weft::testing::run_program(arguments, kDeadline);
}

std::string temporary_directory() {
  std::string pattern = "/tmp/weft-environment-XXXXXX";
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

// What `weft collect` stored after `program_variables` ran against it;
// `listen_flag` is --listen (gRPC) or --listen-http.
struct Collected {
  ProgramRun program;
  std::string collector_output;
  std::string spans;
};

Collected collect(const std::string& listen_flag,
                  std::vector<std::string> program_variables) {
  const std::string directory = temporary_directory();
  const std::string spans_file = directory + "/spans.jsonl";
  ChildProcess collector({WEFT_PROGRAM, "collect", listen_flag, "127.0.0.1:0",
                          "--out", spans_file});
  REQUIRE(collector.started());
  // "HOST:PORT", without the " (OTLP/HTTP)" after it.
  std::string address = weft::testing::listening_address(collector, kDeadline);
  address = address.substr(0, address.find(' '));
  program_variables.push_back("OTEL_EXPORTER_OTLP_ENDPOINT=http://" + address);
  Collected collected;
  collected.program = run_with_only(program_variables);
  collector.signal(SIGINT);
  REQUIRE(collector.wait_exit(kDeadline) == 0);
  collected.collector_output = collector.out_text();
  collected.spans = weft::testing::read_text(spans_file);
  std::remove(spans_file.c_str());
  std::remove(directory.c_str());
  return collected;
}

}  // namespace

TEST_CASE(
    "a program configured only by environment variables exports to weft "
    "collect over OTLP/gRPC",
    "[sdk_from_environment][programs][no_tsan]") {
  const Collected collected =
      collect("--listen", {"OTEL_SERVICE_NAME=environment-configured"});
  CAPTURE(collected.program.err, collected.collector_output);
  CHECK(collected.program.exit_code == 0);
  CHECK_THAT(collected.program.err,
             Catch::Contains("2 spans exported to 127.0.0.1:") &&
                 Catch::Contains("(OTLP/gRPC)"));
  CHECK_THAT(collected.collector_output, Catch::Contains("2 spans accepted"));
  CHECK_THAT(collected.spans, Catch::Contains("environment-configured") &&
                                  Catch::Contains("receive-request") &&
                                  Catch::Contains("process-batch") &&
                                  Catch::Contains("batch_member"));
}

#ifdef WEFT_HAVE_OTLP_HTTP
// [no_tsan]: the program's libcurl (resolver thread) is not instrumented.
TEST_CASE(
    "a program configured only by environment variables exports to weft "
    "collect over OTLP/HTTP in either encoding",
    "[sdk_from_environment][programs][no_tsan]") {
  const std::string protocol = GENERATE("http/protobuf", "http/json");
  CAPTURE(protocol);
  const Collected collected =
      collect("--listen-http", {"OTEL_SERVICE_NAME=environment-configured",
                                "OTEL_EXPORTER_OTLP_PROTOCOL=" + protocol});
  CAPTURE(collected.program.err, collected.collector_output);
  CHECK(collected.program.exit_code == 0);
  CHECK_THAT(collected.program.err,
             Catch::Contains("2 spans exported to http://127.0.0.1:") &&
                 Catch::Contains("/v1/traces (OTLP/HTTP, " + protocol + ")"));
  CHECK_THAT(collected.collector_output, Catch::Contains("2 spans accepted"));
  CHECK_THAT(collected.spans, Catch::Contains("environment-configured") &&
                                  Catch::Contains("process-batch") &&
                                  Catch::Contains("batch_member"));
}
#endif

TEST_CASE(
    "bad OTEL_TRACES_EXPORTER and protocol values are reported and the "
    "program runs on",
    "[sdk_from_environment][programs]") {
  const ProgramRun run = run_with_only({"OTEL_TRACES_EXPORTER=bogus, CONSOLE",
                                        "OTEL_EXPORTER_OTLP_PROTOCOL=spdy"});
  CAPTURE(run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("process-batch"));
  CHECK_THAT(run.err,
             Catch::Contains("OTEL_TRACES_EXPORTER='bogus, CONSOLE'") &&
                 Catch::Contains("unknown exporter bogus skipped") &&
                 Catch::Contains("2 spans exported to the console"));
}

TEST_CASE("OTEL_TRACES_EXPORTER=none exports nothing and the program runs",
          "[sdk_from_environment][programs]") {
  const ProgramRun run = run_with_only({"OTEL_TRACES_EXPORTER=none"});
  CHECK(run.exit_code == 0);
  CHECK(run.out.empty());
  CHECK_THAT(run.err, Catch::Contains("0 spans exported to no exporter"));
}

TEST_CASE(
    "an unreadable certificate stops the set-up with a message the program "
    "prints",
    "[sdk_from_environment][programs][no_tsan]") {
  const ProgramRun run = run_with_only(
      {"OTEL_EXPORTER_OTLP_CERTIFICATE=/nonexistent/collector-ca.pem"});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("/nonexistent/collector-ca.pem") &&
                          Catch::Contains("OTEL_EXPORTER_OTLP_CERTIFICATE"));
}
