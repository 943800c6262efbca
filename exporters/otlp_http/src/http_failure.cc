#include "http_failure.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace weft::otlp {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     }) != text.end();
}

HttpFailure unreachable(const std::string& error) {
  if (contains(error, "resolve")) {
    return {HttpFailureKind::kUnreachable,
            "cannot connect to the collector: its host name does not "
            "resolve"};
  }
  if (contains(error, "refused")) {
    return {HttpFailureKind::kUnreachable,
            "cannot connect to the collector: connection refused (is it "
            "running, on this port?)"};
  }
  return {HttpFailureKind::kUnreachable,
          "cannot connect to the collector (unreachable, refusing or unknown "
          "host)"};
}

HttpFailure tls(const std::string& error) {
  std::string what = "TLS failure (certificate or handshake)";
  if (contains(error, "certificate problem") ||
      contains(error, "certificate verify failed")) {
    what +=
        ", the collector's certificate is not trusted (check "
        "OTEL_EXPORTER_OTLP_CERTIFICATE)";
  } else if (contains(error, "wrong version number") ||
             contains(error, "packet length too long")) {
    what +=
        ", the collector does not speak TLS (a plaintext endpoint needs "
        "http://)";
  } else if (contains(error, "certificate required") ||
             contains(error, "handshake failure") ||
             contains(error, "client cert")) {
    what +=
        ", the collector refused the handshake (does it require a client "
        "certificate? OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and _KEY)";
  } else {
    what +=
        ", the connection broke during or right after the handshake (does "
        "the collector speak TLS on this port? a plaintext endpoint needs "
        "http://; does it require a client certificate? "
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and _KEY)";
  }
  return {HttpFailureKind::kTls, what};
}

HttpFailure rejected(const HttpResponse& response,
                     BodyEncoding request_encoding) {
  std::string what =
      "the collector answered HTTP " + std::to_string(response.status);
  if (const char* reason = reason_phrase(response.status); *reason != '\0') {
    what.append(" ").append(reason);
  }
  if (response.status == 404) {
    what +=
        " (check the endpoint's path: OTEL_EXPORTER_OTLP_ENDPOINT gets "
        "/v1/traces appended, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as "
        "it is)";
  } else if (response.status == 415) {
    what +=
        " (it does not take this encoding: try OTEL_EXPORTER_OTLP_PROTOCOL="
        "http/protobuf or http/json)";
  } else if (response.status == 401 || response.status == 403) {
    what += " (check OTEL_EXPORTER_OTLP_HEADERS, e.g. an API key)";
  }
  const std::string excerpt = failure_body_excerpt(
      response.body, body_encoding(response.content_type, request_encoding));
  if (!excerpt.empty()) what.append(": ").append(excerpt);
  return {HttpFailureKind::kRejected, what};
}

}  // namespace

HttpFailure describe_failure(const HttpResponse& response,
                             BodyEncoding request_encoding) {
  using Outcome = HttpResponse::Outcome;
  HttpFailure failure{HttpFailureKind::kRejected, {}};
  switch (response.outcome) {
    case Outcome::kAnswered:
      return rejected(response, request_encoding);
    case Outcome::kCannotConnect:
      failure = unreachable(response.error);
      break;
    case Outcome::kTls:
      failure = tls(response.error);
      break;
    case Outcome::kTimeout:
      failure = {HttpFailureKind::kTimeout,
                 "timed out: no answer from the collector in time"};
      break;
    case Outcome::kAborted:
      return {HttpFailureKind::kAborted,
              "cancelled by the exporter's shutdown"};
    case Outcome::kConnectionLost:
      if (contains(response.error, "HTTP/0.9") ||
          contains(response.error, "unsupported protocol")) {
        failure = {HttpFailureKind::kUnreachable,
                   "the collector did not answer in HTTP/1.1 (an OTLP/gRPC "
                   "port, e.g. 4317, needs OTEL_EXPORTER_OTLP_PROTOCOL=grpc; "
                   "a TLS endpoint needs https://)"};
      } else {
        failure = {HttpFailureKind::kUnreachable,
                   "the connection to the collector broke before its answer"};
      }
      break;
  }
  if (!response.error.empty()) {
    failure.description.append(": ").append(response.error);
  }
  return failure;
}

const char* reason_phrase(long status) noexcept {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace weft::otlp
