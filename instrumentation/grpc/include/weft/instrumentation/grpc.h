// Tracing for gRPC C++ services and clients, with grpc++'s interceptors.
//
// Client: every call made on a traced channel is a CLIENT span named
// `package.Service/Method`, child of the context current when the call is
// created, whose context (and the baggage of that context) travels in the
// call's metadata through the global propagator (weft/propagation.h).
// Server: every call is a SERVER span, child of the context extracted from
// the client's metadata (a new trace when there is none). The span is the
// current span while a synchronous handler runs, and while a callback
// service's method runs (until it returns its reactor); anywhere else
// (reactor callbacks, the async API, tasks handed to other threads) ask
// grpc_server_context() for it. Both ends record OpenTelemetry's RPC
// attributes (rpc.system, rpc.service, rpc.method, rpc.grpc.status_code,
// server.address and server.port on the client, network.peer.* on the
// server) and set the span status from the gRPC status the way the
// semantic conventions say (see docs/instrumentation.md).
//
//   // server
//   grpc::ServerBuilder builder;
//   builder.AddListeningPort(address, grpc::InsecureServerCredentials());
//   builder.RegisterService(&service);
//   weft::instrumentation::enable_grpc_server_tracing(builder);
//   auto server = builder.BuildAndStart();
//   // client
//   auto channel = weft::instrumentation::create_traced_grpc_channel(
//       address, grpc::InsecureChannelCredentials());
//
// Links weft::api and gRPC only: a library instrumented this way records
// nothing until the application installs an SDK. Spans start on `tracer`
// of the options, else on weft::tracer("weft.instrumentation.grpc").
//
// Thread-safety: every function is thread-safe; the factories may be shared
// by several channels or servers. The interceptors they create run on
// whatever thread gRPC runs a call's hooks on, and a call's span always ends
// (at the latest when gRPC destroys the call), whatever its outcome.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>

#include "weft/context.h"
#include "weft/tracer.h"

namespace weft::instrumentation {

// The instrumentation scope of the spans started on the global provider.
inline constexpr const char* kGrpcInstrumentationName =
    "weft.instrumentation.grpc";

struct GrpcClientOptions {
  // Where the spans start; null: weft::tracer(kGrpcInstrumentationName).
  std::shared_ptr<Tracer> tracer;
  // The channel's target ("host:port", "dns:///host:port", "ipv4:1.2.3.4:5",
  // "unix:/path"), for server.address and server.port. Empty: the peer of
  // each call, read when its status arrives.
  std::string target;
};

struct GrpcServerOptions {
  // Where the spans start; null: weft::tracer(kGrpcInstrumentationName).
  std::shared_ptr<Tracer> tracer;
};

// The client interceptor factory, for
// grpc::experimental::CreateCustomChannelWithInterceptors (put it last in
// the list so that the span covers what the other interceptors add).
std::unique_ptr<::grpc::experimental::ClientInterceptorFactoryInterface>
make_grpc_client_interceptor_factory(GrpcClientOptions options = {});

// A channel to `target` whose calls are traced (target also fills
// server.address and server.port).
std::shared_ptr<::grpc::Channel> create_traced_grpc_channel(
    const std::string& target,
    const std::shared_ptr<::grpc::ChannelCredentials>& credentials,
    const ::grpc::ChannelArguments& arguments = {},
    std::shared_ptr<Tracer> tracer = nullptr);

// The server interceptor factory, for
// ServerBuilder::experimental().SetInterceptorCreators. Put it FIRST in the
// list: the span becomes current for the handler only when the interceptors
// after it proceed at once, on the same thread (interceptors that do not
// make the handler run on another thread).
std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>
make_grpc_server_interceptor_factory(GrpcServerOptions options = {});

// Traces every call of the server being built. It sets the builder's
// interceptor list (SetInterceptorCreators replaces any list given before):
// a server with interceptors of its own passes
// make_grpc_server_interceptor_factory() first in its own list instead.
void enable_grpc_server_tracing(::grpc::ServerBuilder& builder,
                                GrpcServerOptions options = {});

// The context of the call that `server_context` serves: its SERVER span and
// the baggage that came with the call. Valid from the handler's start until
// gRPC destroys the call; empty for a call the server interceptor does not
// trace. The way to carry the call's context into tasks on other threads
// (weft::bind_context) and into a callback service's reactor.
Context grpc_server_context(
    const ::grpc::ServerContextBase* server_context) noexcept;

}  // namespace weft::instrumentation
