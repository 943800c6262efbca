// gRPC status codes on the spans, as OpenTelemetry's semantic conventions
// say: rpc.grpc.status_code always; span status Error on the client for
// every code but OK, on the server only for UNKNOWN, DEADLINE_EXCEEDED,
// UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS; and a handler that
// throws neither crashes the server nor goes unnoticed.
#include <catch2/catch.hpp>

#include "grpc_test_support.h"

namespace weft::testing {

TEST_CASE("status codes set the client and server span status",
          "[instrumentation_grpc][no_tsan]") {
  struct Row {
    int line;
    grpc::StatusCode code;
    const char* name;
    bool server_error;
  };
  const Row row = GENERATE(
      Row{__LINE__, grpc::StatusCode::CANCELLED, "CANCELLED", false},
      Row{__LINE__, grpc::StatusCode::UNKNOWN, "UNKNOWN", true},
      Row{__LINE__, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT",
          false},
      Row{__LINE__, grpc::StatusCode::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED",
          true},
      Row{__LINE__, grpc::StatusCode::NOT_FOUND, "NOT_FOUND", false},
      Row{__LINE__, grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS", false},
      Row{__LINE__, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED",
          false},
      Row{__LINE__, grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED",
          false},
      Row{__LINE__, grpc::StatusCode::FAILED_PRECONDITION,
          "FAILED_PRECONDITION", false},
      Row{__LINE__, grpc::StatusCode::ABORTED, "ABORTED", false},
      Row{__LINE__, grpc::StatusCode::OUT_OF_RANGE, "OUT_OF_RANGE", false},
      Row{__LINE__, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", true},
      Row{__LINE__, grpc::StatusCode::INTERNAL, "INTERNAL", true},
      Row{__LINE__, grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE", true},
      Row{__LINE__, grpc::StatusCode::DATA_LOSS, "DATA_LOSS", true},
      Row{__LINE__, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED",
          false});
  CAPTURE(row.line, row.name);
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.traced_channel());
  grpc::ClientContext context;
  weft::test::EchoReply reply;
  auto request = echo_request("status");
  request.set_status_code(static_cast<int>(row.code));
  CHECK(stub->Say(&context, request, &reply).error_code() == row.code);

  const sdk::SpanBatch spans = fixture.take_spans(2);
  const sdk::SpanData* client = find_kind(spans, SpanKind::kClient);
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(client != nullptr);
  REQUIRE(server != nullptr);
  CHECK(int_attribute(*client, "rpc.grpc.status_code") ==
        static_cast<int>(row.code));
  CHECK(int_attribute(*server, "rpc.grpc.status_code") ==
        static_cast<int>(row.code));
  CHECK(client->status_code == StatusCode::kError);
  CHECK(client->status_description == row.name);
  if (row.server_error) {
    CHECK(server->status_code == StatusCode::kError);
    CHECK(server->status_description == row.name);
  } else {
    CHECK(server->status_code == StatusCode::kUnset);
  }
}

TEST_CASE(
    "a handler that throws marks the server span as error and the server "
    "keeps serving",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto channel = fixture.traced_channel();
  auto throwing = echo_request("boom");
  throwing.set_throw_exception(true);
  weft::test::EchoReply reply;
  // gRPC 1.51 catches the exception: a sync method's becomes UNKNOWN
  // ("Unexpected error in RPC handling"), a callback method's UNIMPLEMENTED (no
  // reactor).
  grpc::StatusCode failed_with{};

  SECTION("a sync service") {
    failed_with = grpc::StatusCode::UNKNOWN;
    auto stub = weft::test::Echo::NewStub(channel);
    grpc::ClientContext failing;
    CHECK(stub->Say(&failing, throwing, &reply).error_code() == failed_with);
    grpc::ClientContext next;
    CHECK(stub->Say(&next, echo_request("still here"), &reply).ok());
  }
  SECTION("a callback service") {
    failed_with = grpc::StatusCode::UNIMPLEMENTED;
    auto stub = weft::test::CallbackEcho::NewStub(channel);
    grpc::ClientContext failing;
    CHECK(stub->Say(&failing, throwing, &reply).error_code() == failed_with);
    grpc::ClientContext next;
    CHECK(stub->Say(&next, echo_request("still here"), &reply).ok());
  }
  CHECK(reply.text() == "still here");

  const sdk::SpanBatch spans = fixture.take_spans(4);
  REQUIRE(spans.size() == 4);
  std::vector<const sdk::SpanData*> servers;
  for (const auto& span : spans) {
    if (span->kind == SpanKind::kServer) servers.push_back(span.get());
  }
  REQUIRE(servers.size() == 2);
  // Ended in call order: the failed call first.
  CHECK(servers[0]->status_code == StatusCode::kError);
  CHECK(int_attribute(*servers[0], "rpc.grpc.status_code") ==
        static_cast<int>(failed_with));
  CHECK(servers[1]->status_code == StatusCode::kUnset);
  CHECK(fixture.sdk.provider->stats().spans_started == spans.size());
}

TEST_CASE("a call to a method the server does not have is UNIMPLEMENTED",
          "[instrumentation_grpc][no_tsan]") {
  // A server with the callback service only: Echo/Say is not there.
  TestProvider sdk;
  HandlerLog log;
  CallbackEcho callback_service(log, *sdk.tracer);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&callback_service);
  instrumentation::enable_grpc_server_tracing(
      builder, instrumentation::GrpcServerOptions{sdk.tracer});
  auto server = builder.BuildAndStart();
  REQUIRE(server != nullptr);
  auto stub =
      weft::test::Echo::NewStub(instrumentation::create_traced_grpc_channel(
          "127.0.0.1:" + std::to_string(port),
          grpc::InsecureChannelCredentials(), {}, sdk.tracer));
  grpc::ClientContext context;
  weft::test::EchoReply reply;
  CHECK(stub->Say(&context, echo_request("nobody"), &reply).error_code() ==
        grpc::StatusCode::UNIMPLEMENTED);
  server->Shutdown();
  server->Wait();
  // gRPC answers an unknown method through the server interceptors too:
  // both spans say UNIMPLEMENTED, an error on either side.
  const sdk::SpanBatch spans = sdk.take_all();
  REQUIRE(spans.size() == 2);
  for (const auto& span : spans) {
    CAPTURE(span->kind);
    CHECK(span->name == "weft.test.Echo/Say");
    CHECK(span->status_code == StatusCode::kError);
    CHECK(span->status_description == "UNIMPLEMENTED");
    CHECK(int_attribute(*span, "rpc.grpc.status_code") == 12);
  }
  CHECK(sdk.provider->stats().spans_started == spans.size());
}

}  // namespace weft::testing
