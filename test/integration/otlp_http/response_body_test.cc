// The collector's answer bodies: partial success and failure messages, in
// protobuf and OTLP/JSON.
#include "response_body.h"

#include <catch2/catch.hpp>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "weft/otlp/rpc_status.pb.h"

namespace {

using weft::otlp::BodyEncoding;
using weft::otlp::decode_partial_success;

std::string protobuf_partial_success(std::int64_t rejected,
                                     const std::string& message) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse
      response;
  response.mutable_partial_success()->set_rejected_spans(rejected);
  response.mutable_partial_success()->set_error_message(message);
  return response.SerializeAsString();
}

}  // namespace

TEST_CASE("a protobuf partial success is decoded", "[otlp_http][body]") {
  const auto partial = decode_partial_success(
      protobuf_partial_success(3, "too old"), BodyEncoding::kProtobuf);
  REQUIRE(partial.has_value());
  CHECK(partial->rejected_spans == 3);
  CHECK(partial->error_message == "too old");
}

TEST_CASE("an OTLP/JSON partial success is decoded in either spelling",
          "[otlp_http][body]") {
  const auto [line, body, rejected, message] =
      GENERATE(table<int, std::string, std::int64_t, std::string>({
          {__LINE__,
           R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad"}})",
           2, "bad"},
          {__LINE__, R"({"partialSuccess":{"rejectedSpans":5}})", 5, ""},
          {__LINE__,
           R"({"partial_success":{"rejected_spans":1,"error_message":"m"}})", 1,
           "m"},
          {__LINE__, R"({"partialSuccess":{"errorMessage":"warning only"}})", 0,
           "warning only"},
      }));
  CAPTURE(line, body);
  const auto partial = decode_partial_success(body, BodyEncoding::kJson);
  REQUIRE(partial.has_value());
  CHECK(partial->rejected_spans == rejected);
  CHECK(partial->error_message == message);
}

TEST_CASE(
    "a full success, an empty body or an undecodable one is no partial "
    "success",
    "[otlp_http][body]") {
  const auto [line, body, encoding] =
      GENERATE(table<int, std::string, BodyEncoding>({
          {__LINE__, "", BodyEncoding::kProtobuf},
          {__LINE__, "", BodyEncoding::kJson},
          {__LINE__, "{}", BodyEncoding::kJson},
          {__LINE__, R"({"partialSuccess":{}})", BodyEncoding::kJson},
          {__LINE__, "{not json", BodyEncoding::kJson},
          {__LINE__, "\xff\xff\xff", BodyEncoding::kProtobuf},
          {__LINE__, "ok", BodyEncoding::kOther},
      }));
  CAPTURE(line, body);
  CHECK_FALSE(decode_partial_success(body, encoding).has_value());
  CHECK_FALSE(decode_partial_success(protobuf_partial_success(0, ""),
                                     BodyEncoding::kProtobuf)
                  .has_value());
}

TEST_CASE("the encoding of an answer follows its Content-Type",
          "[otlp_http][body]") {
  const auto [line, content_type, expected] =
      GENERATE(table<int, std::string, BodyEncoding>({
          {__LINE__, "application/x-protobuf", BodyEncoding::kProtobuf},
          {__LINE__, "application/protobuf", BodyEncoding::kProtobuf},
          {__LINE__, "Application/JSON; charset=utf-8", BodyEncoding::kJson},
          {__LINE__, "text/plain", BodyEncoding::kOther},
          {__LINE__, "", BodyEncoding::kJson},  // the request's
      }));
  CAPTURE(line, content_type);
  CHECK(weft::otlp::body_encoding(content_type, BodyEncoding::kJson) ==
        expected);
}

TEST_CASE("a failure body is told by its Status message or its text",
          "[otlp_http][body]") {
  weft::otlp::rpc::Status status;
  status.set_code(3);
  status.set_message("span 7 has no name");
  CHECK(weft::otlp::failure_body_excerpt(status.SerializeAsString(),
                                         BodyEncoding::kProtobuf) ==
        "span 7 has no name");
  CHECK(weft::otlp::failure_body_excerpt(
            R"({"code":3,"message":"bad trace id"})", BodyEncoding::kJson) ==
        "bad trace id");
  CHECK(weft::otlp::failure_body_excerpt(
            "  quota exceeded\n", BodyEncoding::kOther) == "quota exceeded");
  CHECK(weft::otlp::failure_body_excerpt("", BodyEncoding::kOther).empty());
  // Bounded, whatever the collector sends.
  CHECK(weft::otlp::failure_body_excerpt(std::string(100000, 'x'),
                                         BodyEncoding::kOther)
            .size() < 300);
}
