// The server half of weft/instrumentation/grpc.h: one interceptor per call,
// holding the call's SERVER span.
//
// Where the handler runs (gRPC 1.51, read in its sources and checked by the
// tests): the first batch of hooks of a call (POST_RECV_INITIAL_METADATA,
// with POST_RECV_MESSAGE for unary and server-streaming calls) is the last
// thing before the handler, and when the last interceptor proceeds, gRPC
// runs the handler inside that Proceed() call, on the same thread: a sync
// service's whole method, a callback service's method up to the reactor it
// returns. So the span is made current around Proceed() there. The status
// goes out through PRE_SEND_STATUS (the span ends there, before the client
// can see the status); a call that closes first (cancelled, deadline
// exceeded) shows up as POST_RECV_CLOSE before any status. gRPC may destroy
// the interceptor inside that Proceed() (the sync server deletes the call
// when its handler is done), so nothing touches `this` after it.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "grpc_semantics.h"
#include "weft/instrumentation/grpc.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/version.h"

namespace weft::instrumentation {
namespace {

namespace semantics = grpc_semantics;
using ::grpc::experimental::InterceptionHookPoints;
using ::grpc::experimental::InterceptorBatchMethods;
using ::grpc::experimental::ServerRpcInfo;

// The context of every traced call, by its ServerContextBase, for
// grpc_server_context(). Sharded by address so that concurrent calls
// rarely meet on a lock; an entry names its owner, because gRPC may build
// the next call's context at the address of one whose interceptor has not
// been destroyed yet.
class ServerCallRegistry {
 public:
  void add(const ::grpc::ServerContextBase* call, const void* owner,
           const Context& context) noexcept {
    Shard& shard = shard_of(call);
    try {
      std::lock_guard<std::mutex> lock(shard.mutex);
      shard.calls.insert_or_assign(call, Entry{owner, context});
    } catch (...) {
      // Out of memory: grpc_server_context() will not find this call.
    }
  }
  void remove(const ::grpc::ServerContextBase* call,
              const void* owner) noexcept {
    Shard& shard = shard_of(call);
    Context removed;  // destroyed after the lock is released
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto found = shard.calls.find(call);
    if (found != shard.calls.end() && found->second.owner == owner) {
      removed = std::move(found->second.context);
      shard.calls.erase(found);
    }
  }
  Context find(const ::grpc::ServerContextBase* call) noexcept {
    Shard& shard = shard_of(call);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto found = shard.calls.find(call);
    return found != shard.calls.end() ? found->second.context : Context();
  }

 private:
  struct Entry {
    const void* owner;
    Context context;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<const ::grpc::ServerContextBase*, Entry> calls;
  };
  Shard& shard_of(const ::grpc::ServerContextBase* call) noexcept {
    const auto bits = reinterpret_cast<std::uintptr_t>(call);
    return shards_[(bits >> 6) % shards_.size()];
  }
  std::array<Shard, 16> shards_;
};

// Never destroyed: calls may end while static destructors run at exit.
ServerCallRegistry& registry() noexcept {
  static ServerCallRegistry* const instance = new ServerCallRegistry();
  return *instance;
}

std::shared_ptr<Tracer> tracer_or_global(std::shared_ptr<Tracer> tracer) {
  if (tracer) return tracer;
  return weft::tracer(kGrpcInstrumentationName, kVersion);
}

constexpr int kCancelled = 1;
constexpr int kDeadlineExceeded = 4;

class ServerInterceptor final : public ::grpc::experimental::Interceptor {
 public:
  ServerInterceptor(ServerRpcInfo* info, Tracer& tracer)
      : info_(info), tracer_(tracer) {}

