// The one line a user reads when exports fail: what happened and what to
// check.
#include "http_failure.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

using weft::otlp::BodyEncoding;
using weft::otlp::HttpFailureKind;
using weft::otlp::HttpResponse;
using Outcome = HttpResponse::Outcome;

}  // namespace

TEST_CASE("each way an attempt fails is described with what to check",
          "[otlp_http][failure]") {
  const auto [line, outcome, status, error, kind, expected] = GENERATE(
      table<int, Outcome, long, std::string, HttpFailureKind, std::string>({
          {__LINE__, Outcome::kCannotConnect, 0,
           "Failed to connect to 127.0.0.1 port 9: Connection refused",
           HttpFailureKind::kUnreachable, "connection refused (is it running"},
          {__LINE__, Outcome::kCannotConnect, 0,
           "Could not resolve host: collector.invalid",
           HttpFailureKind::kUnreachable, "does not resolve"},
          {__LINE__, Outcome::kTls, 0,
           "SSL certificate problem: unable to get local issuer certificate",
           HttpFailureKind::kTls, "OTEL_EXPORTER_OTLP_CERTIFICATE"},
          {__LINE__, Outcome::kTls, 0,
           "error:0A00010B:SSL routines::wrong version number",
           HttpFailureKind::kTls, "needs http://"},
          {__LINE__, Outcome::kConnectionLost, 0,
           "Received HTTP/0.9 when not allowed", HttpFailureKind::kUnreachable,
           "OTEL_EXPORTER_OTLP_PROTOCOL=grpc"},
          {__LINE__, Outcome::kTimeout, 0, "", HttpFailureKind::kTimeout,
           "no answer from the collector in time"},
          {__LINE__, Outcome::kAnswered, 404, "", HttpFailureKind::kRejected,
           "HTTP 404 Not Found (check the endpoint's path"},
          {__LINE__, Outcome::kAnswered, 503, "", HttpFailureKind::kRejected,
           "HTTP 503 Service Unavailable: busy"},
      }));
  CAPTURE(line);
  HttpResponse response;
  response.outcome = outcome;
  response.status = status;
  response.error = error;
  if (status == 503) {
    response.body = "busy";
    response.content_type = "text/plain";
  }
  const auto failure =
      weft::otlp::describe_failure(response, BodyEncoding::kProtobuf);
  CHECK(failure.kind == kind);
  CHECK_THAT(failure.description, Catch::Contains(expected));
  if (!error.empty()) {
    CHECK_THAT(failure.description, Catch::Contains(error));
  }
}
