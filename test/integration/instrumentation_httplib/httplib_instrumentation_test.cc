// The cpp-httplib instrumentation over real HTTP on loopback: a traced
// httplib server (Routes, traced) and the traced client, with the SDK
// recording into memory.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_provider.h"
#include "traced_service.h"
#include "weft/baggage.h"
#include "weft/context.h"
#include "weft/instrumentation/httplib.h"
#include "weft/trace_state.h"

namespace {

using weft::SpanKind;
using weft::StatusCode;
using weft::instrumentation::httplib::Client;
using weft::testing::int_attribute;
using weft::testing::one_span_of_kind;
using weft::testing::text_attribute;
using weft::testing::TracedService;

void answer_ok(const httplib::Request&, httplib::Response& response) {
  response.set_content("ok", "text/plain");
}

TEST_CASE(
    "a traced client call reaches a traced server as the child of the "
    "client span in the same trace",
    "[instrumentation_httplib]") {
  TracedService service;
  service.routes.Get(R"(/orders/(\d+))", answer_ok, "/orders/{id}");
  service.start();

  Client client(service.origin());
  const httplib::Result result = client.Get("/orders/7");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->body == "ok");

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  REQUIRE(spans.size() == 2);
  const auto& server = one_span_of_kind(spans, SpanKind::kServer);
  const auto& client_span = one_span_of_kind(spans, SpanKind::kClient);

  CHECK(server.trace_id == client_span.trace_id);
  CHECK(server.parent_span_id == client_span.span_id);
  CHECK(server.parent_is_remote);
  CHECK_FALSE(client_span.parent_span_id.is_valid());

  CHECK(server.name == "GET /orders/{id}");
  CHECK(server.status_code == StatusCode::kUnset);
  CHECK(text_attribute(server.attributes, "http.request.method") == "GET");
  CHECK(text_attribute(server.attributes, "url.path") == "/orders/7");
  CHECK(text_attribute(server.attributes, "url.scheme") == "http");
  CHECK(text_attribute(server.attributes, "http.route") == "/orders/{id}");
  CHECK(text_attribute(server.attributes, "server.address") == "127.0.0.1");
  CHECK(int_attribute(server.attributes, "server.port") == service.port);
  CHECK(text_attribute(server.attributes, "network.peer.address") ==
        "127.0.0.1");
  CHECK(text_attribute(server.attributes, "network.protocol.version") == "1.1");
  CHECK(text_attribute(server.attributes, "user_agent.original")
            .rfind("cpp-httplib/", 0) == 0);
  CHECK(int_attribute(server.attributes, "http.response.status_code") == 200);
  CHECK(text_attribute(server.attributes, "error.type") == "<absent>");
  REQUIRE(server.tracer != nullptr);
  CHECK(server.tracer->scope.name == "weft.instrumentation.httplib");

  CHECK(client_span.name == "GET");
  CHECK(client_span.status_code == StatusCode::kUnset);
  CHECK(text_attribute(client_span.attributes, "http.request.method") == "GET");
  CHECK(text_attribute(client_span.attributes, "server.address") ==
        "127.0.0.1");
  CHECK(int_attribute(client_span.attributes, "server.port") == service.port);
  CHECK(text_attribute(client_span.attributes, "url.full") ==
        service.origin() + "/orders/7");
  CHECK(int_attribute(client_span.attributes, "http.response.status_code") ==
        200);
}

