// `weft collect` run as a real child process: it prints where it listens
// (port 0 picks one), writes OTLP/JSON lines with OTLP's rules, stops on
// SIGINT/SIGTERM with a summary, plays a faulty collector on request, and
// reports malformed requests and unwritable files clearly.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "child_process.h"
#include "otlp_span_checks.h"
#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::sdk::ExportResult;
using weft::testing::ChildProcess;
using weft::testing::ExporterUnderTest;

std::string temp_path(const std::string& name) {
  const std::string directory = std::string(WEFT_TEST_TMPDIR) + "/collect-" +
                                std::to_string(static_cast<long>(getpid()));
  std::filesystem::create_directories(directory);
  return directory + "/" + name;
}

// Starts `weft collect --listen 127.0.0.1:0 <extra...>`; returns the
// endpoint it printed.
std::string start_collect(ChildProcess& collect) {
  REQUIRE(collect.started());
  const auto line = collect.wait_for_line("listening on", 20s);
  INFO(collect.err_text());
  REQUIRE(line.has_value());
  std::smatch match;
  REQUIRE(std::regex_search(
      *line, match, std::regex("listening on (127\\.0\\.0\\.1:[0-9]+)")));
  CHECK(match[1] != "127.0.0.1:0");
  return "http://" + match[1].str();
}

std::vector<std::string> collect_command(std::vector<std::string> extra) {
  std::vector<std::string> command = {WEFT_PROGRAM, "collect", "--listen",
                                      "127.0.0.1:0"};
  command.insert(command.end(), extra.begin(), extra.end());
  return command;
}

}  // namespace

TEST_CASE("weft collect writes each request as one line of OTLP/JSON",
          "[otlp][collect][no_tsan]") {
  const std::string out = temp_path("spans.jsonl");
  ChildProcess collect(collect_command({"--out", out}));
  const std::string endpoint = start_collect(collect);

  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  auto links = weft::testing::record_span_with_64_links(provider);
  {
    ExporterUnderTest under_test(endpoint);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
    REQUIRE(under_test.exporter->export_spans(links) == ExportResult::kSuccess);
  }
  collect.signal(SIGTERM);
  REQUIRE(collect.wait_exit(20s) == 0);
  CHECK_THAT(collect.out_text(),
             Catch::Contains("2 requests, 5 spans accepted"));

  std::ifstream file(out);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(file, line);) {
    lines.push_back(nlohmann::json::parse(line));
  }
  REQUIRE(lines.size() == 2);

  const nlohmann::json& first = lines[0];
  REQUIRE(first.contains("resourceSpans"));
  const nlohmann::json& scope_spans = first["resourceSpans"][0]["scopeSpans"];
  const nlohmann::json* batch = nullptr;
  for (const auto& scope : scope_spans) {
    for (const auto& span : scope["spans"]) {
      if (span["name"] == "batch.process") batch = &span;
    }
  }
  REQUIRE(batch != nullptr);
  const weft::sdk::SpanData& recorded = *spans[0];
  REQUIRE(recorded.name == "batch.process");
  // Ids in lowercase hex, not base64.
  CHECK((*batch)["traceId"] == recorded.trace_id.to_hex());
  CHECK((*batch)["spanId"] == recorded.span_id.to_hex());
  CHECK_FALSE(batch->contains("parentSpanId"));  // a root span
  // Enums as integers, 64-bit integers as strings, lowerCamelCase keys.
  CHECK((*batch)["kind"] == 2);
  CHECK((*batch)["status"]["code"] == 2);
  CHECK((*batch)["startTimeUnixNano"] ==
        std::to_string(weft::testing::unix_nanos(recorded.start_time)));
  CHECK((*batch)["flags"] == (recorded.flags.bits() | 0x100u));
  bool saw_count = false;
  for (const auto& attribute : (*batch)["attributes"]) {
    if (attribute["key"] == "count") {
      saw_count = attribute["value"]["intValue"] == "42";
    }
  }
  CHECK(saw_count);
  const nlohmann::json& link = (*batch)["links"][0];
  CHECK(link["traceId"] == recorded.links[0].trace_id.to_hex());
  CHECK(link["spanId"] == recorded.links[0].span_id.to_hex());
  CHECK(link["traceState"] == "a=1,b=2");
  CHECK(link["flags"] == 0x303);

  const nlohmann::json& second =
      lines[1]["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
  CHECK(second["links"].size() == 32);
  CHECK(second["droppedLinksCount"] == 32);
  CHECK(second["links"][31]["attributes"].size() == 3);
}