  ~ServerInterceptor() override {
    if (!started_) return;
    // No status went out (the call was cancelled, or a handler of the async
    // API never finished it): the span still ends. The ServerContext may be
    // gone by now: only its address is used.
    const int closed = closed_code_.load();
    finish(closed >= 0 ? closed : kCancelled);
    registry().remove(call_, this);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA) &&
        !started_) {
      start(*methods->GetRecvInitialMetadata());
      // The handler may run inside Proceed() (see the top of this file),
      // and this interceptor may be gone when it returns.
      Scope scope(context_);
      methods->Proceed();
      return;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      // When the call closed first, or its deadline passed, the client
      // never sees this status.
      int code = closed_code_.load();
      if (code < 0 && deadline_ <= std::chrono::system_clock::now()) {
        code = kDeadlineExceeded;
      }
      finish(code >= 0
                 ? code
                 : static_cast<int>(methods->GetSendStatus().error_code()));
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_CLOSE) &&
        !status_sent_.load()) {
      closed_code_.store(closed_without_status_code());
    }
    methods->Proceed();
  }

 private:
  void start(std::multimap<::grpc::string_ref, ::grpc::string_ref>& metadata) {
    started_ = true;
    call_ = info_->server_context();
    deadline_ = call_->deadline();
    auto reader =
        make_carrier_reader([&metadata](std::string_view key, ValueSink sink) {
          const auto range =
              metadata.equal_range(::grpc::string_ref(key.data(), key.size()));
          for (auto it = range.first; it != range.second; ++it) {
            sink(std::string_view(it->second.data(), it->second.size()));
          }
        });
    const Context parent = global_propagator()->extract(reader);
    const semantics::MethodName name = semantics::split_method(
        info_->method() != nullptr ? info_->method() : "");
    std::string peer;
    try {
      peer = call_->peer();
    } catch (...) {
      // Out of memory: the span goes without the peer.
    }
    const semantics::Endpoint endpoint = semantics::parse_endpoint(peer);
    const semantics::CallAttributes attributes(
        name, endpoint, "network.peer.address", "network.peer.port");
    span_ = tracer_.start_span(
        name.span_name,
        StartSpanOptions{}.with_parent(parent).with_kind(SpanKind::kServer),
        attributes.view());
    context_ = parent.with_span(span_);
    registry().add(call_, this, context_);
  }

  // The code the client sees when the call closed before a status: past
  // the deadline it is DEADLINE_EXCEEDED, otherwise it was cancelled.
  int closed_without_status_code() const {
    return deadline_ <= std::chrono::system_clock::now() ? kDeadlineExceeded
                                                         : kCancelled;
  }

  // Records the outcome and ends the span, once (hooks of one call may run
  // on different threads).
  void finish(int code) noexcept {
    if (status_sent_.exchange(true)) return;
    span_.set_attribute("rpc.grpc.status_code", std::int64_t{code});
    if (semantics::is_server_error(code)) {
      span_.set_status(StatusCode::kError, semantics::status_code_name(code));
    }
    span_.end();
  }

  ServerRpcInfo* const info_;  // gRPC's, outlives this interceptor
  Tracer& tracer_;             // the factory's, which the server keeps
  // Set by the call's first hook batch, when the ServerContext is alive.
  bool started_ = false;
  const ::grpc::ServerContextBase* call_ = nullptr;
  std::chrono::system_clock::time_point deadline_;
  std::atomic<bool> status_sent_{false};
  // The code the client saw when the call closed before a status; -1 until.
  std::atomic<int> closed_code_{-1};
  Span span_;
  Context context_;  // the span's, with the extracted baggage
};

class ServerInterceptorFactory final
    : public ::grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerInterceptorFactory(GrpcServerOptions options)
      : tracer_(tracer_or_global(std::move(options.tracer))) {}

  ::grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    try {
      return new ServerInterceptor(info, *tracer_);
    } catch (...) {
      return nullptr;  // out of memory: this call goes untraced
    }
  }

 private:
  const std::shared_ptr<Tracer> tracer_;
};

}  // namespace

std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>
make_grpc_server_interceptor_factory(GrpcServerOptions options) {
  return std::make_unique<ServerInterceptorFactory>(std::move(options));
}

void enable_grpc_server_tracing(::grpc::ServerBuilder& builder,
                                GrpcServerOptions options) {
  std::vector<
      std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>>
      factories;
  factories.push_back(make_grpc_server_interceptor_factory(std::move(options)));
  builder.experimental().SetInterceptorCreators(std::move(factories));
}

Context grpc_server_context(
    const ::grpc::ServerContextBase* server_context) noexcept {
  if (server_context == nullptr) return Context();
  return registry().find(server_context);
}

}  // namespace weft::instrumentation
