// The server side of weft's httplib instrumentation: traced() and Routes.
#include <exception>
#include <string>
#include <utility>

#include "http_semantics.h"
#include "weft/context.h"
#include "weft/instrumentation/httplib.h"
#include "weft/span.h"

namespace weft::instrumentation::httplib {
namespace detail {

// One route's tracing: the route and the tracer, shared by the copies of
// the wrapped handler that httplib keeps. Read-only once built.
class ServerTracing {
 public:
  explicit ServerTracing(TracingOptions options)
      : tracing_(std::move(options)) {}

  // Runs `call` (the handler) in a SERVER span for `request`, current on
  // this thread; ends the span with the answer's status. An exception from
  // the handler ends the span as an error and is rethrown to httplib.
  template <class Call>
  void handle(const std::string& route, const ::httplib::Request& request,
              ::httplib::Response& response, Call&& call) const {
    ScopedSpan span = start(route, request);
    try {
      call();
    } catch (const std::exception& error) {
      end_with_exception(span.span(), exception_type_name(error), error.what());
      throw;
    } catch (...) {
      end_with_exception(span.span(), std::string(kOtherError),
                         "an exception that is not a std::exception");
      throw;
    }
    end_with_status(span.span(), answered_status(request, response));
  }

 private:
  ScopedSpan start(const std::string& route,
                   const ::httplib::Request& request) const {
    const Context parent =
        tracing_.propagator()->extract(HeaderReader(request.headers));
    const bool known = is_known_method(request.method);
    const std::string_view method =
        known ? std::string_view(request.method) : std::string_view("_OTHER");
    std::string name(known ? std::string_view(request.method)
                           : std::string_view("HTTP"));
    name.append(1, ' ').append(route);

    const auto host_header = request.headers.find("Host");
    const HostPort host =
        split_host_port(host_header != request.headers.end()
                            ? std::string_view(host_header->second)
                            : std::string_view(request.local_addr));
    const auto user_agent = request.headers.find("User-Agent");
    const std::string_view version = protocol_version(request.version);

    // At most 12; the unused tail is never passed on.
    const KeyValue unused{{}, false};
    KeyValue attributes[12] = {
        {kRequestMethod, method},
        {kUrlPath, request.path},
        {kUrlScheme, scheme(request)},
        {kRoute, route},
        {kServerAddress, host.host},
        {kClientAddress, request.remote_addr},
        {kPeerAddress, request.remote_addr},
        {kPeerPort, request.remote_port},
        unused,
        unused,
        unused,
        unused,
    };
    std::size_t count = 8;
    if (host.port) attributes[count++] = {kServerPort, *host.port};
    if (!version.empty()) attributes[count++] = {kProtocolVersion, version};
    if (user_agent != request.headers.end()) {
      attributes[count++] = {kUserAgent, user_agent->second};
    }
    if (!known) attributes[count++] = {kRequestMethodOriginal, request.method};
    return tracing_.tracer().start_scoped_span(
        name,
        StartSpanOptions{}.with_parent(parent).with_kind(SpanKind::kServer),
        Attributes(attributes, count));
  }

  static std::string_view scheme(const ::httplib::Request& request) noexcept {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    if (request.ssl != nullptr) return "https";
#endif
    (void)request;
    return "http";
  }

  // The status httplib sends for what the handler left in `response`.
  static int answered_status(const ::httplib::Request& request,
                             const ::httplib::Response& response) noexcept {
    if (response.status != -1) return response.status;
    return request.ranges.empty() ? 200 : 206;
  }

  static void end_with_status(Span& span, int status) {
    span.set_attribute(kResponseStatusCode, status);
    if (is_server_error(status)) {
      span.set_attribute(kErrorType, std::to_string(status));
      span.set_status(StatusCode::kError);
    }
    span.end();
  }

  // httplib answers 500 for a handler that throws (unless the server's
  // exception handler answers otherwise, after the span has ended).
  static void end_with_exception(Span& span, const std::string& type,
                                 std::string_view message) {
    span.record_exception(type, message);
    span.set_attribute(kResponseStatusCode, 500);
    span.set_attribute(kErrorType, type);
    span.set_status(StatusCode::kError, message);
    span.end();
  }

  Tracing tracing_;
};

namespace {

::httplib::Server::Handler wrap(std::shared_ptr<const ServerTracing> tracing,
                                std::string route,
                                ::httplib::Server::Handler handler) {
  return [tracing = std::move(tracing), route = std::move(route),
          handler = std::move(handler)](const ::httplib::Request& request,
                                        ::httplib::Response& response) {
    tracing->handle(route, request, response,
                    [&] { handler(request, response); });
  };
}

::httplib::Server::HandlerWithContentReader wrap(
    std::shared_ptr<const ServerTracing> tracing, std::string route,
    ::httplib::Server::HandlerWithContentReader handler) {
  return [tracing = std::move(tracing), route = std::move(route),
          handler = std::move(handler)](
             const ::httplib::Request& request, ::httplib::Response& response,
             const ::httplib::ContentReader& reader) {
    tracing->handle(route, request, response,
                    [&] { handler(request, response, reader); });
  };
}

}  // namespace
}  // namespace detail

::httplib::Server::Handler traced(std::string route,
                                  ::httplib::Server::Handler handler,
                                  TracingOptions options) {
  return detail::wrap(
      std::make_shared<const detail::ServerTracing>(std::move(options)),
      std::move(route), std::move(handler));
}

::httplib::Server::HandlerWithContentReader traced(
    std::string route, ::httplib::Server::HandlerWithContentReader handler,
    TracingOptions options) {
  return detail::wrap(
      std::make_shared<const detail::ServerTracing>(std::move(options)),
      std::move(route), std::move(handler));
}

Routes::Routes(::httplib::Server& server, TracingOptions options)
    : server_(server),
      tracing_(
          std::make_shared<const detail::ServerTracing>(std::move(options))) {}

Routes::~Routes() = default;

namespace {
std::string route_or_pattern(std::string route, const std::string& pattern) {
  return route.empty() ? pattern : std::move(route);
}
}  // namespace

#define WEFT_HTTPLIB_ROUTE(Method, HandlerType)                             \
  Routes& Routes::Method(const std::string& pattern, HandlerType handler,   \
                         std::string route) {                               \
    server_.Method(                                                         \
        pattern,                                                            \
        detail::wrap(tracing_, route_or_pattern(std::move(route), pattern), \
                     std::move(handler)));                                  \
    return *this;                                                           \
  }

WEFT_HTTPLIB_ROUTE(Get, Handler)
WEFT_HTTPLIB_ROUTE(Post, Handler)
WEFT_HTTPLIB_ROUTE(Post, HandlerWithContentReader)
WEFT_HTTPLIB_ROUTE(Put, Handler)
WEFT_HTTPLIB_ROUTE(Put, HandlerWithContentReader)
WEFT_HTTPLIB_ROUTE(Patch, Handler)
WEFT_HTTPLIB_ROUTE(Patch, HandlerWithContentReader)
WEFT_HTTPLIB_ROUTE(Delete, Handler)
WEFT_HTTPLIB_ROUTE(Delete, HandlerWithContentReader)
WEFT_HTTPLIB_ROUTE(Options, Handler)

#undef WEFT_HTTPLIB_ROUTE

}  // namespace weft::instrumentation::httplib
