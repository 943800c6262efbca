// The client side of weft's httplib instrumentation: Client.
#include <string>
#include <utility>

#include "http_semantics.h"
#include "weft/context.h"
#include "weft/instrumentation/httplib.h"
#include "weft/span.h"

namespace weft::instrumentation::httplib {

// One request being sent: its CLIENT span and the headers to send, which
// carry the span's context.
class Client::Call {
 public:
  Call(Span span, ::httplib::Headers headers_with_context)
      : headers(std::move(headers_with_context)), span_(std::move(span)) {}

  // Ends the span with what `result` says, and hands `result` on.
  ::httplib::Result finish(::httplib::Result result) {
    if (!result) {
      const std::string error = ::httplib::to_string(result.error());
      span_.set_attribute(detail::kErrorType, error);
      span_.set_status(StatusCode::kError, error);
    } else {
      const int status = result->status;
      span_.set_attribute(detail::kResponseStatusCode, status);
      if (detail::is_client_error(status)) {
        span_.set_attribute(detail::kErrorType, std::to_string(status));
        span_.set_status(StatusCode::kError);
      }
    }
    span_.end();
    return result;
  }

  ::httplib::Headers headers;

 private:
  Span span_;
};

namespace {

struct Target {
  std::string origin;  // scheme://host[:port] as given
  std::string host;
  int port = 80;
};

// Reads "[scheme://]host[:port]" the way httplib::Client does.
Target parse_target(const std::string& scheme_host_port) {
  std::string_view text(scheme_host_port);
  std::string_view scheme = "http";
  const std::size_t separator = text.find("://");
  if (separator != std::string_view::npos) {
    scheme = text.substr(0, separator);
    text.remove_prefix(separator + 3);
  }
  text = text.substr(0, text.find('/'));
  const detail::HostPort host_port = detail::split_host_port(text);
  Target target;
  target.host = std::string(host_port.host);
  target.port =
      host_port.port ? *host_port.port : (scheme == "https" ? 443 : 80);
  target.origin = std::string(scheme).append("://").append(text);
  return target;
}

}  // namespace

Client::Client(const std::string& scheme_host_port, TracingOptions options)
    : owned_(std::make_unique<::httplib::Client>(scheme_host_port)),
      http_(owned_.get()),
      tracing_(std::make_shared<const detail::Tracing>(std::move(options))) {
  set_target(scheme_host_port);
}

Client::Client(::httplib::Client& http, const std::string& scheme_host_port,
               TracingOptions options)
    : http_(&http),
      tracing_(std::make_shared<const detail::Tracing>(std::move(options))) {
  set_target(scheme_host_port);
}

void Client::set_target(const std::string& scheme_host_port) {
  Target target = parse_target(scheme_host_port);
  origin_ = std::move(target.origin);
  host_ = std::move(target.host);
  port_ = target.port;
}

Client::~Client() = default;

Client::Call Client::start(std::string_view method, const std::string& path,
                           const ::httplib::Headers& headers) {
  const bool known = detail::is_known_method(method);
  const std::string url = origin_ + path;
  const KeyValue unused{{}, false};
  const KeyValue attributes[] = {
      {detail::kRequestMethod, known ? method : std::string_view("_OTHER")},
      {detail::kServerAddress, host_},
      {detail::kServerPort, port_},
      {detail::kUrlFull, url},
      known ? unused : KeyValue{detail::kRequestMethodOriginal, method},
  };
  Span span = tracing_->tracer().start_span(
      known ? method : std::string_view("HTTP"),
      StartSpanOptions{}.with_kind(SpanKind::kClient),
      Attributes(attributes, known ? 4 : 5));
  ::httplib::Headers with_context = headers;
  tracing_->propagator()->inject(Context::current().with_span(span),
                                 with_context);
  return Call(std::move(span), std::move(with_context));
}

::httplib::Result Client::Get(const std::string& path,
                              const ::httplib::Headers& headers) {
  Call call = start("GET", path, headers);
  return call.finish(http_->Get(path, call.headers));
}

::httplib::Result Client::Delete(const std::string& path,
                                 const ::httplib::Headers& headers) {
  Call call = start("DELETE", path, headers);
  return call.finish(http_->Delete(path, call.headers));
}

::httplib::Result Client::Post(const std::string& path, const std::string& body,
                               const std::string& content_type,
                               const ::httplib::Headers& headers) {
  Call call = start("POST", path, headers);
  return call.finish(http_->Post(path, call.headers, body, content_type));
}

::httplib::Result Client::Put(const std::string& path, const std::string& body,
                              const std::string& content_type,
                              const ::httplib::Headers& headers) {
  Call call = start("PUT", path, headers);
  return call.finish(http_->Put(path, call.headers, body, content_type));
}

::httplib::Result Client::Patch(const std::string& path,
                                const std::string& body,
                                const std::string& content_type,
                                const ::httplib::Headers& headers) {
  Call call = start("PATCH", path, headers);
  return call.finish(http_->Patch(path, call.headers, body, content_type));
}

::httplib::Result Client::send(::httplib::Request request) {
  Call call = start(request.method, request.path, request.headers);
  request.headers = std::move(call.headers);
  return call.finish(http_->send(request));
}

}  // namespace weft::instrumentation::httplib
