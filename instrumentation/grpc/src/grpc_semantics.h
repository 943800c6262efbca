// What the gRPC interceptors read from a call, written the way
// OpenTelemetry's RPC semantic conventions want it: the span name and the
// rpc.service / rpc.method split of a method path, server.address and
// server.port of a channel target or a peer, the status code names, and
// which codes are errors on each side.
//
// Pure functions of their arguments and a plain value (thread-safe);
// internal to
// weft_instrumentation_grpc and its tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "weft/attribute.h"

namespace weft::instrumentation::grpc_semantics {

// "/package.Service/Method" split into its parts; span_name is the path
// without its leading '/'. A path without the usual shape keeps it whole
// as span_name and rpc.method, with an empty service.
struct MethodName {
  std::string_view span_name;
  std::string_view service;
  std::string_view method;
};
MethodName split_method(std::string_view path) noexcept;

// server.address and server.port of a gRPC target or peer string:
// "host:port", "[::1]:port", "dns:///host:port", "dns://authority/host:port",
// "ipv4:1.2.3.4:port" (the first of a list), "ipv6:[::1]:port",
// "unix:/path" (no port). The address is a view of `target`; brackets
// around an IPv6 address are not part of it.
struct Endpoint {
  std::string_view address;
  std::optional<std::int64_t> port;
};
Endpoint parse_endpoint(std::string_view target) noexcept;

// The name of a status code: "OK", "CANCELLED", ... "UNAUTHENTICATED";
// "UNKNOWN_STATUS_CODE" for a number outside gRPC's list.
std::string_view status_code_name(int code) noexcept;

// A server's span is an error only for UNKNOWN, DEADLINE_EXCEEDED,
// UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS (the other codes say
// the client asked for something wrong); a client's for every code but OK.
bool is_server_error(int code) noexcept;
bool is_client_error(int code) noexcept;

// The attributes a call's span starts with: rpc.system, rpc.service,
// rpc.method and, where known, the endpoint under `address_key` and
// `port_key` (server.* for a client, network.peer.* for a server). It
// refers to the texts of `name` and `endpoint`, which must outlive it.
class CallAttributes {
 public:
  CallAttributes(const MethodName& name, const Endpoint& endpoint,
                 std::string_view address_key,
                 std::string_view port_key) noexcept
      : values_{{"rpc.system", "grpc"},
                {"rpc.service", name.service},
                {"rpc.method", name.method},
                {"", false},
                {"", false}} {
    if (!endpoint.address.empty()) {
      values_[count_++] = {address_key, endpoint.address};
    }
    if (endpoint.port) values_[count_++] = {port_key, *endpoint.port};
  }
  Attributes view() const noexcept { return Attributes(values_, count_); }

 private:
  KeyValue values_[5];
  std::size_t count_ = 3;
};

}  // namespace weft::instrumentation::grpc_semantics
