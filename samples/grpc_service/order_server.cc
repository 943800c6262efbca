// The order service's server half (see grpc_service.h): a sync gRPC service
// whose calls the server interceptor traces. Each handler runs with its
// SERVER span as the current span, so the spans it starts are children of
// it and weft::current_span() is the call's span.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <future>
#include <mutex>
#include <utility>
#include <vector>

#include "common/thread_pool.h"
#include "grpc_service/grpc_service.h"
#include "weft/instrumentation/grpc.h"
#include "weft/link.h"
#include "weft/traceparent.h"
#include "weft_samples/orders.grpc.pb.h"

namespace weft::samples {
namespace {

namespace orders = weft::samples::orders;

class OrderServiceImpl final : public orders::OrderService::Service {
 public:
  OrderServiceImpl(weft::Tracer& tracer, std::size_t workers)
      : tracer_(tracer), pool_(workers) {}

  grpc::Status PlaceOrder(grpc::ServerContext*, const orders::Order* order,
                          orders::OrderReceipt* receipt) override {
    // A child of the call's SERVER span, current in this handler.
    ScopedSpan store = tracer_.start_scoped_span("store-order");
    store->set_attributes({{"order.id", order->order_id()},
                           {"order.item", order->item()},
                           {"order.quantity", order->quantity()}});
    if (order->quantity() <= 0) {
      store->set_status(StatusCode::kError, "quantity must be positive");
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "quantity must be positive");
    }
    placed_.fetch_add(1);
    receipt->set_order_id(order->order_id());
    receipt->set_status("accepted");
    return grpc::Status::OK;
  }

  grpc::Status ProcessBatch(grpc::ServerContext* context,
                            const orders::OrderBatch* batch,
                            orders::BatchResult* result) override {
    // The batch call's SERVER span links to every order's trace (links may
    // be added after the span started).
    const SpanRef batch_span = current_span();
    batch_span.set_attribute("batch.size", batch->orders_size());
    std::vector<SpanContext> order_contexts;
    int linked = 0;
    for (const orders::BatchEntry& entry : batch->orders()) {
      const std::optional<SpanContext> order =
          parse_span_context(entry.span_context());
      order_contexts.push_back(order.value_or(SpanContext()));
      if (!order) continue;
      batch_span.add_link(make_link(*order, relationship::kBatchMember,
                                    {{"order.id", entry.order_id()}}));
      ++linked;
    }

    // Fan out: each task runs on a pool thread with the call's context (its
    // SERVER span and baggage), taken from the ServerContext explicitly.
    const Context call_context = instrumentation::grpc_server_context(context);
    std::vector<std::future<bool>> done;
    for (int i = 0; i < batch->orders_size(); ++i) {
      const orders::BatchEntry& entry = batch->orders(i);
      const SpanContext& order = order_contexts[static_cast<std::size_t>(i)];
      done.push_back(pool_.submit(bind_context(
          [this, &entry, &order, i] { return process_order(entry, order, i); },
          call_context)));
    }
    int processed = 0;
    for (auto& task : done) processed += task.get() ? 1 : 0;
    processed_.fetch_add(static_cast<std::size_t>(processed));
    batch_span.set_attribute("batch.processed", processed);
    result->set_processed(processed);
    result->set_linked(linked);
    return grpc::Status::OK;
  }

  std::size_t placed() const { return placed_.load(); }
  std::size_t processed() const { return processed_.load(); }

 private:
  // On a pool thread, inside the batch call's context.
  bool process_order(const orders::BatchEntry& entry, const SpanContext& order,
                     int index) {
    ScopedSpan span = tracer_.start_scoped_span(
        "process-order",
        StartSpanOptions{}.with_links(
            {make_link(order, relationship::kProcesses)}),
        {{"order.id", entry.order_id()}, {"batch.index", index}});
    return !entry.order_id().empty();
  }

  weft::Tracer& tracer_;
  ThreadPool pool_;
  std::atomic<std::size_t> placed_{0};
  std::atomic<std::size_t> processed_{0};
};

class GrpcOrderServer final : public OrderServer {
 public:
  GrpcOrderServer(weft::Tracer& tracer, std::size_t workers)
      : service_(tracer, workers) {}
  ~GrpcOrderServer() override { shutdown(); }

  bool start(const std::string& address) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    instrumentation::enable_grpc_server_tracing(builder);
    server_ = builder.BuildAndStart();
    return server_ != nullptr && port_ != 0;
  }

  int port() const override { return port_; }
  void shutdown() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (server_ == nullptr) return;
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
    server_->Wait();
    server_.reset();
  }
  std::size_t orders_placed() const override { return service_.placed(); }
  std::size_t orders_processed() const override { return service_.processed(); }

 private:
  OrderServiceImpl service_;
  int port_ = 0;
  std::mutex mutex_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace

std::unique_ptr<OrderServer> OrderServer::start(weft::Tracer& tracer,
                                                const std::string& address,
                                                std::size_t workers) {
  auto server = std::make_unique<GrpcOrderServer>(tracer, workers);
  if (!server->start(address)) return nullptr;
  return server;
}

}  // namespace weft::samples
