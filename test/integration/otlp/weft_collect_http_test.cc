// `weft collect --listen-http` run as a real child process and driven by a
// real HTTP client (cpp-httplib) on loopback: protobuf and OTLP/JSON bodies,
// gzip or not, arrive as the same OTLP/JSON lines; the answers follow the
// OTLP/HTTP specification (200 with a response in the request's encoding,
// 400 / 404 / 405 / 413 / 415 with a google.rpc.Status); the faulty switches
// answer with an HTTP status, Retry-After, a delay and a partial success.
// Also the in-process Collector's HTTP side, as the exporters' tests use it.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "child_process.h"
#include "collector.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "otlp_json.h"
#include "otlp_test_spans.h"
#include "otlp_test_support.h"
#include "test_provider.h"
#include "weft/exporters/otlp_grpc_exporter.h"
#include "weft/otlp/rpc_status.pb.h"

namespace {

using namespace std::chrono_literals;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse;
using weft::otlp::from_otlp_json;
using weft::otlp::to_otlp_json;
using weft::testing::ChildProcess;

constexpr char kProtobuf[] = "application/x-protobuf";
constexpr char kJson[] = "application/json";

std::string temp_path(const std::string& name) {
  const std::string directory = std::string(WEFT_TEST_TMPDIR) +
                                "/collect-http-" +
                                std::to_string(static_cast<long>(getpid()));
  std::filesystem::create_directories(directory);
  return directory + "/" + name;
}

std::vector<std::string> collect_http_command(
    const std::vector<std::string>& extra) {
  std::vector<std::string> command = {WEFT_PROGRAM, "collect", "--listen-http",
                                      "127.0.0.1:0"};
  command.insert(command.end(), extra.begin(), extra.end());
  return command;
}

// Waits for the "listening on HOST:PORT (OTLP/HTTP)" line of a `weft
// collect` child and returns its port.
int http_port_of(ChildProcess& collect) {
  REQUIRE(collect.started());
  const auto line = collect.wait_for_line("(OTLP/HTTP", 20s);
  INFO(collect.err_text());
  REQUIRE(line.has_value());
  std::smatch match;
  REQUIRE(std::regex_search(
      *line, match,
      std::regex("listening on 127\\.0\\.0\\.1:([0-9]+) \\(OTLP/HTTP\\)")));
  const int port = std::stoi(match[1].str());
  CHECK(port != 0);
  return port;
}

// The varied spans and a span with 64 links, as the exporter encodes them.
ExportTraceServiceRequest recorded_request() {
  weft::testing::TestProvider provider;
  weft::sdk::SpanBatch spans = weft::testing::record_varied_spans(provider);
  for (auto& span : weft::testing::record_span_with_64_links(provider)) {
    spans.push_back(std::move(span));
  }
  weft::otlp::RequestEncoder encoder;
  std::string bytes;
  REQUIRE(encoder.encode(spans, bytes) == 5);
  ExportTraceServiceRequest request;
  REQUIRE(request.ParseFromString(bytes));
  return request;
}

std::string gzip(const std::string& bytes) {
  httplib::detail::gzip_compressor compressor;
  std::string compressed;
  REQUIRE(compressor.compress(bytes.data(), bytes.size(), true,
                              [&](const char* data, std::size_t size) {
                                compressed.append(data, size);
                                return true;
                              }));
  return compressed;
}

httplib::Result post(httplib::Client& client, const std::string& body,
                     const std::string& content_type,
                     const httplib::Headers& headers = {},
                     const std::string& path = "/v1/traces") {
  httplib::Result result = client.Post(path, headers, body, content_type);
  INFO("HTTP error " << httplib::to_string(result.error()));
  REQUIRE(result);
  return result;
}

// The google.rpc.Status in an error answer, in the answer's encoding.
weft::otlp::rpc::Status status_of(const httplib::Response& response) {
  weft::otlp::rpc::Status status;
  const std::string type = response.get_header_value("Content-Type");
  if (type == kJson) {
    REQUIRE(from_otlp_json(response.body, status));
  } else {
    REQUIRE(type == kProtobuf);
    REQUIRE(status.ParseFromString(response.body));
  }
  return status;
}

ExportTraceServiceResponse response_of(const httplib::Response& response) {
  ExportTraceServiceResponse decoded;
  const std::string type = response.get_header_value("Content-Type");
  if (type == kJson) {
    REQUIRE(from_otlp_json(response.body, decoded));
  } else {
    REQUIRE(type == kProtobuf);
    REQUIRE(decoded.ParseFromString(response.body));
  }
  return decoded;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

void stop(ChildProcess& collect) {
  collect.signal(SIGTERM);
  REQUIRE(collect.wait_exit(20s) == 0);
}

}  // namespace

TEST_CASE(
    "weft collect --listen-http stores protobuf and OTLP/JSON requests, "
    "gzip or not, as the same OTLP/JSON lines",
    "[otlp][collect][http][no_tsan]") {
  const std::string out = temp_path("spans.jsonl");
  ChildProcess collect(collect_http_command({"--out", out}));
  httplib::Client client("127.0.0.1", http_port_of(collect));
  const ExportTraceServiceRequest request = recorded_request();
  const std::string protobuf = request.SerializeAsString();
  const std::string json = to_otlp_json(request);
  // The JSON carries ids in hex, as OTLP/JSON wants.
  const auto& first_span = request.resource_spans(0).scope_spans(0).spans(0);
  std::string trace_hex;
  for (unsigned char byte : first_span.trace_id()) {
    static constexpr char kDigits[] = "0123456789abcdef";
    trace_hex += kDigits[byte >> 4];
    trace_hex += kDigits[byte & 0xf];
  }
  REQUIRE_THAT(json, Catch::Contains("\"traceId\":\"" + trace_hex + "\""));

  struct Sent {
    std::string body;
    const char* type;
    bool gzipped;
  };
  for (const Sent& sent :
       {Sent{protobuf, kProtobuf, false}, Sent{json, kJson, false},
        Sent{protobuf, kProtobuf, true},
        Sent{json, "application/json; charset=utf-8", true}}) {
    CAPTURE(sent.type, sent.gzipped);
    httplib::Headers headers;
    if (sent.gzipped) headers.emplace("Content-Encoding", "gzip");
    const auto result = post(client, sent.gzipped ? gzip(sent.body) : sent.body,
                             sent.type, headers);
    CHECK(result->status == 200);
    CHECK(result->get_header_value("Content-Type") ==
          (std::string(sent.type) == kProtobuf ? kProtobuf : kJson));
    CHECK_FALSE(response_of(*result).has_partial_success());
  }
  stop(collect);
  CHECK_THAT(collect.out_text(),
             Catch::Contains("4 requests, 20 spans accepted; 0 requests "
                             "failed on purpose, 0 malformed"));
  // Only the HTTP listener: no gRPC line.
  CHECK_THAT(collect.out_text(),
             !Catch::Contains("listening on 127.0.0.1:4317"));

  const std::vector<std::string> lines = lines_of(out);
  REQUIRE(lines.size() == 4);
  for (const std::string& line : lines) CHECK(line == json);
}

TEST_CASE("weft collect listens on gRPC and HTTP at once and counts both",
          "[otlp][collect][http][no_tsan]") {
  ChildProcess collect({WEFT_PROGRAM, "collect", "--listen", "127.0.0.1:0",
                        "--listen-http", "127.0.0.1:0", "--count-only"});
  REQUIRE(collect.started());
  // The gRPC line comes first, as it always read.
  const std::string grpc_address =
      weft::testing::listening_address(collect, 20s);
  REQUIRE(std::regex_match(grpc_address, std::regex("127\\.0\\.0\\.1:[0-9]+")));
  httplib::Client client("127.0.0.1", http_port_of(collect));

  weft::testing::TestProvider provider;
  auto spans = weft::testing::record_varied_spans(provider);
  {
    weft::testing::ExporterUnderTest under_test("http://" + grpc_address);
    REQUIRE(under_test.exporter->export_spans(spans) ==
            weft::sdk::ExportResult::kSuccess);
  }
  CHECK(
      post(client, recorded_request().SerializeAsString(), kProtobuf)->status ==
      200);
  stop(collect);
  CHECK_THAT(collect.out_text(), Catch::Contains("2 requests, 9 spans"));
}

TEST_CASE(
    "weft collect answers what it cannot take over HTTP with 400, 404, 405, "
    "413 or 415 and a google.rpc.Status, and keeps serving",
    "[otlp][collect][http][no_tsan]") {
  ChildProcess collect(
      collect_http_command({"--count-only", "--max-request-bytes", "1000"}));
  httplib::Client client("127.0.0.1", http_port_of(collect));
  client.set_keep_alive(true);
  struct Row {
    int line;
    std::string method;
    std::string path;
    std::string body;
    std::string type;
    std::string encoding;
    int status;
    std::string message;
    bool counted;  // as a malformed request
  };
  const std::string zeros(100000, '\0');
  const std::vector<Row> rows = {
      {__LINE__, "POST", "/v1/traces", "\x0a\xff\xff\xff\xff\x0f", kProtobuf,
       "", 400,
       "cannot decode an ExportTraceServiceRequest from 6 bytes of "
       "protobuf",
       true},
      {__LINE__, "POST", "/v1/traces", "{\"resourceSpans\":", kJson, "", 400,
       "bytes of OTLP/JSON: not JSON", true},
      {__LINE__, "POST", "/v1/traces",
       R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"AAECAwQFBgc="}]}]}]})",
       kJson, "", 400, "spanId is not a hex string", true},
      {__LINE__, "POST", "/v1/traces", "not gzip", kProtobuf, "gzip", 400,
       "cannot inflate the gzip request body", true},
      {__LINE__, "POST", "/v1/traces", "{}", "text/plain", "", 415,
       "cannot read a body of Content-Type 'text/plain'", true},
      {__LINE__, "POST", "/v1/traces", "{}", kJson, "br", 415,
       "cannot read a body of Content-Encoding 'br'", true},
      {__LINE__, "POST", "/v1/traces", std::string(2000, '\0'), kProtobuf, "",
       413, "over the limit of 1000 bytes", true},
      {__LINE__, "POST", "/v1/traces", zeros, kProtobuf, "gzip", 413,
       "over the limit of 1000 bytes (once inflated)", true},
      {__LINE__, "POST", "/v1/logs", "{}", kJson, "", 404,
       "no such path: /v1/logs", false},
      {__LINE__, "GET", "/v1/traces", "", "", "", 405,
       "/v1/traces takes POST, not GET", false},
      {__LINE__, "PUT", "/v1/traces", "{}", kJson, "", 405,
       "takes POST, not PUT", false},
  };
  std::size_t malformed = 0;
  for (const Row& row : rows) {
    CAPTURE(row.line);
    httplib::Headers headers;
    std::string body = row.body;
    if (!row.encoding.empty())
      headers.emplace("Content-Encoding", row.encoding);
    if (row.encoding == "gzip" && row.status == 413) body = gzip(body);
    httplib::Result result =
        row.method == "GET" ? client.Get(row.path.c_str(), headers)
        : row.method == "PUT"
            ? client.Put(row.path.c_str(), headers, body, row.type.c_str())
            : client.Post(row.path.c_str(), headers, body, row.type.c_str());
    REQUIRE(result);
    CHECK(result->status == row.status);
    const weft::otlp::rpc::Status status = status_of(*result);
    CHECK_THAT(status.message(), Catch::Contains(row.message));
    CHECK(status.code() != 0);
    if (row.status == 405) CHECK(result->get_header_value("Allow") == "POST");
    // Answers are JSON for JSON requests, protobuf otherwise.
    CHECK(result->get_header_value("Content-Type") ==
          (row.type == kJson ? kJson : kProtobuf));
    if (row.counted) ++malformed;
    // Still serving, on the same client (a new connection when the last
    // answer closed it).
    CHECK(post(client, "", kProtobuf)->status == 200);
  }
  client.stop();  // else the collector waits for the idle connection
  stop(collect);
  CHECK_THAT(collect.out_text(),
             Catch::Contains(std::to_string(rows.size() + malformed) +
                             " requests, 0 spans accepted; 0 requests failed "
                             "on purpose, " +
                             std::to_string(malformed) + " malformed"));
  CHECK_THAT(collect.err_text(), Catch::Contains("malformed request"));
}

