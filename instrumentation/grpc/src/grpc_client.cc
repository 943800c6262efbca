// The client half of weft/instrumentation/grpc.h: one interceptor per call,
// created by gRPC on the thread that creates the call (so the current
// context there is the parent), holding the call's CLIENT span until the
// status arrives or gRPC destroys the call.
#include <grpcpp/create_channel.h>

#include <cstdint>
#include <map>
#include <string>
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
using ::grpc::experimental::ClientRpcInfo;
using ::grpc::experimental::InterceptionHookPoints;
using ::grpc::experimental::InterceptorBatchMethods;

std::shared_ptr<Tracer> tracer_or_global(std::shared_ptr<Tracer> tracer) {
  if (tracer) return tracer;
  return weft::tracer(kGrpcInstrumentationName, kVersion);
}

class ClientInterceptor final : public ::grpc::experimental::Interceptor {
 public:
  // `endpoint` is the channel target's, parsed once by the factory; empty
  // when the target is not known (the peer is read when the call ends).
  ClientInterceptor(ClientRpcInfo* info, Tracer& tracer,
                    const semantics::Endpoint& endpoint, bool target_known)
      : info_(info), parent_(Context::current()), target_known_(target_known) {
    const semantics::MethodName name = semantics::split_method(
        info->method() != nullptr ? info->method() : "");
    const semantics::CallAttributes attributes(name, endpoint, "server.address",
                                               "server.port");
    span_ = tracer.start_span(
        name.span_name,
        StartSpanOptions{}.with_parent(parent_).with_kind(SpanKind::kClient),
        attributes.view());
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      inject(*methods->GetSendInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_STATUS)) {
      finish(*methods->GetRecvStatus());
    }
    methods->Proceed();
  }

 private:
  void inject(std::multimap<std::string, std::string>& metadata) noexcept {
    auto writer = make_carrier_writer(
        [&metadata](std::string_view key, std::string_view value) {
          metadata.erase(std::string(key));
          metadata.emplace(std::string(key), std::string(value));
        });
    global_propagator()->inject(parent_.with_span_context(span_.context()),
                                writer);
  }

  void finish(const ::grpc::Status& status) noexcept {
    const int code = static_cast<int>(status.error_code());
    span_.set_attribute("rpc.grpc.status_code", std::int64_t{code});
    if (semantics::is_client_error(code)) {
      span_.set_status(StatusCode::kError, semantics::status_code_name(code));
    }
    if (!target_known_ && span_.is_recording()) {
      try {
        const std::string peer = info_->client_context()->peer();
        const semantics::Endpoint endpoint = semantics::parse_endpoint(peer);
        if (!endpoint.address.empty()) {
          span_.set_attribute("server.address", endpoint.address);
        }
        if (endpoint.port) span_.set_attribute("server.port", *endpoint.port);
      } catch (...) {
        // Out of memory: the span goes without the peer.
      }
    }
    span_.end();
  }

  ClientRpcInfo* const info_;  // gRPC's, outlives this interceptor
  const Context parent_;
  const bool target_known_;
  // Ends here or, for a call whose status never came, when gRPC destroys
  // the interceptor with the call.
  Span span_;
};

class ClientInterceptorFactory final
    : public ::grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientInterceptorFactory(GrpcClientOptions options)
      : tracer_(tracer_or_global(std::move(options.tracer))),
        target_(std::move(options.target)),
        endpoint_(semantics::parse_endpoint(target_)) {}
  ClientInterceptorFactory(const ClientInterceptorFactory&) = delete;
  ClientInterceptorFactory& operator=(const ClientInterceptorFactory&) = delete;

  ::grpc::experimental::Interceptor* CreateClientInterceptor(
      ClientRpcInfo* info) override {
    try {
      return new ClientInterceptor(info, *tracer_, endpoint_, !target_.empty());
    } catch (...) {
      return nullptr;  // out of memory: this call goes untraced
    }
  }

 private:
  const std::shared_ptr<Tracer> tracer_;
  const std::string target_;
  // target_'s server.address (a view of target_) and server.port, parsed
  // here once rather than for every call. The factory is never moved: gRPC
  // holds it by unique_ptr.
  const semantics::Endpoint endpoint_;
};

}  // namespace

std::unique_ptr<::grpc::experimental::ClientInterceptorFactoryInterface>
make_grpc_client_interceptor_factory(GrpcClientOptions options) {
  return std::make_unique<ClientInterceptorFactory>(std::move(options));
}

std::shared_ptr<::grpc::Channel> create_traced_grpc_channel(
    const std::string& target,
    const std::shared_ptr<::grpc::ChannelCredentials>& credentials,
    const ::grpc::ChannelArguments& arguments, std::shared_ptr<Tracer> tracer) {
  std::vector<
      std::unique_ptr<::grpc::experimental::ClientInterceptorFactoryInterface>>
      factories;
  factories.push_back(make_grpc_client_interceptor_factory(
      GrpcClientOptions{std::move(tracer), target}));
  return ::grpc::experimental::CreateCustomChannelWithInterceptors(
      target, credentials, arguments, std::move(factories));
}

}  // namespace weft::instrumentation
