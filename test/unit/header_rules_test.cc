// Tests of the header rules of the OTLP transports (sdk/src/header_rules.h):
// what gRPC metadata and HTTP fields may hold, so that the exporters drop a
// bad entry instead of handing it to the transport.
#include "header_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using weft::sdk::HeaderTransport;

TEST_CASE("gRPC metadata keys and values follow gRPC's rules",
          "[header_rules]") {
  struct Row {
    int line;
    std::string key;
    std::string value;
    bool grpc_valid;
    bool http_valid;
  };
  const Row row = GENERATE(
      Row{__LINE__, "authorization", "Bearer abc", true, true},
      Row{__LINE__, "x-api_key.v2", "", true, true},
      Row{__LINE__, "bad key", "1", false, false},
      Row{__LINE__, "", "1", false, false},
      Row{__LINE__, "grpc-timeout", "1S", false, true},
      Row{__LINE__, "x-token", "a\nb", false, false},
      Row{__LINE__, "x-token", "caf\xc3\xa9", false, true},
      Row{__LINE__, "x-token", "tab\there", false, true},
      Row{__LINE__, "x-token", std::string("nul\0", 4), false, false},
      Row{__LINE__, "x-token-bin", std::string("\0\n\xff", 3), true, false},
      Row{__LINE__, "x:y", "1", false, false},
      Row{__LINE__, "x~y", "1", false, true},
      Row{__LINE__, "k\xc3\xa9y", "1", false, false});
  CAPTURE(row.line, row.key, row.value);
  CHECK(!weft::sdk::header_problem(HeaderTransport::kGrpc, row.key,
                                   row.value) == row.grpc_valid);
  CHECK(!weft::sdk::header_problem(HeaderTransport::kHttp, row.key,
                                   row.value) == row.http_valid);
}

TEST_CASE("checked_headers lowercases keys and names each dropped entry",
          "[header_rules]") {
  std::vector<std::string> rejected;
  const auto kept = weft::sdk::checked_headers(
      HeaderTransport::kGrpc,
      {{"Authorization", "x"}, {"Bad Key", "1"}, {"ok", "line\nbreak"}},
      rejected);
  CHECK(kept == weft::sdk::Headers{{"authorization", "x"}});
  REQUIRE(rejected.size() == 2);
  CHECK_THAT(rejected[0], Catch::Contains("'Bad Key=1'"));
  CHECK_THAT(rejected[1], Catch::Contains("'ok=line\\x0abreak'"));
}