TEST_CASE("weft collect stops cleanly on SIGINT and on SIGTERM",
          "[otlp][collect][no_tsan]") {
  const int signal_number = GENERATE(SIGINT, SIGTERM);
  CAPTURE(signal_number);
  ChildProcess collect(collect_command({"--count-only"}));
  const std::string endpoint = start_collect(collect);
  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  {
    ExporterUnderTest under_test(endpoint);
    REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  }
  collect.signal(signal_number);
  REQUIRE(collect.wait_exit(20s) == 0);
  CHECK_THAT(collect.out_text(),
             Catch::Contains("stopped") &&
                 Catch::Contains("1 requests, 4 spans accepted"));
}

TEST_CASE("weft collect's faulty switches fail, delay and partially accept",
          "[otlp][collect][no_tsan]") {
  ChildProcess collect(
      collect_command({"--count-only", "--fail-first", "2", "--fail-code",
                       "unavailable", "--delay", "100", "--reject-spans", "1",
                       "--partial-message", "one span is too old"}));
  const std::string endpoint = start_collect(collect);
  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  ExporterUnderTest under_test(endpoint);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  // Three answers, each delayed by 100 ms.
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);
  const auto stats = under_test.exporter->stats();
  CHECK(stats.retries == 2);
  CHECK(stats.spans_rejected == 1);
  CHECK(stats.spans_sent == 3);
  CHECK(under_test.logger->count_containing({"one span is too old"}) == 1);
  collect.signal(SIGTERM);
  REQUIRE(collect.wait_exit(20s) == 0);
  CHECK_THAT(collect.out_text(),
             Catch::Contains("3 requests, 4 spans accepted; 2 requests "
                             "failed on purpose"));
}

TEST_CASE(
    "weft collect answers a request it cannot decode with "
    "INVALID_ARGUMENT and says so",
    "[otlp][collect][no_tsan]") {
  ChildProcess collect(collect_command({"--count-only"}));
  const std::string endpoint = start_collect(collect);
  auto channel = grpc::CreateChannel(endpoint.substr(7),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  const std::string garbage = "\x0a\xff\xff\xff\xff\x0f not protobuf";
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context,
                 "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(status.error_message(), Catch::Contains("cannot decode"));

  collect.signal(SIGTERM);
  REQUIRE(collect.wait_exit(20s) == 0);
  CHECK_THAT(collect.err_text(), Catch::Contains("malformed request"));
  CHECK_THAT(collect.out_text(), Catch::Contains("1 malformed"));
}

TEST_CASE("weft collect reports bad usage and unwritable files clearly",
          "[otlp][collect][no_tsan]") {
  struct Row {
    int line;
    std::vector<std::string> arguments;
    int status;
    std::string message;
  };
  const Row row = GENERATE(
      Row{__LINE__,
          {"--out", "/nonexistent/dir/spans.jsonl"},
          1,
          "cannot open '/nonexistent/dir/spans.jsonl' for writing"},
      Row{__LINE__,
          {"--fail-code", "sometimes"},
          2,
          "--fail-code needs a gRPC error code"},
      Row{__LINE__,
          {"--delay", "soon"},
          2,
          "weft collect: --delay needs a whole number from 0 to 86400000, "
          "not 'soon'; see weft collect --help"},
      Row{__LINE__,
          {"--bogus"},
          2,
          "weft collect: unknown option --bogus; see weft collect --help"},
      Row{__LINE__, {"--listen"}, 2, "weft collect: --listen needs a value"},
      Row{__LINE__, {"--tls-cert", "c.pem"}, 2, "--tls-key go together"},
      Row{__LINE__,
          {"--tls-cert", "/nonexistent/cert.pem", "--tls-key",
           "/nonexistent/key.pem"},
          1,
          "cannot read the TLS file '/nonexistent/cert.pem'"},
      Row{__LINE__, {"--listen", "256.1.1.1:99999"}, 1, "cannot listen on"},
      Row{__LINE__,
          {"--listen-http", "nowhere"},
          1,
          "cannot listen for OTLP/HTTP on 'nowhere' (expected host:port"},
      Row{__LINE__,
          {"--listen-http", "127.0.0.1:70000"},
          1,
          "cannot listen for OTLP/HTTP on '127.0.0.1:70000'"},
      Row{__LINE__,
          {"--fail-http-status", "200"},
          2,
          "--fail-http-status needs a whole number from 400 to 599"},
      Row{__LINE__,
          {"--max-request-bytes", "0"},
          2,
          "--max-request-bytes needs a whole number from 1 to"});
  CAPTURE(row.line);
  ChildProcess collect(collect_command(row.arguments));
  REQUIRE(collect.started());
  CHECK(collect.wait_exit(20s) == row.status);
  CHECK_THAT(collect.err_text(), Catch::Contains(row.message));
}
