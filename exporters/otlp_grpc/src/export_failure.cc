#include "export_failure.h"

#include <algorithm>
#include <cctype>

#include "retry_policy.h"

namespace weft::otlp {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     }) != text.end();
}

// What gRPC 1.5x says when it could not connect, e.g. "failed to connect
// to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:4317: Ssl handshake
// failed: SSL_ERROR_SSL: ...: certificate verify failed" or "DNS resolution
// failed for collector:4317: ...".
ExportFailure connection_failure(std::string_view message) {
  if (contains(message, "handshake") || contains(message, "ssl") ||
      contains(message, "tls") || contains(message, "certificate")) {
    std::string what = "TLS failure (certificate or handshake)";
    if (contains(message, "certificate verify failed")) {
      what +=
          ", the collector's certificate is not trusted (check "
          "OTEL_EXPORTER_OTLP_CERTIFICATE)";
    } else if (contains(message, "wrong version number")) {
      what +=
          ", the collector does not speak TLS (a plaintext endpoint "
          "needs http://)";
    }
    return {FailureKind::kTls, what};
  }
  if (contains(message, "dns resolution failed")) {
    return {FailureKind::kUnreachable,
            "cannot connect to the collector: its host name does not "
            "resolve"};
  }
  if (contains(message, "connection refused")) {
    return {FailureKind::kUnreachable,
            "cannot connect to the collector: connection refused (is it "
            "running, on this port?)"};
  }
  if (contains(message, "failed parsing http/2")) {
    return {FailureKind::kUnreachable,
            "cannot connect to the collector: it does not speak plaintext "
            "gRPC (a TLS endpoint needs https://)"};
  }
  return {FailureKind::kUnreachable,
          "cannot connect to the collector (unreachable, refusing or "
          "unknown host)"};
}

}  // namespace

ExportFailure describe_failure(const grpc::Status& status, bool connected) {
  ExportFailure failure;
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      if (!connected || contains(message, "failed to connect") ||
          contains(message, "dns resolution failed") ||
          contains(message, "handshake")) {
        failure = connection_failure(message);
      } else {
        failure = {FailureKind::kRejected,
                   "the collector is unavailable (it answered)"};
      }
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      failure = {FailureKind::kTimeout,
                 "timed out: no answer from the collector in time"};
      break;
    default:
      failure = {FailureKind::kRejected, "the collector rejected the export"};
      break;
  }
  failure.description.append(": ").append(
      status_code_name(status.error_code()));
  if (!message.empty()) failure.description.append(": ").append(message);
  return failure;
}

}  // namespace weft::otlp
