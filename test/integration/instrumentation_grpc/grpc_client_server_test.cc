// A traced client calling a traced server over loopback: the span tree, the
// attributes, what travels in the metadata, calls without trace headers,
// and one span per streaming call.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "grpc_test_support.h"

namespace weft::testing {
namespace {

// A server without weft that keeps the metadata of the calls it gets.
class MetadataKeeper final : public weft::test::Echo::Service {
 public:
  grpc::Status Say(grpc::ServerContext* context, const weft::test::EchoRequest*,
                   weft::test::EchoReply*) override {
    std::lock_guard<std::mutex> lock(mutex);
    metadata.clear();
    for (const auto& [key, value] : context->client_metadata()) {
      metadata.emplace(std::string(key.data(), key.size()),
                       std::string(value.data(), value.size()));
    }
    return grpc::Status::OK;
  }
  std::mutex mutex;
  std::multimap<std::string, std::string> metadata;
};

}  // namespace

TEST_CASE(
    "a traced call is a client span whose child is the server span, in the "
    "same trace, with the RPC attributes",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.traced_channel());
  SpanContext outer;
  {
    auto request_span = fixture.sdk.tracer->start_scoped_span("request");
    outer = request_span.context();
    grpc::ClientContext context;
    weft::test::EchoReply reply;
    REQUIRE(stub->Say(&context, echo_request("hello"), &reply).ok());
    CHECK(reply.text() == "hello");
  }
  const sdk::SpanBatch spans = fixture.take_spans(3);
  REQUIRE(spans.size() == 3);
  const sdk::SpanData* client = find_kind(spans, SpanKind::kClient);
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(client != nullptr);
  REQUIRE(server != nullptr);

  CHECK(client->name == "weft.test.Echo/Say");
  CHECK(server->name == "weft.test.Echo/Say");
  CHECK(client->trace_id == outer.trace_id());
  CHECK(client->parent_span_id == outer.span_id());
  CHECK(server->trace_id == client->trace_id);
  CHECK(server->parent_span_id == client->span_id);
  CHECK(server->parent_is_remote);
  CHECK(client->status_code == StatusCode::kUnset);
  CHECK(server->status_code == StatusCode::kUnset);

  for (const sdk::SpanData* span : {client, server}) {
    CHECK(text_attribute(span->attributes, "rpc.system") == "grpc");
    CHECK(text_attribute(span->attributes, "rpc.service") == "weft.test.Echo");
    CHECK(text_attribute(span->attributes, "rpc.method") == "Say");
    CHECK(int_attribute(*span, "rpc.grpc.status_code") == 0);
  }
  CHECK(text_attribute(client->attributes, "server.address") == "127.0.0.1");
  CHECK(int_attribute(*client, "server.port") == fixture.port);
  CHECK(text_attribute(server->attributes, "network.peer.address") ==
        "127.0.0.1");
  CHECK(int_attribute(*server, "network.peer.port") > 0);

  CHECK(fixture.sdk.provider->stats().spans_started == spans.size());
}

TEST_CASE(
    "a client interceptor without a target takes server.address and "
    "server.port from the peer",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      factories;
  factories.push_back(instrumentation::make_grpc_client_interceptor_factory(
      instrumentation::GrpcClientOptions{fixture.sdk.tracer, ""}));
  auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      "dns:///" + fixture.address, grpc::InsecureChannelCredentials(),
      grpc::ChannelArguments(), std::move(factories));
  auto stub = weft::test::Echo::NewStub(channel);
  grpc::ClientContext context;
  weft::test::EchoReply reply;
  REQUIRE(stub->Say(&context, echo_request("peer"), &reply).ok());
  const sdk::SpanBatch spans = fixture.take_spans(2);
  const sdk::SpanData* client = find_kind(spans, SpanKind::kClient);
  REQUIRE(client != nullptr);
  CHECK(text_attribute(client->attributes, "server.address") == "127.0.0.1");
  CHECK(int_attribute(*client, "server.port") == fixture.port);
}

