// What a handler sees: its server span as the current span (sync services,
// and a callback service's method), the baggage that came with the call,
// and the same context through grpc_server_context(), which carries it to
// a task on another thread.
#include <catch2/catch.hpp>

#include "grpc_test_support.h"

namespace weft::testing {

TEST_CASE(
    "a sync handler sees its server span as current, with the call's baggage",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::Echo::NewStub(fixture.traced_channel());
  {
    Scope scope(baggage::set(Context::current(), "user", "alice"));
    grpc::ClientContext context;
    weft::test::EchoReply reply;
    REQUIRE(stub->Say(&context, echo_request("who"), &reply).ok());
  }
  const sdk::SpanBatch spans = fixture.take_spans(2);  // server points in
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(server != nullptr);
  const auto views = fixture.log.take();
  REQUIRE(views.size() == 1);
  CHECK(views[0].current.span_id() == server->span_id);
  CHECK(views[0].current.trace_id() == server->trace_id);
  CHECK(views[0].of_server_call.span_id() == server->span_id);
  CHECK(views[0].baggage_user == std::optional<std::string>("alice"));
  CHECK(views[0].baggage_user_of_call == std::optional<std::string>("alice"));
}

TEST_CASE(
    "a callback service's method sees its server span as current, and a "
    "task given the call's context makes child spans",
    "[instrumentation_grpc][no_tsan]") {
  TracedEchoServer fixture;
  auto stub = weft::test::CallbackEcho::NewStub(fixture.traced_channel());
  const std::string text = GENERATE("now", "later");
  CAPTURE(text);
  {
    Scope scope(baggage::set(Context::current(), "user", "bob"));
    grpc::ClientContext context;
    weft::test::EchoReply reply;
    REQUIRE(stub->Say(&context, echo_request(text), &reply).ok());
    CHECK(reply.text() == text);
  }
  const std::size_t expected = text == "later" ? 3 : 2;
  const sdk::SpanBatch spans = fixture.take_spans(expected);
  REQUIRE(spans.size() == expected);
  const sdk::SpanData* server = find_kind(spans, SpanKind::kServer);
  REQUIRE(server != nullptr);
  CHECK(server->name == "weft.test.CallbackEcho/Say");
  const auto views = fixture.log.take();
  REQUIRE(views.size() == 1);
  CHECK(views[0].current.span_id() == server->span_id);
  CHECK(views[0].of_server_call.span_id() == server->span_id);
  CHECK(views[0].baggage_user == std::optional<std::string>("bob"));
  if (text == "later") {
    const sdk::SpanData* task = find_kind(spans, SpanKind::kInternal);
    REQUIRE(task != nullptr);
    CHECK(task->name == "callback-task");
    CHECK(task->trace_id == server->trace_id);
    CHECK(task->parent_span_id == server->span_id);
  }
}

TEST_CASE("grpc_server_context of a call that is not traced is empty",
          "[instrumentation_grpc]") {
  CHECK_FALSE(
      instrumentation::grpc_server_context(nullptr).span_context().is_valid());
}

}  // namespace weft::testing
