// What the httplib server and client instrumentation share: OpenTelemetry's
// HTTP semantic-convention names and rules (which methods are known, which
// status codes are errors), host:port splitting, the header carrier, and
// the tracer and propagator that TracingOptions select.
//
// Stateless functions and a read-only view: thread-safe.
#pragma once

#include <httplib.h>

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "weft/instrumentation/httplib.h"
#include "weft/propagation.h"
#include "weft/tracer.h"

namespace weft::instrumentation::httplib::detail {

// Attribute names (OpenTelemetry semantic conventions, HTTP, stable).
inline constexpr std::string_view kRequestMethod = "http.request.method";
inline constexpr std::string_view kRequestMethodOriginal =
    "http.request.method_original";
inline constexpr std::string_view kResponseStatusCode =
    "http.response.status_code";
inline constexpr std::string_view kRoute = "http.route";
inline constexpr std::string_view kUrlPath = "url.path";
inline constexpr std::string_view kUrlScheme = "url.scheme";
inline constexpr std::string_view kUrlFull = "url.full";
inline constexpr std::string_view kServerAddress = "server.address";
inline constexpr std::string_view kServerPort = "server.port";
inline constexpr std::string_view kClientAddress = "client.address";
inline constexpr std::string_view kPeerAddress = "network.peer.address";
inline constexpr std::string_view kPeerPort = "network.peer.port";
inline constexpr std::string_view kProtocolVersion = "network.protocol.version";
inline constexpr std::string_view kUserAgent = "user_agent.original";
inline constexpr std::string_view kErrorType = "error.type";
// error.type when nothing better is known.
inline constexpr std::string_view kOtherError = "_OTHER";

// True for the methods of RFC 9110 and PATCH (RFC 5789), the ones the
// conventions name; others are recorded as "_OTHER".
bool is_known_method(std::string_view method) noexcept;

// Server spans: only 5xx is an error (a 4xx is the client's mistake).
constexpr bool is_server_error(int status) noexcept {
  return status >= 500 || status < 100;
}
// Client spans: 4xx and 5xx are errors.
constexpr bool is_client_error(int status) noexcept {
  return status >= 400 || status < 100;
}

struct HostPort {
  std::string_view host;    // without IPv6 brackets
  std::optional<int> port;  // when given
};
// Splits "host", "host:port", "[v6]" or "[v6]:port"; a port that is not a
// number from 1 to 65535 is left out.
HostPort split_host_port(std::string_view text) noexcept;

// "1.1" from "HTTP/1.1"; empty when `version` has no such form.
std::string_view protocol_version(std::string_view version) noexcept;

// The demangled type name of the exception being handled ("_OTHER" when it
// is not a std::exception).
std::string exception_type_name(const std::exception& error);

// `baggage` as its sender wrote it, as far as that can be known, from the
// value httplib gives a handler: httplib before 0.44 percent-decodes every
// request header value (cpp-httplib issue #1789), so "DF%2028" arrives as
// "DF 28", which is not a valid baggage value and would be dropped. Bytes
// that a baggage value cannot hold (space, '"', '\\', controls, non-ASCII)
// inside a value are encoded again; OWS around members stays as it is.
// Decoded ',', ';', '=' and '%' cannot be told from the header's own and
// stay as they are. A header httplib did not decode is returned unchanged.
std::string reencode_baggage(std::string_view decoded);

// Reads httplib's headers with their own case-insensitive lookup, every
// value of a repeated header in the order received (`baggage` repaired with
// reencode_baggage).
class HeaderReader final : public CarrierReader {
 public:
  explicit HeaderReader(const ::httplib::Headers& headers) noexcept
      : headers_(headers) {}
  void get_all(std::string_view key, ValueSink sink) const override;

 private:
  const ::httplib::Headers& headers_;
};

// The tracer and propagator TracingOptions select: the ones given, or the
// global tracer (resolved once: it follows the installed provider anyway)
// and the global propagator (looked up per request).
class Tracing {
 public:
  explicit Tracing(TracingOptions options);

  Tracer& tracer() const noexcept { return *tracer_; }
  std::shared_ptr<const TextMapPropagator> propagator() const noexcept {
    return propagator_ ? propagator_ : global_propagator();
  }

 private:
  std::shared_ptr<Tracer> tracer_;
  std::shared_ptr<const TextMapPropagator> propagator_;
};

}  // namespace weft::instrumentation::httplib::detail
