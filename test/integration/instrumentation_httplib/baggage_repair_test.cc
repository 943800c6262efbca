// reencode_baggage (instrumentation/httplib/src/http_semantics.h): the
// baggage header as its sender wrote it, from what httplib < 0.44 hands a
// handler after percent-decoding every header value.
#include <catch2/catch.hpp>
#include <string>

#include "http_semantics.h"

namespace {

using weft::instrumentation::httplib::detail::reencode_baggage;

TEST_CASE(
    "baggage values that httplib percent-decoded are encoded again, "
    "OWS and valid headers stay as they are",
    "[instrumentation_httplib]") {
  struct Row {
    int line;
    std::string decoded;  // what httplib hands over
    std::string expected;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "userId=alice", "userId=alice"},
      {__LINE__, "serverNode=DF 28", "serverNode=DF%2028"},
      {__LINE__, "a=1 , b = two words ;ttl=60",
       "a=1 , b = two%20words ;ttl=60"},
      {__LINE__, "city=M\xC3\xBCnchen", "city=M%C3%BCnchen"},
      {__LINE__, "q=say \"hi\"", "q=say%20%22hi%22"},
      {__LINE__, "path=a\\b", "path=a%5Cb"},
      {__LINE__, "k=v=w", "k=v=w"},
      {__LINE__, "k=%2541", "k=%2541"},  // never decoded: unchanged
      {__LINE__, "", ""},
  }));
  CAPTURE(row.line, row.decoded);
  CHECK(reencode_baggage(row.decoded) == row.expected);
}

}  // namespace