TEST_CASE(
    "the headers a traced client sends follow the W3C rules and carry the "
    "current tracestate and baggage",
    "[instrumentation_httplib]") {
  TracedService service;
  std::mutex mutex;
  httplib::Headers received;
  // A plain handler, no weft: what any W3C server would read.
  service.server.Get("/plain", [&](const httplib::Request& request,
                                   httplib::Response& response) {
    std::lock_guard<std::mutex> lock(mutex);
    received = request.headers;
    response.set_content("ok", "text/plain");
  });
  service.start();

  const weft::SpanContext remote_parent = weft::testing::make_context(
      7, 0x1122334455667788, weft::TraceFlags(0x01), /*is_remote=*/true,
      weft::TraceState::parse("congo=t61rcWkgMzE"));
  weft::Scope scope(
      weft::baggage::set(weft::Context(remote_parent), "tenant", "acme"));
  Client client(service.origin());
  REQUIRE(client.Get("/plain", {{"TraceParent", "stale"}}));

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  const auto& client_span = one_span_of_kind(spans, SpanKind::kClient);
  std::lock_guard<std::mutex> lock(mutex);
  REQUIRE(received.count("traceparent") == 1);
  const std::string traceparent = received.find("traceparent")->second;
  CHECK(std::regex_match(traceparent,
                         std::regex("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]")));
  CHECK(traceparent == "00-" + client_span.trace_id.to_hex() + "-" +
                           client_span.span_id.to_hex() + "-01");
  CHECK(client_span.trace_id == remote_parent.trace_id());
  REQUIRE(received.count("tracestate") == 1);
  CHECK(received.find("tracestate")->second == "congo=t61rcWkgMzE");
  REQUIRE(received.count("baggage") == 1);
  CHECK(received.find("baggage")->second == "tenant=acme");
}

TEST_CASE("status codes map to span status as the HTTP conventions say",
          "[instrumentation_httplib]") {
  struct Row {
    int line;
    int status;
    StatusCode server_status;
    std::string server_error_type;
    StatusCode client_status;
    std::string client_error_type;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, 200, StatusCode::kUnset, "<absent>", StatusCode::kUnset,
       "<absent>"},
      {__LINE__, 404, StatusCode::kUnset, "<absent>", StatusCode::kError,
       "404"},
      {__LINE__, 500, StatusCode::kError, "500", StatusCode::kError, "500"},
      {__LINE__, 503, StatusCode::kError, "503", StatusCode::kError, "503"},
  }));
  CAPTURE(row.line, row.status);

  TracedService service;
  service.routes.Get("/status",
                     [&](const httplib::Request&, httplib::Response& response) {
                       response.status = row.status;
                     });
  service.start();
  Client client(service.origin());
  const httplib::Result result = client.Get("/status");
  REQUIRE(result);
  CHECK(result->status == row.status);

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  const auto& server = one_span_of_kind(spans, SpanKind::kServer);
  const auto& client_span = one_span_of_kind(spans, SpanKind::kClient);
  CHECK(int_attribute(server.attributes, "http.response.status_code") ==
        row.status);
  CHECK(server.status_code == row.server_status);
  CHECK(text_attribute(server.attributes, "error.type") ==
        row.server_error_type);
  CHECK(int_attribute(client_span.attributes, "http.response.status_code") ==
        row.status);
  CHECK(client_span.status_code == row.client_status);
  CHECK(text_attribute(client_span.attributes, "error.type") ==
        row.client_error_type);
}

TEST_CASE(
    "a handler that throws ends its span as an error and the server keeps "
    "answering",
    "[instrumentation_httplib]") {
  TracedService service;
  service.routes.Get("/fails", [](const httplib::Request&, httplib::Response&) {
    throw std::runtime_error("inventory unavailable");
  });
  service.routes.Get("/works", answer_ok);
  service.start();

  httplib::Client plain(service.origin());
  const httplib::Result failed = plain.Get("/fails");
  REQUIRE(failed);
  CHECK(failed->status == 500);

  const auto span = service.sdk.take_one();
  CHECK(span->name == "GET /fails");
  CHECK(span->status_code == StatusCode::kError);
  CHECK(span->status_description == "inventory unavailable");
  CHECK(text_attribute(span->attributes, "error.type") == "std::runtime_error");
  CHECK(int_attribute(span->attributes, "http.response.status_code") == 500);
  REQUIRE(span->events.size() == 1);
  const auto& event = *span->events.begin();
  CHECK(event.name == "exception");
  CHECK(text_attribute(event.attributes, "exception.type") ==
        "std::runtime_error");
  CHECK(text_attribute(event.attributes, "exception.message") ==
        "inventory unavailable");

  const httplib::Result next = plain.Get("/works");
  REQUIRE(next);
  CHECK(next->status == 200);
  CHECK(service.sdk.take_one()->status_code == StatusCode::kUnset);
}

