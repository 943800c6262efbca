// The OTLP/HTTP exporter in a fork() child of the process that created it:
// the child opens a connection of its own (the kept-alive one belongs to
// the parent too) and delivers its spans; the parent's connection is left
// alone. A real fork, a real server on loopback in the parent.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "forked_child.h"
#include "http_exporter_support.h"
#include "otlp_test_spans.h"
#include "test_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::sdk::ExportResult;
using weft::testing::HttpExporterUnderTest;
using weft::testing::HttpTestServer;

}  // namespace

// [no_asan]: fork() while httplib's threads allocate (see test/CMakeLists).
TEST_CASE(
    "an OTLP/HTTP exporter inherited by a fork() child delivers the "
    "child's spans on a connection of its own",
    "[otlp_http][fork][no_asan]") {
  HttpTestServer server;
  HttpExporterUnderTest under_test(server.url());
  weft::testing::TestProvider provider;
  auto before = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(before) == ExportResult::kSuccess);

  weft::testing::ForkedChild child([&](weft::testing::ForkedChild& self) {
    auto spans = weft::testing::record_varied_spans(provider);
    const bool delivered =
        under_test.exporter->export_spans(spans) == ExportResult::kSuccess;
    self.write_line(delivered ? "delivered" : "failed");
    return delivered && under_test.exporter->stats().spans_sent == 8 ? 0 : 1;
  });
  REQUIRE(child.started());
  REQUIRE(child.wait_exit(20s) == 0);

  auto after = weft::testing::record_varied_spans(provider);
  REQUIRE(under_test.exporter->export_spans(after) == ExportResult::kSuccess);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].client_port != requests[0].client_port);  // the child's
  CHECK(requests[2].client_port == requests[0].client_port);  // kept alive
  CHECK(under_test.exporter->stats().spans_sent == 8);
}
