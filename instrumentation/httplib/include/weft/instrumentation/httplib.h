// weft's instrumentation for cpp-httplib (0.11 and later): a SERVER span per
// request a server handles, a CLIENT span per request a client sends, and
// the context carried between them in the request headers (traceparent,
// tracestate, baggage: whatever the propagator writes).
//
//   httplib::Server server;
//   weft::instrumentation::httplib::Routes routes(server);
//   routes.Get(R"(/orders/(\d+))", get_order, "/orders/{id}");
//
//   weft::instrumentation::httplib::Client orders("http://127.0.0.1:8080");
//   httplib::Result answer = orders.Get("/orders/7");
//
// Server side: Routes registers handlers on an httplib::Server like the
// server's own Get/Post/... and wraps each one, because httplib does not
// tell a handler (or a pre-routing hook) which pattern matched: the
// registration is the one place that knows the route, so the span is named
// there ("GET /orders/{id}"), and a path that matches no route (httplib's
// 404) starts no span. The wrapper extracts the caller's context, makes the
// span current while the handler runs on httplib's worker thread, records
// OpenTelemetry's HTTP server attributes and ends the span with the status:
// 5xx is an error, 4xx is not (the client's mistake). A handler that throws
// ends its span as an error with the exception recorded (an `exception`
// event; error.type is the exception's type), and the exception goes on to
// httplib, which answers 500 (or what the server's exception handler sets).
// traced() is the same wrapper for handlers registered by other means.
//
// Client side: Client sends through an httplib::Client (its own, or one the
// application lends) in a CLIENT span named by the method, with the current
// context injected; 4xx and 5xx answers end the span as an error, and so
// does a request that gets no answer (error.type is httplib's error name,
// e.g. "Connection").
//
// Spans come from weft::tracer("weft.instrumentation.httplib"), which
// follows the provider the application installs, and the context crosses
// with weft::global_propagator() (looked up per request, so both may be
// installed after the routes are registered), unless TracingOptions names
// others. Without an SDK installed everything works and records nothing.
//
// Thread-safety: Routes registers on one thread (before the server
// listens); the handlers it installs run on any number of httplib's threads
// at once. Client is as thread-safe as the httplib::Client it sends with
// (httplib sends one request at a time per client).
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include "weft/propagation.h"
#include "weft/tracer.h"

namespace weft::instrumentation::httplib {

// The instrumentation scope of the spans (and the tracer's name).
inline constexpr std::string_view kInstrumentationName =
    "weft.instrumentation.httplib";

struct TracingOptions {
  // Starts the spans; null: weft::tracer(kInstrumentationName), which
  // follows the global provider.
  std::shared_ptr<Tracer> tracer;
  // Reads and writes the headers; null: weft::global_propagator() at each
  // request.
  std::shared_ptr<const TextMapPropagator> propagator;
};

namespace detail {
class ServerTracing;
class Tracing;
}  // namespace detail

// `handler` wrapped to run in a SERVER span named "METHOD route"; `route`
// is the low-cardinality path template recorded as http.route (such as
// "/orders/{id}"). Register the result for the route's pattern.
::httplib::Server::Handler traced(std::string route,
                                  ::httplib::Server::Handler handler,
                                  TracingOptions options = {});
::httplib::Server::HandlerWithContentReader traced(
    std::string route, ::httplib::Server::HandlerWithContentReader handler,
    TracingOptions options = {});

// Registers traced handlers on an httplib::Server. Each method takes
// httplib's regular-expression `pattern` and handler, and optionally the
// route to record; without one, http.route and the span name use the
// pattern itself (already low-cardinality: "/orders/(\d+)").
// Get also serves HEAD, as httplib does; the span then says HEAD.
class Routes {
 public:
  using Handler = ::httplib::Server::Handler;
  using HandlerWithContentReader = ::httplib::Server::HandlerWithContentReader;

  // `server` must outlive the handlers' registration (Routes keeps a
  // reference; the handlers themselves keep only what they need).
  explicit Routes(::httplib::Server& server, TracingOptions options = {});
  ~Routes();
  Routes(const Routes&) = delete;
  Routes& operator=(const Routes&) = delete;

  Routes& Get(const std::string& pattern, Handler handler,
              std::string route = {});
  Routes& Post(const std::string& pattern, Handler handler,
               std::string route = {});
  Routes& Post(const std::string& pattern, HandlerWithContentReader handler,
               std::string route = {});
  Routes& Put(const std::string& pattern, Handler handler,
              std::string route = {});
  Routes& Put(const std::string& pattern, HandlerWithContentReader handler,
              std::string route = {});
  Routes& Patch(const std::string& pattern, Handler handler,
                std::string route = {});
  Routes& Patch(const std::string& pattern, HandlerWithContentReader handler,
                std::string route = {});
  Routes& Delete(const std::string& pattern, Handler handler,
                 std::string route = {});
  Routes& Delete(const std::string& pattern, HandlerWithContentReader handler,
                 std::string route = {});
  Routes& Options(const std::string& pattern, Handler handler,
                  std::string route = {});

  // The server the routes are registered on (for everything else).
  ::httplib::Server& server() noexcept { return server_; }

 private:
  ::httplib::Server& server_;
  std::shared_ptr<const detail::ServerTracing> tracing_;
};

// Sends HTTP requests in CLIENT spans. The target ("http://host:port",
// "https://host", "host:port": what httplib::Client takes) is what the
// spans record as server.address, server.port and the origin of url.full.
class Client {
 public:
  // A client with its own httplib::Client for `scheme_host_port`.
  explicit Client(const std::string& scheme_host_port,
                  TracingOptions options = {});
  // A client that sends with `http` (which must outlive it, and talk to
  // `scheme_host_port`: httplib does not say where a client sends).
  Client(::httplib::Client& http, const std::string& scheme_host_port,
         TracingOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The httplib::Client it sends with: timeouts, authentication, ...
  ::httplib::Client& http() noexcept { return *http_; }

  ::httplib::Result Get(const std::string& path,
                        const ::httplib::Headers& headers = {});
  ::httplib::Result Delete(const std::string& path,
                           const ::httplib::Headers& headers = {});
  ::httplib::Result Post(const std::string& path, const std::string& body,
                         const std::string& content_type,
                         const ::httplib::Headers& headers = {});
  ::httplib::Result Put(const std::string& path, const std::string& body,
                        const std::string& content_type,
                        const ::httplib::Headers& headers = {});
  ::httplib::Result Patch(const std::string& path, const std::string& body,
                          const std::string& content_type,
                          const ::httplib::Headers& headers = {});
  // Any request (method, path, headers, body) built by the caller.
  ::httplib::Result send(::httplib::Request request);

 private:
  class Call;
  void set_target(const std::string& scheme_host_port);
  Call start(std::string_view method, const std::string& path,
             const ::httplib::Headers& headers);

  std::unique_ptr<::httplib::Client> owned_;
  ::httplib::Client* http_;
  std::shared_ptr<const detail::Tracing> tracing_;
  std::string origin_;  // scheme://host[:port], the start of url.full
  std::string host_;
  int port_ = 0;
};

}  // namespace weft::instrumentation::httplib
