// What the gRPC instrumentation tests share: the Echo services of
// weft_test/echo.proto (a sync one and a callback one) that record what
// their handlers saw, a traced server on a free loopback port, traced and
// plain channels to it, and an SDK whose spans land in memory.
//
// One test at a time; the services are called from gRPC's threads, so what
// they record is guarded by a mutex.
#pragma once

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_provider.h"
#include "weft/baggage.h"
#include "weft/instrumentation/grpc.h"
#include "weft/propagation.h"
#include "weft_test/echo.grpc.pb.h"

namespace weft::testing {

// What one handler call saw.
struct HandlerView {
  SpanContext current;         // weft::current_span() in the handler
  SpanContext of_server_call;  // grpc_server_context(context)
  std::optional<std::string> baggage_user;          // baggage "user", current
  std::optional<std::string> baggage_user_of_call;  // from the call context
  std::vector<BaggageEntry> baggage;  // all of the current baggage
};

// The handlers' record, and the gate that handlers asked to wait wait at.
struct HandlerLog {
  void record(const HandlerView& view) {
    std::lock_guard<std::mutex> lock(mutex);
    views.push_back(view);
    changed.notify_all();
  }
  std::vector<HandlerView> take() {
    std::lock_guard<std::mutex> lock(mutex);
    return std::move(views);
  }
  // Called by a handler: says it is waiting, then waits for release().
  void wait_for_release() {
    std::unique_lock<std::mutex> lock(mutex);
    ++waiting;
    changed.notify_all();
    changed.wait(lock, [&] { return released; });
  }
  // Called by a handler that does not block: says it is waiting.
  void wait_for_release_async() {
    std::lock_guard<std::mutex> lock(mutex);
    ++waiting;
    changed.notify_all();
  }
  bool wait_until_waiting(int count) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10),
                            [&] { return waiting >= count; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
    changed.notify_all();
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<HandlerView> views;
  int waiting = 0;
  bool released = false;
};

inline HandlerView look_from_handler(const grpc::ServerContextBase* context) {
  const Context of_call = instrumentation::grpc_server_context(context);
  const Baggage current = baggage::current();
  return HandlerView{current_span().context(), of_call.span_context(),
                     baggage::get("user"), baggage::get(of_call, "user"),
                     std::vector<BaggageEntry>(current.entries().begin(),
                                               current.entries().end())};
}

// The sync service: Say answers with the text, or the status asked for, or
// throws; the streaming methods answer once per request (three times for
// ServerStream).
class SyncEcho final : public weft::test::Echo::Service {
 public:
  explicit SyncEcho(HandlerLog& log) : log_(log) {}

  grpc::Status Say(grpc::ServerContext* context,
                   const weft::test::EchoRequest* request,
                   weft::test::EchoReply* reply) override {
    log_.record(look_from_handler(context));
    if (request->wait_for_release()) {
      log_.wait_for_release();
      // The work outlasts the deadline as the server sees it too: the
      // server's deadline counts from the call's arrival, a little after
      // the client's.
      if (context->deadline() != std::chrono::system_clock::time_point::max()) {
        std::this_thread::sleep_until(context->deadline());
      }
      if (context->IsCancelled()) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "gave up");
      }
    }
    if (request->throw_exception()) {
      throw std::runtime_error("the handler failed");
    }
    if (request->status_code() != 0) {
      return grpc::Status(static_cast<grpc::StatusCode>(request->status_code()),
                          "asked to");
    }
    reply->set_text(request->text());
    return grpc::Status::OK;
  }

  grpc::Status ServerStream(
      grpc::ServerContext* context, const weft::test::EchoRequest* request,
      grpc::ServerWriter<weft::test::EchoReply>* writer) override {
    log_.record(look_from_handler(context));
    weft::test::EchoReply reply;
    reply.set_text(request->text());
    for (int i = 0; i < 3; ++i) writer->Write(reply);
    return grpc::Status::OK;
  }

  grpc::Status ClientStream(grpc::ServerContext* context,
                            grpc::ServerReader<weft::test::EchoRequest>* reader,
                            weft::test::EchoReply* reply) override {
    log_.record(look_from_handler(context));
    weft::test::EchoRequest request;
    int count = 0;
    while (reader->Read(&request)) ++count;
    reply->set_text(std::to_string(count));
    return grpc::Status::OK;
  }

  grpc::Status Bidi(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<weft::test::EchoReply, weft::test::EchoRequest>*
          stream) override {
    log_.record(look_from_handler(context));
    weft::test::EchoRequest request;
    while (stream->Read(&request)) {
      weft::test::EchoReply reply;
      reply.set_text(request.text());
      stream->Write(reply);
    }
    return grpc::Status::OK;
  }

 private:
  HandlerLog& log_;
};

