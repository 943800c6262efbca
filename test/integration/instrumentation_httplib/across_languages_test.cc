// Across languages: a trace started by another OpenTelemetry implementation
// continues through a weft-traced httplib server. A plain httplib client
// (no weft) plays that implementation and sends what it would send: the
// W3C examples' traceparent, tracestate and baggage, byte for byte.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <mutex>
#include <optional>
#include <string>

#include "test_provider.h"
#include "traced_service.h"
#include "weft/baggage.h"

namespace {

using weft::SpanKind;
using weft::testing::one_span_of_kind;
using weft::testing::TracedService;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kParentId = "00f067aa0ba902b7";
constexpr const char* kTraceparent =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kTracestate = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
// Percent-encoded values (a space, UTF-8) as OpenTelemetry SDKs write them,
// and OWS, which the W3C grammar allows around members.
constexpr const char* kBaggage =
    "userId=alice,serverNode=DF%2028, city=M%C3%BCnchen;ttl=60 ,"
    "isProduction=false";

TEST_CASE(
    "a trace from another OpenTelemetry implementation continues through "
    "the traced server with its ids, tracestate and baggage",
    "[instrumentation_httplib]") {
  TracedService service;
  std::mutex mutex;
  std::optional<std::string> user;
  std::optional<std::string> node;
  std::optional<std::string> production;
  std::optional<std::string> city;
  service.routes.Post(
      "/checkout", [&](const httplib::Request&, httplib::Response& response) {
        std::lock_guard<std::mutex> lock(mutex);
        user = weft::baggage::get("userId");
        node = weft::baggage::get("serverNode");
        production = weft::baggage::get("isProduction");
        city = weft::baggage::get("city");
        response.set_content("{}", "application/json");
      });
  service.start();

  httplib::Client other_implementation(service.origin());
  const httplib::Result result =
      other_implementation.Post("/checkout",
                                {{"traceparent", kTraceparent},
                                 {"tracestate", kTracestate},
                                 {"baggage", kBaggage}},
                                "{\"order\":7}", "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);

  const weft::sdk::SpanBatch spans = service.sdk.take_all();
  const auto& server = one_span_of_kind(spans, SpanKind::kServer);
  CHECK(server.trace_id.to_hex() == kTraceId);
  CHECK(server.parent_span_id.to_hex() == kParentId);
  CHECK(server.parent_is_remote);
  CHECK(server.flags.sampled());
  CHECK(server.trace_state.header() == kTracestate);
  CHECK(server.name == "POST /checkout");

  std::lock_guard<std::mutex> lock(mutex);
  CHECK(user == "alice");
  CHECK(node == "DF 28");
  CHECK(production == "false");
  CHECK(city == "M\xC3\xBCnchen");
}

}  // namespace
