// The samples as programs: their flags and exit codes, and end to end
// through a real `weft collect` on loopback and `weft view`.
#include <signal.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "../otlp/child_process.h"

namespace weft::testing {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);

std::string program(const std::string& sample) {
  return std::string(WEFT_SAMPLES_DIR) + "/" + sample + "/" + sample;
}

using Run = weft::testing::ProgramRun;

Run run(const std::vector<std::string>& arguments) {
  return weft::testing::run_program(arguments, kDeadline);
}

std::string temporary_directory() {
  std::string pattern = "/tmp/weft-samples-XXXXXX";
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

using weft::testing::read_text;

// Every sample this tree builds.
std::vector<std::string> sample_names() {
  std::vector<std::string> names = {"batch_processing", "fan_out_fan_in",
                                    "message_queue",    "retry",
                                    "rich_links",       "order_processing"};
#ifdef WEFT_SAMPLES_HAVE_GRPC_SERVICE
  names.push_back("grpc_service");
#endif
  return names;
}

}  // namespace

TEST_CASE("every sample explains itself and rejects unknown flags",
          "[samples][programs]") {
  const std::string sample = GENERATE(from_range(sample_names()));
  CAPTURE(sample);
  const Run help = run({program(sample), "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--otlp ENDPOINT") != std::string::npos);
  const Run bad = run({program(sample), "--no-such-flag"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(sample + ": unknown option --no-such-flag; see " + sample +
                     " --help") != std::string::npos);
  const Run zero = run({program(sample), "--otlp"});
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("--otlp needs a value") != std::string::npos);
}

TEST_CASE("a sample prints its spans and links to the console by default",
          "[samples][programs]") {
  ::unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  ::unsetenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const Run result =
      run({program("batch_processing"), "--items", "4", "--batch-size", "2"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("span process-batch") != std::string::npos);
  CHECK(result.out.find("-> batch_member trace") != std::string::npos);
  CHECK(result.err.find("batch_processing: 10 spans exported to the console") !=
        std::string::npos);
}

#ifdef WEFT_PROGRAM
TEST_CASE("a sample whose spans cannot be exported exits 1 and says so",
          "[samples][programs][no_tsan]") {
  ::setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "300", 1);
  // Nothing listens on port 1 of loopback.
  const Run result = run({program("retry"), "--otlp", "127.0.0.1:1"});
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("spans were not flushed") != std::string::npos);
}

TEST_CASE(
    "the six samples export over OTLP/gRPC to weft collect, and weft view "
    "shows their traces and links",
    "[samples][programs][end_to_end][no_tsan]") {
  const std::string directory = temporary_directory();
  const std::string spans_file = directory + "/spans.jsonl";
  const std::string mermaid_file = directory + "/spans.mmd";
  ChildProcess collector({WEFT_PROGRAM, "collect", "--listen", "127.0.0.1:0",
                          "--out", spans_file});
  REQUIRE(collector.started());
  const std::string address =
      weft::testing::listening_address(collector, kDeadline);

  for (const char* sample :
       {"batch_processing", "fan_out_fan_in", "message_queue", "retry",
        "rich_links", "order_processing"}) {
    CAPTURE(sample);
    const Run result = run({program(sample), "--otlp", address});
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("spans exported to " + address) != std::string::npos);
  }
  collector.signal(SIGINT);
  const auto stopped = collector.wait_exit(kDeadline);
  REQUIRE(stopped == 0);
  // 12 + 8 + (6 + 7) + 4 + 54 + 38 spans, deterministic for the defaults.
  CHECK(collector.out_text().find("129 spans accepted") != std::string::npos);

  const Run view =
      run({WEFT_PROGRAM, "view", spans_file, "--mermaid", mermaid_file});
  REQUIRE(view.exit_code == 0);
  const std::string& text = view.out;
  CHECK(text.find("129 spans") != std::string::npos);
  CHECK(text.find("0 to spans not in the input") != std::string::npos);
  for (const char* expected : {
           "⤷ batch_member → receive-item in trace",
           "⤶ linked from process-batch in trace",
           "⤷ triggered_by → fan-out-request (same trace)",
           "⤷ aggregates_worker → worker-process (same trace)",
           "⤷ consumed_from → send-message in trace",
           "  message-queue-producer  1 span",
           "⤷ retry_of → flaky-operation-attempt-1 (same trace)",
           "✗ Retrying in 0.01s",
           "⤷ compensates → charge-payment in trace",
           "⤷ derived_from → read-source in trace",
           "⤷ processes → receive-order in trace",
           "⤷ aggregates_batch → process-order-batch (same trace)",
       }) {
    CAPTURE(expected);
    CHECK(text.find(expected) != std::string::npos);
  }

  const std::string mermaid = read_text(mermaid_file);
  CHECK(mermaid.rfind("graph TD\n", 0) == 0);
  for (const char* expected :
       {"subgraph", "· process-batch · batch-processor-service",
        "-.->|batch_member|", "-.->|consumed_from|", "-.->|retry_of|",
        "-.->|aggregates_worker|", "-.->|compensates|", " --> "}) {
    CAPTURE(expected);
    CHECK(mermaid.find(expected) != std::string::npos);
  }
  std::remove(spans_file.c_str());
  std::remove(mermaid_file.c_str());
  std::remove(directory.c_str());
}
#endif

