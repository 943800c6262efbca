// Calls that end before their handler does (deadline exceeded, cancelled
// by the client): every span started ends, with the status the client saw;
// run under ASan+LSan too, so that nothing the interceptors hold leaks.
#include <catch2/catch.hpp>
#include <future>

#include "grpc_test_support.h"

namespace weft::testing {

TEST_CASE(
    "a call past its deadline ends its client and server spans as "
    "DEADLINE_EXCEEDED",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.traced_channel());
  auto request = echo_request("slow");
  request.set_wait_for_release(true);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(1));
  weft::test::EchoReply reply;
  // The handler waits until released, well after the deadline.
  CHECK(stub->Say(&context, request, &reply).error_code() ==
        grpc::StatusCode::DEADLINE_EXCEEDED);
  REQUIRE(fixture.log.wait_until_waiting(1));
  fixture.log.release();

  const sdk::SpanBatch spans = fixture.take_spans(2);
  REQUIRE(spans.size() == 2);
  const sdk::SpanData* client = find_kind(spans, SpanKind::kClient);
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(client != nullptr);
  REQUIRE(server != nullptr);
  CHECK(client->status_description == "DEADLINE_EXCEEDED");
  CHECK(int_attribute(*server, "rpc.grpc.status_code") == 4);
  CHECK(server->status_code == StatusCode::kError);
  // Every span started has ended: both were exported.
  CHECK(fixture.sdk.provider->stats().spans_started == 2);
}

TEST_CASE(
    "a call the client cancels ends its client and server spans, as "
    "CANCELLED where the server learns of it before the handler returns",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto channel = fixture.traced_channel();
  auto request = echo_request("cancel me");
  request.set_wait_for_release(true);
  grpc::ClientContext context;
  weft::test::EchoReply reply;
  std::promise<grpc::Status> done;
  auto when_done = [&done](grpc::Status status) { done.set_value(status); };
  // A callback service hears of the cancellation (OnCancel) and finishes
  // the call then; a sync handler returns whenever it is released, told of
  // the cancellation only if it arrived by then (IsCancelled()).
  const bool callback = GENERATE(true, false);
  CAPTURE(callback);
  auto callback_stub = weft::test::CallbackEcho::NewStub(channel);
  auto sync_stub = weft::test::Echo::NewStub(channel);
  if (callback) {
    callback_stub->async()->Say(&context, &request, &reply, when_done);
  } else {
    sync_stub->async()->Say(&context, &request, &reply, when_done);
  }
  REQUIRE(fixture.log.wait_until_waiting(1));
  context.TryCancel();
  CHECK(done.get_future().get().error_code() == grpc::StatusCode::CANCELLED);
  fixture.log.release();

  const sdk::SpanBatch spans = fixture.take_spans(2);
  REQUIRE(spans.size() == 2);
  const sdk::SpanData* client = find_kind(spans, SpanKind::kClient);
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(client != nullptr);
  REQUIRE(server != nullptr);
  CHECK(client->status_description == "CANCELLED");
  if (callback) CHECK(int_attribute(*server, "rpc.grpc.status_code") == 1);
  // CANCELLED is the client's choice: not a server error.
  CHECK(server->status_code == StatusCode::kUnset);
  CHECK(fixture.sdk.provider->stats().spans_started == 2);
}

TEST_CASE(
    "a call to a server that is not there ends its client span as "
    "UNAVAILABLE",
    "[instrumentation_grpc][no_tsan]") {
  TestProvider sdk;
  // Port 1 of loopback: nothing listens there.
  auto stub =
      weft::test::Echo::NewStub(instrumentation::create_traced_grpc_channel(
          "127.0.0.1:1", grpc::InsecureChannelCredentials(), {}, sdk.tracer));
  grpc::ClientContext context;
  weft::test::EchoReply reply;
  CHECK(stub->Say(&context, echo_request("anyone?"), &reply).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  const auto client = sdk.take_one();
  CHECK(client->status_description == "UNAVAILABLE");
  CHECK(int_attribute(*client, "rpc.grpc.status_code") == 14);
}

}  // namespace weft::testing
