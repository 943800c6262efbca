// A trace started by another OpenTelemetry implementation continues through
// the instrumented weft server: a plain gRPC client (no weft) sends the
// traceparent, tracestate and baggage any OpenTelemetry SDK would send, and
// the server span and the handler see exactly that.
#include <catch2/catch.hpp>

#include "grpc_test_support.h"

namespace weft::testing {

TEST_CASE(
    "a trace from another OpenTelemetry implementation continues through "
    "the traced server with its ids, tracestate and baggage",
    "[instrumentation_grpc][across_languages][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.plain_channel());
  grpc::ClientContext context;
  // What OpenTelemetry Java, Go or Python put in gRPC metadata.
  context.AddMetadata(
      "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  context.AddMetadata("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  context.AddMetadata("baggage",
                      "user=carol,region=eu%20west;zone=2,isProduction=false");
  weft::test::EchoReply reply;
  REQUIRE(stub->Say(&context, echo_request("from elsewhere"), &reply).ok());

  const auto server = fixture.sdk.take_one();
  CHECK(server->kind == SpanKind::kServer);
  CHECK(server->trace_id.to_hex() == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(server->parent_span_id.to_hex() == "00f067aa0ba902b7");
  CHECK(server->parent_is_remote);
  CHECK(server->flags.sampled());
  CHECK(server->trace_state.header() ==
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

  const auto views = fixture.log.take();
  REQUIRE(views.size() == 1);
  CHECK(views[0].current.span_id() == server->span_id);
  CHECK(views[0].current.trace_state().header() ==
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  const std::vector<BaggageEntry> expected = {{"user", "carol", ""},
                                              {"region", "eu west", "zone=2"},
                                              {"isProduction", "false", ""}};
  CHECK(views[0].baggage == expected);
}

}  // namespace weft::testing