#if defined(WEFT_PROGRAM) && defined(WEFT_SAMPLES_HAVE_GRPC_SERVICE)
TEST_CASE(
    "grpc_service's two processes export over OTLP/gRPC to weft collect, and "
    "weft view shows client span, server span, workers and the links",
    "[samples][programs][end_to_end][no_tsan]") {
  const std::string directory = temporary_directory();
  const std::string spans_file = directory + "/spans.jsonl";
  ChildProcess collector({WEFT_PROGRAM, "collect", "--listen", "127.0.0.1:0",
                          "--out", spans_file});
  REQUIRE(collector.started());
  const std::string address =
      weft::testing::listening_address(collector, kDeadline);

  const Run result = run({program("grpc_service"), "--otlp", address});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err,
             Catch::Contains("grpc_service: 12 spans exported to " + address));
  CHECK_THAT(result.err, Catch::Contains("grpc_service (server): 16 spans "
                                         "exported to " +
                                         address));
  collector.signal(SIGINT);
  REQUIRE(collector.wait_exit(kDeadline) == 0);
  CHECK_THAT(collector.out_text(), Catch::Contains("28 spans accepted"));

  const Run view = run({WEFT_PROGRAM, "view", spans_file});
  REQUIRE(view.exit_code == 0);
  const std::string& text = view.out;
  CHECK_THAT(text, Catch::Contains("6 traces, 28 spans, 10 links"));
  CHECK_THAT(text, Catch::Contains("order-client, order-service"));
  for (const char* expected : {
           "└─ weft.samples.orders.OrderService/PlaceOrder (client)",
           "└─ weft.samples.orders.OrderService/PlaceOrder (server)",
           "└─ store-order",
           "└─ weft.samples.orders.OrderService/ProcessBatch (server)",
           "⤷ batch_member → submit-order in trace",
           "├─ process-order",
           "⤷ processes → submit-order in trace",
       }) {
    CAPTURE(expected);
    CHECK_THAT(text, Catch::Contains(expected));
  }
  std::remove(spans_file.c_str());
  std::remove(directory.c_str());
}
#endif

#if defined(WEFT_PROGRAM) && defined(WEFT_SAMPLES_HAVE_OTLP_HTTP)
TEST_CASE(
    "a sample exports over OTLP/HTTP to weft collect --listen-http when "
    "OTEL_EXPORTER_OTLP_PROTOCOL says so",
    "[samples][programs][end_to_end][no_tsan]") {
  const std::string directory = temporary_directory();
  const std::string spans_file = directory + "/spans.jsonl";
  ChildProcess collector({WEFT_PROGRAM, "collect", "--listen-http",
                          "127.0.0.1:0", "--out", spans_file});
  REQUIRE(collector.started());
  // "HOST:PORT (OTLP/HTTP)": the address is before the space.
  std::string address = weft::testing::listening_address(collector, kDeadline);
  address = address.substr(0, address.find(' '));

  ::setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", 1);
  const Run result = run({program("retry"), "--otlp", address});
  ::unsetenv("OTEL_EXPORTER_OTLP_PROTOCOL");
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.err,
             Catch::Contains("4 spans exported to http://" + address +
                             "/v1/traces (OTLP/HTTP, http/protobuf)"));
  collector.signal(SIGINT);
  REQUIRE(collector.wait_exit(kDeadline) == 0);
  CHECK_THAT(collector.out_text(), Catch::Contains("4 spans accepted"));
  CHECK_THAT(read_text(spans_file), Catch::Contains("retry_of"));
  std::remove(spans_file.c_str());
  std::remove(directory.c_str());
}
#endif

}  // namespace weft::testing
