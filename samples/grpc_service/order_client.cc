// The order service's client half (see grpc_service.h): calls on a traced
// channel, so each call is a CLIENT span, child of the span current when
// the call starts, whose context travels in the call's metadata.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>

#include "grpc_service/grpc_service.h"
#include "weft/instrumentation/grpc.h"
#include "weft/traceparent.h"
#include "weft_samples/orders.grpc.pb.h"

namespace weft::samples {

OrderClientResult run_order_client(weft::Tracer& tracer,
                                   const std::string& address,
                                   const OrderClientOptions& options) {
  namespace orders = weft::samples::orders;
  const auto channel = instrumentation::create_traced_grpc_channel(
      address, grpc::InsecureChannelCredentials());
  const auto stub = orders::OrderService::NewStub(channel);
  const std::chrono::seconds kCallTimeout(10);
  static const char* const kItems[] = {"keyboard", "monitor", "mouse", "laptop",
                                       "headset"};

  OrderClientResult result;
  orders::OrderBatch batch;
  for (std::uint32_t i = 1; i <= options.orders; ++i) {
    // Each order is its own trace: submit-order -> CLIENT -> SERVER.
    ScopedSpan submit =
        tracer.start_scoped_span("submit-order", StartSpanOptions{}.as_root());
    orders::Order order;
    order.set_order_id("ORD-" + std::to_string(i));
    order.set_item(kItems[(i - 1) % 5]);
    order.set_quantity(static_cast<int>(i));
    submit->set_attributes(
        {{"order.id", order.order_id()}, {"order.item", order.item()}});

    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    orders::OrderReceipt receipt;
    const grpc::Status status = stub->PlaceOrder(&context, order, &receipt);
    if (!status.ok()) {
      submit->set_status(StatusCode::kError, status.error_message());
      std::fprintf(stderr, "grpc_service: %s was not placed: %s\n",
                   order.order_id().c_str(), status.error_message().c_str());
      continue;
    }
    ++result.accepted;
    orders::BatchEntry* entry = batch.add_orders();
    entry->set_order_id(order.order_id());
    // The order's span context travels in the batch request, to be linked.
    entry->set_span_context(format_span_context(submit.context()));
  }

  // The batch: a new trace whose server side links to every order.
  ScopedSpan submit_batch =
      tracer.start_scoped_span("submit-batch", StartSpanOptions{}.as_root(),
                               {{"batch.size", batch.orders_size()}});
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  orders::BatchResult batch_result;
  const grpc::Status status =
      stub->ProcessBatch(&context, batch, &batch_result);
  if (!status.ok()) {
    submit_batch->set_status(StatusCode::kError, status.error_message());
    std::fprintf(stderr, "grpc_service: the batch failed: %s\n",
                 status.error_message().c_str());
    return result;
  }
  result.processed = static_cast<std::size_t>(batch_result.processed());
  result.linked = static_cast<std::size_t>(batch_result.linked());
  return result;
}

}  // namespace weft::samples
