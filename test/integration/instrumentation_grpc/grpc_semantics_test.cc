// The pure parts of the gRPC instrumentation: span names and the
// rpc.service / rpc.method split, server.address / server.port of targets
// and peers, status code names, and which codes are errors on each side.
#include "grpc_semantics.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace semantics = weft::instrumentation::grpc_semantics;

TEST_CASE("a method path gives the span name, rpc.service and rpc.method",
          "[instrumentation_grpc][semantics]") {
  struct Row {
    int line;
    const char* path;
    const char* span_name;
    const char* service;
    const char* method;
  };
  const Row row =
      GENERATE(Row{__LINE__, "/weft.test.Echo/Say", "weft.test.Echo/Say",
                   "weft.test.Echo", "Say"},
               Row{__LINE__, "/Echo/Say", "Echo/Say", "Echo", "Say"},
               Row{__LINE__, "/a.b.c.Service/Method", "a.b.c.Service/Method",
                   "a.b.c.Service", "Method"},
               Row{__LINE__, "odd", "odd", "", "odd"},
               Row{__LINE__, "/Service/", "Service/", "", "Service/"},
               Row{__LINE__, "", "", "", ""});
  CAPTURE(row.line, row.path);
  const auto name = semantics::split_method(row.path);
  CHECK(name.span_name == row.span_name);
  CHECK(name.service == row.service);
  CHECK(name.method == row.method);
}

TEST_CASE("a channel target or a peer gives server.address and server.port",
          "[instrumentation_grpc][semantics]") {
  struct Row {
    int line;
    const char* target;
    const char* address;
    std::optional<std::int64_t> port;
  };
  const Row row = GENERATE(
      Row{__LINE__, "localhost:50051", "localhost", 50051},
      Row{__LINE__, "orders.example.com", "orders.example.com", std::nullopt},
      Row{__LINE__, "dns:///orders:443", "orders", 443},
      Row{__LINE__, "dns://8.8.8.8/orders:443", "orders", 443},
      Row{__LINE__, "dns:orders:80", "orders", 80},
      Row{__LINE__, "ipv4:127.0.0.1:4317", "127.0.0.1", 4317},
      Row{__LINE__, "ipv4:10.0.0.1:1,10.0.0.2:2", "10.0.0.1", 1},
      Row{__LINE__, "ipv6:[::1]:4317", "::1", 4317},
      Row{__LINE__, "[::1]:8080", "::1", 8080},
      Row{__LINE__, "::1", "::1", std::nullopt},
      Row{__LINE__, "unix:/tmp/orders.sock", "/tmp/orders.sock", std::nullopt},
      Row{__LINE__, "unix:///tmp/orders.sock", "/tmp/orders.sock",
          std::nullopt},
      Row{__LINE__, "host:0", "host", std::nullopt},
      Row{__LINE__, "host:65536", "host", std::nullopt},
      Row{__LINE__, "host:http", "host", std::nullopt},
      Row{__LINE__, "", "", std::nullopt});
  CAPTURE(row.line, row.target);
  const auto endpoint = semantics::parse_endpoint(row.target);
  CHECK(endpoint.address == row.address);
  CHECK(endpoint.port == row.port);
}

TEST_CASE(
    "status codes have gRPC's names, and errors differ between clients and "
    "servers",
    "[instrumentation_grpc][semantics]") {
  struct Row {
    int line;
    int code;
    const char* name;
    bool client_error;
    bool server_error;
  };
  const Row row =
      GENERATE(Row{__LINE__, 0, "OK", false, false},
               Row{__LINE__, 1, "CANCELLED", true, false},
               Row{__LINE__, 2, "UNKNOWN", true, true},
               Row{__LINE__, 3, "INVALID_ARGUMENT", true, false},
               Row{__LINE__, 4, "DEADLINE_EXCEEDED", true, true},
               Row{__LINE__, 5, "NOT_FOUND", true, false},
               Row{__LINE__, 6, "ALREADY_EXISTS", true, false},
               Row{__LINE__, 7, "PERMISSION_DENIED", true, false},
               Row{__LINE__, 8, "RESOURCE_EXHAUSTED", true, false},
               Row{__LINE__, 9, "FAILED_PRECONDITION", true, false},
               Row{__LINE__, 10, "ABORTED", true, false},
               Row{__LINE__, 11, "OUT_OF_RANGE", true, false},
               Row{__LINE__, 12, "UNIMPLEMENTED", true, true},
               Row{__LINE__, 13, "INTERNAL", true, true},
               Row{__LINE__, 14, "UNAVAILABLE", true, true},
               Row{__LINE__, 15, "DATA_LOSS", true, true},
               Row{__LINE__, 16, "UNAUTHENTICATED", true, false},
               Row{__LINE__, 17, "UNKNOWN_STATUS_CODE", true, false},
               Row{__LINE__, -1, "UNKNOWN_STATUS_CODE", true, false});
  CAPTURE(row.line, row.code);
  CHECK(semantics::status_code_name(row.code) == row.name);
  CHECK(semantics::is_client_error(row.code) == row.client_error);
  CHECK(semantics::is_server_error(row.code) == row.server_error);
}