TEST_CASE("a request without trace headers starts a new trace",
          "[instrumentation_httplib]") {
  TracedService service;
  service.routes.Get("/orders", answer_ok);
  service.start();

  httplib::Client plain(service.origin());
  REQUIRE(plain.Get("/orders"));
  REQUIRE(plain.Get("/orders"));

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  REQUIRE(spans.size() == 2);
  for (const auto& span : spans) {
    CHECK(span->trace_id.is_valid());
    CHECK_FALSE(span->parent_span_id.is_valid());
    CHECK(span->kind == SpanKind::kServer);
  }
  CHECK(spans[0]->trace_id != spans[1]->trace_id);
}

TEST_CASE("a path that matches no route answers 404 and starts no span",
          "[instrumentation_httplib]") {
  TracedService service;
  service.routes.Get(R"(/orders/(\d+))", answer_ok, "/orders/{id}");
  service.start();

  httplib::Client plain(service.origin());
  const httplib::Result result = plain.Get("/orders/not-a-number");
  REQUIRE(result);
  CHECK(result->status == 404);
  CHECK(service.sdk.take_all().empty());
}

TEST_CASE(
    "the handler sees its server span as the current span, with the "
    "caller's baggage",
    "[instrumentation_httplib]") {
  TracedService service;
  std::mutex mutex;
  weft::SpanContext seen;
  std::optional<std::string> tenant;
  service.routes.Get("/current",
                     [&](const httplib::Request&, httplib::Response& response) {
                       std::lock_guard<std::mutex> lock(mutex);
                       seen = weft::current_span().context();
                       tenant = weft::baggage::get("tenant");
                       response.status = 204;
                     });
  service.start();

  {
    weft::Scope scope(
        weft::baggage::set(weft::Context::current(), "tenant", "acme"));
    Client client(service.origin());
    REQUIRE(client.Get("/current"));
  }

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  const auto& server = one_span_of_kind(spans, SpanKind::kServer);
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(seen.span_id() == server.span_id);
  CHECK(seen.trace_id() == server.trace_id);
  CHECK(tenant == "acme");
  // The worker thread's context is closed again after the handler.
  CHECK_FALSE(weft::current_span().context().is_valid());
}

TEST_CASE("requests from several threads at once each get their own spans",
          "[instrumentation_httplib]") {
  TracedService service;
  std::mutex mutex;
  std::vector<weft::SpanId> seen_in_handlers;
  service.routes.Get(R"(/items/(\d+))",
                     [&](const httplib::Request&, httplib::Response& response) {
                       const weft::SpanId id =
                           weft::current_span().context().span_id();
                       std::lock_guard<std::mutex> lock(mutex);
                       seen_in_handlers.push_back(id);
                       response.set_content("ok", "text/plain");
                     },
                     "/items/{n}");
  service.start();

  // One request first, on this thread: httplib's client initializes its
  // function-local static regexes inside the uninstrumented library, where
  // TSan cannot see the guard that publishes them to later threads.
  {
    Client warm_up(service.origin());
    REQUIRE(warm_up.Get("/items/0"));
    service.sdk.take_all();
    std::lock_guard<std::mutex> lock(mutex);
    seen_in_handlers.clear();
  }
  constexpr int kThreads = 4;
  constexpr int kRequestsEach = 20;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client(service.origin());
      for (int i = 0; i < kRequestsEach; ++i) {
        const httplib::Result result =
            client.Get("/items/" + std::to_string(t * 100 + i));
        if (!result || result->status != 200) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int failed : failures) CHECK(failed == 0);

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  const auto servers = weft::testing::spans_of_kind(spans, SpanKind::kServer);
  const auto clients = weft::testing::spans_of_kind(spans, SpanKind::kClient);
  REQUIRE(servers.size() == kThreads * kRequestsEach);
  REQUIRE(clients.size() == kThreads * kRequestsEach);

  std::set<weft::SpanId> client_ids;
  for (const auto* client : clients) client_ids.insert(client->span_id);
  std::set<weft::SpanId> server_ids;
  std::set<weft::SpanId> parents;
  for (const auto* server : servers) {
    server_ids.insert(server->span_id);
    parents.insert(server->parent_span_id);
    CHECK(server->name == "GET /items/{n}");
  }
  CHECK(parents == client_ids);  // each client span parents one server span
  CHECK(server_ids.size() == servers.size());
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(std::set<weft::SpanId>(seen_in_handlers.begin(),
                               seen_in_handlers.end()) == server_ids);
}

