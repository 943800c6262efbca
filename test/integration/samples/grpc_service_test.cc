// grpc_service's pattern in one process: the traced order server on
// loopback, the traced client against it, the SDK in memory. The trace
// shape: submit-order -> CLIENT -> SERVER -> store-order per order; the
// batch SERVER span linked batch_member to every order, its process-order
// children on pool threads linked processes to theirs. gRPC (Debian's) is
// not TSan-instrumented: [no_tsan], as the other gRPC tests.
#include "grpc_service/grpc_service.h"

#include <catch2/catch.hpp>

#include "sample_checks.h"
#include "weft/provider.h"

namespace weft::testing {
namespace {

constexpr std::string_view kPlaceOrder =
    "weft.samples.orders.OrderService/PlaceOrder";
constexpr std::string_view kProcessBatch =
    "weft.samples.orders.OrderService/ProcessBatch";

// The interceptors start their spans on the global provider: the test's,
// for one test.
struct GlobalTestProvider {
  explicit GlobalTestProvider(TestProvider& test) {
    set_tracer_provider(test.provider);
  }
  ~GlobalTestProvider() { set_tracer_provider(nullptr); }
};

const sdk::SpanData* only_child(const Spans& spans, const sdk::SpanData& span,
                                std::string_view name) {
  const auto children = spans.children(span, name);
  REQUIRE(children.size() == 1);
  return children.front();
}

}  // namespace

TEST_CASE(
    "grpc_service traces each order across the gRPC call and links the "
    "batch call to every order, with workers in the batch's trace",
    "[samples][grpc_service][no_tsan]") {
  TestProvider test;
  GlobalTestProvider global(test);
  auto server = samples::OrderServer::start(*test.tracer, "127.0.0.1:0", 3);
  REQUIRE(server != nullptr);
  const auto result = samples::run_order_client(
      *test.tracer, "127.0.0.1:" + std::to_string(server->port()), {4});
  server->shutdown();
  CHECK(result.accepted == 4);
  CHECK(result.processed == 4);
  CHECK(result.linked == 4);
  CHECK(server->orders_placed() == 4);
  CHECK(server->orders_processed() == 4);

  const Spans spans(test.take_all());
  // Per order: submit-order, CLIENT, SERVER, store-order; then submit-batch,
  // CLIENT, SERVER and one process-order per order.
  CHECK(spans.all.size() == 4 * 4 + 3 + 4);

  const auto orders = spans.named("submit-order");
  REQUIRE(orders.size() == 4);
  for (const sdk::SpanData* order : orders) {
    CHECK(is_root(*order));
    const sdk::SpanData* client = only_child(spans, *order, kPlaceOrder);
    CHECK(client->kind == SpanKind::kClient);
    const sdk::SpanData* server_span = only_child(spans, *client, kPlaceOrder);
    CHECK(server_span->kind == SpanKind::kServer);
    CHECK(server_span->parent_is_remote);
    const sdk::SpanData* store = only_child(spans, *server_span, "store-order");
    CHECK(text_attribute(store->attributes, "order.id") ==
          text_attribute(order->attributes, "order.id"));
  }

  const auto batches = spans.named("submit-batch");
  REQUIRE(batches.size() == 1);
  CHECK(is_root(*batches[0]));
  const sdk::SpanData* batch_client =
      only_child(spans, *batches[0], kProcessBatch);
  const sdk::SpanData* batch_server =
      only_child(spans, *batch_client, kProcessBatch);
  CHECK(batch_server->kind == SpanKind::kServer);
  REQUIRE(batch_server->links.size() == 4);
  for (const sdk::LinkData& link : batch_server->links) {
    CHECK(relationship_of(link) == "batch_member");
    const sdk::SpanData* target = spans.target(link);
    REQUIRE(target != nullptr);
    CHECK(target->name == "submit-order");
    CHECK(text_attribute(link.attributes, "order.id") ==
          text_attribute(target->attributes, "order.id"));
  }
  const auto workers = spans.children(*batch_server, "process-order");
  REQUIRE(workers.size() == 4);
  for (const sdk::SpanData* worker : workers) {
    REQUIRE(worker->links.size() == 1);
    CHECK(relationship_of(worker->links[0]) == "processes");
    const sdk::SpanData* order = spans.target(worker->links[0]);
    REQUIRE(order != nullptr);
    CHECK(text_attribute(order->attributes, "order.id") ==
          text_attribute(worker->attributes, "order.id"));
  }
}

}  // namespace weft::testing