TEST_CASE(
    "the client sends traceparent, tracestate and baggage in the metadata "
    "as the W3C texts say",
    "[instrumentation_grpc][no_tsan]") {
  TestProvider sdk;
  set_global_propagator(std::make_shared<CompositePropagator>(
      std::vector<std::shared_ptr<const TextMapPropagator>>{
          std::make_shared<TraceContextPropagator>(),
          std::make_shared<BaggagePropagator>()}));
  MetadataKeeper keeper;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&keeper);
  auto server = builder.BuildAndStart();
  REQUIRE(server != nullptr);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  auto stub =
      weft::test::Echo::NewStub(instrumentation::create_traced_grpc_channel(
          address, grpc::InsecureChannelCredentials(), {}, sdk.tracer));

  // A remote parent with a tracestate, and baggage, current for the call.
  const auto parent = SpanContext(
      *TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736"),
      *SpanId::from_hex("00f067aa0ba902b7"), TraceFlags(0x01),
      TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"), true);
  Context context = Context().with_span_context(parent);
  context = baggage::set(context, "user", "alice smith");
  {
    Scope scope(context);
    grpc::ClientContext call;
    weft::test::EchoReply reply;
    REQUIRE(stub->Say(&call, echo_request("w3c"), &reply).ok());
  }
  const auto client = sdk.take_one();

  std::lock_guard<std::mutex> lock(keeper.mutex);
  const auto& metadata = keeper.metadata;
  REQUIRE(metadata.count("traceparent") == 1);
  CHECK(metadata.find("traceparent")->second ==
        "00-4bf92f3577b34da6a3ce929d0e0e4736-" + client->span_id.to_hex() +
            "-01");
  REQUIRE(metadata.count("tracestate") == 1);
  CHECK(metadata.find("tracestate")->second ==
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  REQUIRE(metadata.count("baggage") == 1);
  CHECK(metadata.find("baggage")->second == "user=alice%20smith");
  server->Shutdown();
  set_global_propagator(nullptr);
}

TEST_CASE("a call without trace headers starts a new trace on the server",
          "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.plain_channel());
  grpc::ClientContext context;
  weft::test::EchoReply reply;
  REQUIRE(stub->Say(&context, echo_request("plain"), &reply).ok());
  const auto server = fixture.sdk.take_one();
  CHECK(server->kind == SpanKind::kServer);
  CHECK(server->trace_id.is_valid());
  CHECK_FALSE(server->parent_span_id.is_valid());
  CHECK_FALSE(server->parent_is_remote);
}

TEST_CASE("each streaming call is one client span and one server span",
          "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.traced_channel());
  std::string method;

  SECTION("server streaming") {
    method = "ServerStream";
    grpc::ClientContext context;
    auto reader = stub->ServerStream(&context, echo_request("s"));
    weft::test::EchoReply reply;
    int replies = 0;
    while (reader->Read(&reply)) ++replies;
    CHECK(replies == 3);
    CHECK(reader->Finish().ok());
  }
  SECTION("client streaming") {
    method = "ClientStream";
    grpc::ClientContext context;
    weft::test::EchoReply reply;
    auto writer = stub->ClientStream(&context, &reply);
    for (int i = 0; i < 3; ++i) writer->Write(echo_request("c"));
    writer->WritesDone();
    CHECK(writer->Finish().ok());
    CHECK(reply.text() == "3");
  }
  SECTION("bidirectional streaming") {
    method = "Bidi";
    grpc::ClientContext context;
    auto stream = stub->Bidi(&context);
    weft::test::EchoReply reply;
    for (int i = 0; i < 3; ++i) {
      stream->Write(echo_request("b"));
      REQUIRE(stream->Read(&reply));
    }
    stream->WritesDone();
    CHECK(stream->Finish().ok());
  }
  CAPTURE(method);
  const sdk::SpanBatch spans = fixture.take_spans(2);
  REQUIRE(spans.size() == 2);
  const sdk::SpanData* client = find_kind(spans, SpanKind::kClient);
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(client != nullptr);
  REQUIRE(server != nullptr);
  CHECK(client->name == "weft.test.Echo/" + method);
  CHECK(server->parent_span_id == client->span_id);
  CHECK(int_attribute(*server, "rpc.grpc.status_code") == 0);
  // The handler saw the server span as current while it streamed.
  const auto views = fixture.log.take();
  REQUIRE(views.size() == 1);
  CHECK(views[0].current.span_id() == server->span_id);
}

}  // namespace weft::testing