TEST_CASE("a client call to a closed port ends its span as an error",
          "[instrumentation_httplib]") {
  TracedService service;
  // A port that was free a moment ago and that nobody listens on.
  int closed_port = -1;
  {
    const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(socket >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    REQUIRE(::bind(socket, reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::getsockname(socket, reinterpret_cast<sockaddr*>(&address),
                          &size) == 0);
    closed_port = ntohs(address.sin_port);
    ::close(socket);
  }
  Client client("http://127.0.0.1:" + std::to_string(closed_port));
  client.http().set_connection_timeout(std::chrono::seconds(5));
  const httplib::Result result = client.Get("/orders");
  REQUIRE_FALSE(result);
  CHECK(result.error() == httplib::Error::Connection);

  const auto span = service.sdk.take_one();
  CHECK(span->kind == SpanKind::kClient);
  CHECK(span->status_code == StatusCode::kError);
  CHECK(text_attribute(span->attributes, "error.type") == "Connection");
  CHECK(int_attribute(span->attributes, "http.response.status_code") == -1);
  CHECK(int_attribute(span->attributes, "server.port") == closed_port);
}

TEST_CASE(
    "traced() wraps handlers registered by other means, including those "
    "that read the body as it arrives",
    "[instrumentation_httplib]") {
  TracedService service;
  service.server.Get(
      "/health", weft::instrumentation::httplib::traced("/health", answer_ok));
  std::string uploaded;
  service.routes.Post("/upload",
                      [&](const httplib::Request&, httplib::Response& response,
                          const httplib::ContentReader& reader) {
                        reader([&](const char* data, std::size_t size) {
                          uploaded.append(data, size);
                          return true;
                        });
                        response.status = 201;
                      });
  service.start();

  Client client(service.origin());
  REQUIRE(client.Get("/health"));
  const httplib::Result posted =
      client.Post("/upload", "order 7", "text/plain");
  REQUIRE(posted);
  CHECK(posted->status == 201);
  CHECK(uploaded == "order 7");

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  const auto servers = weft::testing::spans_of_kind(spans, SpanKind::kServer);
  REQUIRE(servers.size() == 2);
  CHECK(servers[0]->name == "GET /health");
  CHECK(servers[1]->name == "POST /upload");
  CHECK(int_attribute(servers[1]->attributes, "http.response.status_code") ==
        201);
}

}  // namespace

namespace {

TEST_CASE(
    "a handler that throws something other than a std::exception ends its "
    "span as an error of type _OTHER",
    "[instrumentation_httplib]") {
  TracedService service;
  service.routes.Get(
      "/odd", [](const httplib::Request&, httplib::Response&) { throw 42; });
  service.start();

  httplib::Client plain(service.origin());
  const httplib::Result result = plain.Get("/odd");
  REQUIRE(result);
  CHECK(result->status == 500);
  const auto span = service.sdk.take_one();
  CHECK(span->status_code == StatusCode::kError);
  CHECK(text_attribute(span->attributes, "error.type") == "_OTHER");
  CHECK(span->events.size() == 1);
}

TEST_CASE(
    "without an SDK the instrumentation records nothing and the caller's "
    "context still reaches the handler",
    "[instrumentation_httplib]") {
  TracedService service;
  weft::set_tracer_provider(nullptr);  // as if the application installed none
  std::mutex mutex;
  weft::SpanContext seen;
  service.routes.Get("/orders",
                     [&](const httplib::Request&, httplib::Response& response) {
                       std::lock_guard<std::mutex> lock(mutex);
                       seen = weft::current_span().context();
                       response.set_content("ok", "text/plain");
                     });
  service.start();

  httplib::Client plain(service.origin());
  REQUIRE(
      plain.Get("/orders",
                {{"traceparent",
                  "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}));
  CHECK(service.sdk.take_all().empty());
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(seen.trace_id().to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(seen.span_id().to_hex() == "00f067aa0ba902b7");
}

}  // namespace