TEST_CASE(
    "weft collect's faulty switches answer over HTTP with a status, "
    "Retry-After, a delay and a partial success",
    "[otlp][collect][http][no_tsan]") {
  ChildProcess collect(collect_http_command(
      {"--count-only", "--fail-first", "2", "--fail-http-status", "429",
       "--retry-after", "1200", "--delay", "100", "--reject-spans", "1",
       "--partial-message", "one span is too old"}));
  httplib::Client client("127.0.0.1", http_port_of(collect));
  const ExportTraceServiceRequest request = recorded_request();
  const std::string protobuf = request.SerializeAsString();
  const std::string json = to_otlp_json(request);
  int request_number = 0;
  for (const auto& [body, type] :
       {std::pair{protobuf, kProtobuf}, std::pair{json, kJson},
        std::pair{protobuf, kProtobuf}, std::pair{json, kJson}}) {
    ++request_number;
    CAPTURE(request_number, type);
    const auto started = std::chrono::steady_clock::now();
    const auto result = post(client, body, type);
    CHECK(std::chrono::steady_clock::now() - started >= 100ms);
    CHECK(result->get_header_value("Content-Type") == type);
    if (request_number <= 2) {
      CHECK(result->status == 429);
      CHECK(result->get_header_value("Retry-After") == "2");  // 1.2 s up
      CHECK_THAT(status_of(*result).message(),
                 Catch::Contains("failing request " +
                                 std::to_string(request_number) + " of 2"));
    } else {
      CHECK(result->status == 200);
      const ExportTraceServiceResponse response = response_of(*result);
      CHECK(response.partial_success().rejected_spans() == 1);
      CHECK(response.partial_success().error_message() ==
            "one span is too old");
    }
  }
  stop(collect);
  CHECK_THAT(collect.out_text(),
             Catch::Contains("4 requests, 10 spans accepted; 2 requests "
                             "failed on purpose, 0 malformed, 2 spans "
                             "reported rejected"));
}