// The callback service: Say looks around, then finishes at once or (for
// text "later") from a task on another thread that starts a child span
// with the call's context.
class CallbackEcho final : public weft::test::CallbackEcho::CallbackService {
 public:
  CallbackEcho(HandlerLog& log, Tracer& tracer) : log_(log), tracer_(tracer) {}
  ~CallbackEcho() override {
    for (std::thread& task : tasks_) task.join();
  }

  grpc::ServerUnaryReactor* Say(grpc::CallbackServerContext* context,
                                const weft::test::EchoRequest* request,
                                weft::test::EchoReply* reply) override {
    log_.record(look_from_handler(context));
    if (request->throw_exception()) {
      throw std::runtime_error("the handler failed");
    }
    if (request->wait_for_release()) {
      // Finishes when the client cancels (OnCancel), not before.
      auto* reactor = new CancelledReactor();
      log_.wait_for_release_async();
      return reactor;
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reply->set_text(request->text());
    if (request->text() != "later") {
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.emplace_back(bind_context(
        [this, reactor] {
          tracer_.start_span("callback-task").end();
          reactor->Finish(grpc::Status::OK);
        },
        instrumentation::grpc_server_context(context)));
    return reactor;
  }

 private:
  // A reactor that finishes only when the call is cancelled.
  class CancelledReactor final : public grpc::ServerUnaryReactor {
   public:
    void OnCancel() override {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    }
    void OnDone() override { delete this; }
  };

  HandlerLog& log_;
  Tracer& tracer_;
  std::mutex mutex_;
  std::vector<std::thread> tasks_;
};

// A traced server with both services on 127.0.0.1, the SDK in memory, and
// the propagator that carries baggage too (W3C Trace Context + Baggage).
struct TracedEchoServer {
  TracedEchoServer() {
    set_global_propagator(std::make_shared<CompositePropagator>(
        std::vector<std::shared_ptr<const TextMapPropagator>>{
            std::make_shared<TraceContextPropagator>(),
            std::make_shared<BaggagePropagator>()}));
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&sync_service);
    builder.RegisterService(&callback_service);
    instrumentation::enable_grpc_server_tracing(
        builder, instrumentation::GrpcServerOptions{sdk.tracer});
    server = builder.BuildAndStart();
    REQUIRE(server != nullptr);
    address = "127.0.0.1:" + std::to_string(port);
  }
  ~TracedEchoServer() {
    log.release();
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    server->Wait();
    set_global_propagator(nullptr);
  }

  // A channel whose calls are traced by the client interceptor.
  std::shared_ptr<grpc::Channel> traced_channel() {
    return instrumentation::create_traced_grpc_channel(
        address, grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
        sdk.tracer);
  }
  // A channel without weft: what any other gRPC client looks like.
  std::shared_ptr<grpc::Channel> plain_channel() {
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }

  // Waits until `count` spans have ended and takes them all.
  sdk::SpanBatch take_spans(std::size_t count) {
    CHECK(sdk.store->wait_for(count, std::chrono::seconds(10)));
    return sdk.take_all();
  }

  TestProvider sdk;
  HandlerLog log;
  SyncEcho sync_service{log};
  CallbackEcho callback_service{log, *sdk.tracer};
  int port = 0;
  std::string address;
  std::unique_ptr<grpc::Server> server;
};

inline const sdk::SpanData* find_kind(const sdk::SpanBatch& spans,
                                      SpanKind kind) {
  for (const auto& span : spans) {
    if (span->kind == kind) return span.get();
  }
  return nullptr;
}
// The result points into `spans`: a temporary batch would leave it dangling.
const sdk::SpanData* find_kind(sdk::SpanBatch&& spans, SpanKind kind) = delete;

inline std::int64_t int_attribute(const sdk::SpanData& span,
                                  std::string_view key) {
  return attribute_as<std::int64_t>(span.attributes, key).value_or(-1);
}

inline weft::test::EchoRequest echo_request(const std::string& text) {
  weft::test::EchoRequest request;
  request.set_text(text);
  return request;
}

}  // namespace weft::testing
