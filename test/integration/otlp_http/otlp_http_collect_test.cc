// The OTLP/HTTP exporter against `weft collect --listen-http` running as
// another process: every field arrives as sent in both encodings (read back
// from the collector's OTLP/JSON lines), and the collector's fault switches
// (503 for the first requests) are retried.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>

#include "child_process.h"
#include "http_exporter_support.h"
#include "otlp_test_spans.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::exporters::OtlpHttpExporterOptions;
using weft::exporters::OtlpProtocol;
using weft::sdk::ExportResult;
using weft::testing::ChildProcess;
using weft::testing::HttpExporterUnderTest;

// `weft collect --listen-http` on a free loopback port writing OTLP/JSON
// lines to `out`, and its http://host:port.
struct Collect {
  std::string out;
  std::unique_ptr<ChildProcess> process;
  std::string url;

  explicit Collect(std::vector<std::string> extra = {}) {
    const std::string directory = std::string(WEFT_TEST_TMPDIR);
    std::filesystem::create_directories(directory);
    out = directory + "/collect-" + std::to_string(getpid()) + "-" +
          std::to_string(++runs) + ".jsonl";
    std::vector<std::string> arguments = {
        WEFT_PROGRAM, "collect", "--listen-http", "127.0.0.1:0", "--out", out};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    process = std::make_unique<ChildProcess>(arguments);
    REQUIRE(process->started());
    std::string address = weft::testing::listening_address(*process, 20s);
    address = address.substr(0, address.find(' '));
    url = "http://" + address;
  }

  ~Collect() {
    process->signal(SIGTERM);
    process->wait_exit(20s);
  }

  std::vector<std::string> lines() {
    process->signal(SIGTERM);
    REQUIRE(process->wait_exit(20s) == 0);
    std::istringstream text(weft::testing::read_text(out));
    std::vector<std::string> result;
    for (std::string line; std::getline(text, line);) {
      if (!line.empty()) result.push_back(line);
    }
    return result;
  }

  static inline int runs = 0;
};

}  // namespace

TEST_CASE(
    "every field arrives at weft collect --listen-http as sent in "
    "both encodings",
    "[otlp_http][collect]") {
  const auto [line, protocol] = GENERATE(table<int, OtlpProtocol>({
      {__LINE__, OtlpProtocol::kHttpProtobuf},
      {__LINE__, OtlpProtocol::kHttpJson},
  }));
  CAPTURE(line);
  Collect collect;
  HttpExporterUnderTest under_test(
      collect.url, [&](OtlpHttpExporterOptions& o) { o.protocol = protocol; });
  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);

  const auto lines = collect.lines();
  REQUIRE(lines.size() == 1);
  const auto decoded = weft::testing::decode_otlp_json(lines[0]);
  CHECK(weft::testing::span_count(decoded) == 4);
  for (const auto& span : spans) {
    const auto* received = weft::testing::find_span(decoded, span->span_id);
    REQUIRE(received != nullptr);
    weft::testing::check_span(*span, *received);
  }
}

TEST_CASE("weft collect answering 503 twice, then 200, gets every span once",
          "[otlp_http][collect]") {
  Collect collect({"--fail-first", "2", "--fail-http-status", "503"});
  HttpExporterUnderTest under_test(collect.url);
  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(spans) == ExportResult::kSuccess);
  CHECK(under_test.exporter->stats().retries == 2);
  const auto lines = collect.lines();
  REQUIRE(lines.size() == 1);
  CHECK(weft::testing::span_count(weft::testing::decode_otlp_json(lines[0])) ==
        4);
}