TEST_CASE(
    "weft collect fails HTTP requests with 503 and no Retry-After by "
    "default, and stops by itself after --exit-after-spans",
    "[otlp][collect][http][no_tsan]") {
  ChildProcess collect(collect_http_command(
      {"--count-only", "--fail-first", "1", "--exit-after-spans", "10"}));
  httplib::Client client("127.0.0.1", http_port_of(collect));
  const std::string body = recorded_request().SerializeAsString();
  const auto failed = post(client, body, kProtobuf);
  CHECK(failed->status == 503);
  CHECK_FALSE(failed->has_header("Retry-After"));
  CHECK(status_of(*failed).code() == 14);  // UNAVAILABLE, as --fail-code
  CHECK(post(client, body, kProtobuf)->status == 200);
  CHECK(post(client, body, kProtobuf)->status == 200);
  REQUIRE(collect.wait_exit(20s) == 0);
  CHECK_THAT(collect.out_text(), Catch::Contains("span count reached"));
}

TEST_CASE(
    "the in-process collector's HTTP side keeps requests with their headers",
    "[otlp][collect][http][no_tsan]") {
  weft::tools::CollectorOptions options;
  options.listen.clear();
  options.listen_http = "127.0.0.1:0";
  options.keep_requests = true;
  auto started = weft::tools::Collector::start(options);
  REQUIRE(started.has_value());
  const auto& collector = started.value();
  CHECK(collector->address().empty());
  CHECK(collector->port() == 0);
  REQUIRE(collector->http_port() > 0);
  CHECK(collector->http_address() ==
        "127.0.0.1:" + std::to_string(collector->http_port()));

  httplib::Client client("127.0.0.1", collector->http_port());
  const ExportTraceServiceRequest request = recorded_request();
  CHECK(post(client, gzip(to_otlp_json(request)), kJson,
             {{"Content-Encoding", "gzip"}, {"X-Tenant", "blue"}})
            ->status == 200);
  REQUIRE(collector->wait_for_spans(5, 10s));
  const auto kept = collector->requests();
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].over_http);
  CHECK(kept[0].compressed);
  CHECK(kept[0].spans == 5);
  CHECK(kept[0].request.SerializeAsString() == request.SerializeAsString());
  const auto tenant = kept[0].metadata.find("x-tenant");
  REQUIRE(tenant != kept[0].metadata.end());
  CHECK(tenant->second == "blue");
  CHECK(kept[0].metadata.find("content-type")->second == kJson);
}
