// HttpClient over real HTTP on loopback: what it sends, what it returns, one
// kept-alive connection, deadlines and aborts.
#include "http_client.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "http_test_server.h"

namespace {

using namespace std::chrono_literals;
using weft::otlp::HttpClient;
using weft::otlp::HttpResponse;
using weft::testing::HttpTestServer;
using Clock = std::chrono::steady_clock;

std::unique_ptr<HttpClient> make_client(const std::string& url) {
  weft::otlp::HttpClientOptions options;
  options.url = url;
  options.headers = {{"Content-Type", "application/x-protobuf"},
                     {"api-key", "secret"}};
  auto client = HttpClient::create(options);
  REQUIRE(client.has_value());
  return std::move(client).value();
}

int unused_port() { return HttpTestServer().port(); }

}  // namespace

TEST_CASE("the client posts the body with its headers and returns the answer",
          "[otlp_http][client]") {
  HttpTestServer server;
  server.script({{503, "7", "text/plain", "come back later"}});
  auto client = make_client(server.url());
  const std::string body("\0\1binary body", 13);
  const HttpResponse response = client->post(body, Clock::now() + 10s);
  CHECK(response.outcome == HttpResponse::Outcome::kAnswered);
  CHECK(response.status == 503);
  CHECK(response.retry_after == "7");
  CHECK(response.content_type == "text/plain");
  CHECK(response.body == "come back later");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/v1/traces");
  CHECK(requests[0].body == body);
  CHECK(requests[0].header("Content-Type") == "application/x-protobuf");
  CHECK(requests[0].header("api-key") == "secret");
  CHECK(requests[0].header("Expect").empty());
  CHECK_THAT(requests[0].header("User-Agent"), Catch::StartsWith("weft"));
}

TEST_CASE("the client keeps one connection alive for its requests",
          "[otlp_http][client]") {
  HttpTestServer server;
  auto client = make_client(server.url());
  for (int i = 0; i < 3; ++i) {
    const HttpResponse response = client->post("x", Clock::now() + 10s);
    REQUIRE(response.outcome == HttpResponse::Outcome::kAnswered);
    CHECK(response.status == 200);
    CHECK(response.retry_after.empty());
  }
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].client_port == requests[0].client_port);
  CHECK(requests[2].client_port == requests[0].client_port);
}

TEST_CASE("an attempt that gets no answer ends at its deadline",
          "[otlp_http][client]") {
  HttpTestServer server;
  server.hold();
  auto client = make_client(server.url());
  const auto started = Clock::now();
  const HttpResponse response = client->post("x", started + 300ms);
  CHECK(response.outcome == HttpResponse::Outcome::kTimeout);
  CHECK(Clock::now() - started >= 290ms);
  server.release();
  // The client still works afterwards, on a new connection.
  CHECK(client->post("y", Clock::now() + 10s).status == 200);
}

TEST_CASE("abort_at ends an attempt in progress from another thread",
          "[otlp_http][client]") {
  HttpTestServer server;
  server.hold();
  auto client = make_client(server.url());
  auto attempt = std::async(std::launch::async, [&] {
    return client->post("x", Clock::now() + 60s);
  });
  REQUIRE(server.wait_for_requests(1));
  const auto aborted = Clock::now();
  client->abort_at(aborted);
  // Well before the attempt's own deadline (a minute).
  REQUIRE(attempt.wait_for(20s) == std::future_status::ready);
  CHECK(attempt.get().outcome == HttpResponse::Outcome::kAborted);
  CHECK(Clock::now() - aborted < 20s);
  // Later attempts end at once.
  CHECK(client->post("y", Clock::now() + 60s).outcome ==
        HttpResponse::Outcome::kAborted);
}

TEST_CASE("a port nobody listens on is reported as cannot connect",
          "[otlp_http][client]") {
  auto client = make_client(
      "http://127.0.0.1:" + std::to_string(unused_port()) + "/v1/traces");
  const HttpResponse response = client->post("x", Clock::now() + 10s);
  CHECK(response.outcome == HttpResponse::Outcome::kCannotConnect);
  CHECK_THAT(response.error, Catch::Contains("refused"));
}
