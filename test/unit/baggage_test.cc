// Tests of weft/baggage.h: the W3C Baggage header grammar (OWS, properties,
// percent-encoding, malformed members), the limits and their drop counter,
// Baggage values in a Context, and BaggagePropagator alone and composed with
// the W3C Trace Context propagator.
#include "weft/baggage.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "test_provider.h"

namespace {

using weft::Baggage;
using weft::BaggagePropagator;
using weft::Context;
using weft::testing::make_context;
using Map = std::map<std::string, std::string>;
using MultiMap = std::multimap<std::string, std::string>;

// "key=value;metadata|..." with decoded values: what a Baggage holds.
std::string describe(const Baggage& baggage) {
  std::string out;
  for (const weft::BaggageEntry& entry : baggage.entries()) {
    if (!out.empty()) out += '|';
    out += entry.key + '=' + entry.value;
    if (!entry.metadata.empty()) out += ';' + entry.metadata;
  }
  return out;
}

// "k1=1,k2=2,...,kn=n".
std::string members(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) out += ',';
    out += "k" + std::to_string(i) + "=" + std::to_string(i);
  }
  return out;
}

// The messages of the API's diagnostics while a DiagnosticsCapture lives.
std::vector<std::string>& captured_diagnostics() {
  static std::vector<std::string> messages;
  return messages;
}

// Captures diagnostics and re-arms the once-only baggage reports, so that a
// test sees the first report whatever ran before it.
struct DiagnosticsCapture {
  DiagnosticsCapture() {
    captured_diagnostics().clear();
    weft::detail::baggage_limits_reported().store(false);
    weft::detail::baggage_key_reported().store(false);
    weft::set_diagnostic_handler([](std::string_view message) noexcept {
      try {
        captured_diagnostics().emplace_back(message);
      } catch (...) {
      }
    });
  }
  ~DiagnosticsCapture() { weft::set_diagnostic_handler(nullptr); }
  DiagnosticsCapture(const DiagnosticsCapture&) = delete;
  DiagnosticsCapture& operator=(const DiagnosticsCapture&) = delete;
};

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

TEST_CASE("a baggage header is read member by member", "[baggage]") {
  struct Row {
    int line;
    std::string header;
    std::string expected;  // describe() of the result
  };
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, "a=1", "a=1"},
      // The specification's examples.
      {__LINE__, "userId=alice,serverNode=DF%2028,isProduction=false",
       "userId=alice|serverNode=DF 28|isProduction=false"},
      {__LINE__,
       "key1=value1;property1;property2, key2 = value2, key3=value3; "
       "propertyKey=propertyValue",
       "key1=value1;property1;property2|key2=value2|key3=value3;"
       "propertyKey=propertyValue"},
      {__LINE__, "userId =   alice", "userId=alice"},
      // Optional whitespace (spaces and tabs) around keys, values, '=',
      // ',' and ';' is removed.
      {__LINE__, " \ta \t= \t1 \t, \tb\t=\t2\t ", "a=1|b=2"},
      {__LINE__, "a=1 ; p1 ;\tp2 = v2 ", "a=1;p1;p2=v2"},
      // Empty members are skipped.
      {__LINE__, "a=1,,b=2", "a=1|b=2"},
      {__LINE__, ",a=1,", "a=1"},
      {__LINE__, "a=1, ,\t,b=2", "a=1|b=2"},
      {__LINE__, "", ""},
      {__LINE__, " , ", ""},
      // A value may be empty and may hold '='.
      {__LINE__, "a=,b=2", "a=|b=2"},
      {__LINE__, "a=x=y==", "a=x=y=="},
      // Keys are HTTP tokens; names are case-sensitive.
      {__LINE__, "!#$%&'*+-.^_`|~09AZaz=1", "!#$%&'*+-.^_`|~09AZaz=1"},
      {__LINE__, "a=1,A=2", "a=1|A=2"},
      // Percent-decoding, either case of hex digits.
      {__LINE__, "a=%20b%2C%3B%25", "a= b,;%"},
      {__LINE__, "a=%e2%82%ac,b=%E2%82%AC", "a=\u20ac|b=\u20ac"},
      {__LINE__, "a=%41%42", "a=AB"},
      // Decoded bytes that are not UTF-8 become U+FFFD (maximal subparts).
      {__LINE__, "a=%C3", "a=" + kReplacement},
      {__LINE__, "a=%FFA", "a=" + kReplacement + "A"},
      {__LINE__, "a=%E2%82", "a=" + kReplacement},
      {__LINE__, "a=%ED%A0%80",
       "a=" + kReplacement + kReplacement + kReplacement},
      {__LINE__, "a=%C0%AF", "a=" + kReplacement + kReplacement},
      {__LINE__, "a=%F4%90%80%80",
       "a=" + kReplacement + kReplacement + kReplacement + kReplacement},
      {__LINE__, "a=%F0%9F%92%BC", "a=\xF0\x9F\x92\xBC"},
      // Properties are kept as read (opaque: not decoded), OWS removed.
      {__LINE__, "a=1;p", "a=1;p"},
      {__LINE__, "a=1;p=x=y;q", "a=1;p=x=y;q"},
      {__LINE__, "a=1;p=%zz", "a=1;p=%zz"},
      {__LINE__, "a=1;p=", "a=1;p="},
      // A later duplicate replaces the earlier value in its place.
      {__LINE__, "a=1,b=2,a=3;p", "a=3;p|b=2"},
  }));
  CAPTURE(row.line, row.header);

  CHECK(describe(Baggage::parse(row.header)) == row.expected);
}

TEST_CASE("a malformed baggage member is skipped and the others are kept",
          "[baggage]") {
  struct Row {
    int line;
    std::string bad_member;
  };
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, "a"},               // no '='
      {__LINE__, "=1"},              // empty key
      {__LINE__, " = 1"},            // blank key
      {__LINE__, "a b=1"},           // space in the key
      {__LINE__, "a@=1"},            // '@' is not a token character
      {__LINE__, "\"a\"=1"},         // nor is DQUOTE
      {__LINE__, "a=1 2"},           // space in the value
      {__LINE__, "a=\"1\""},         // DQUOTE in the value
      {__LINE__, "a=1\\2"},          // backslash in the value
      {__LINE__, "a=\xE2\x82\xAC"},  // raw UTF-8 (must be percent-encoded)
      {__LINE__, "a=\x01"},          // a control character
      {__LINE__, "a=%zz"},           // invalid escapes
      {__LINE__, "a=%2"},
      {__LINE__, "a=%"},
      {__LINE__, "a=1%"},
      {__LINE__, "a=%g0"},
      {__LINE__, "a=1;"},     // an empty property
      {__LINE__, "a=1;;p"},   // another
      {__LINE__, "a=1; ;p"},  // another
      {__LINE__, "a=1;=v"},   // a property without key
      {__LINE__, "a=1;p q"},  // a property key that is not a token
      {__LINE__, "a=1;p=x y"},
      {__LINE__, "a=1;p=\"x\""},
  }));
  CAPTURE(row.line, row.bad_member);

  CHECK(describe(Baggage::parse(row.bad_member)) == "");
  CHECK(describe(Baggage::parse("x=1," + row.bad_member + ",y=2")) ==
        "x=1|y=2");
}

TEST_CASE("baggage values are percent-encoded so that they read back the same",
          "[baggage]") {
  struct Row {
    int line;
    std::string value;
    std::string encoded;
  };
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, "alice", "alice"},
      {__LINE__, "DF 28", "DF%2028"},
      {__LINE__, "100%", "100%25"},
      {__LINE__, "a,b;c", "a%2Cb%3Bc"},
      {__LINE__, "\"q\"\\", "%22q%22%5C"},
      {__LINE__, "x=y&z!~", "x=y&z!~"},
      {__LINE__, "\u20ac", "%E2%82%AC"},
      {__LINE__, "\xF0\x9F\x92\xBC", "%F0%9F%92%BC"},
      {__LINE__, "tab\there\n", "tab%09here%0A"},
      {__LINE__, "", ""},
  }));
  CAPTURE(row.line, row.value);

  const Baggage baggage = Baggage().set("k", row.value, "p;q=1");
  CHECK(baggage.to_header() == "k=" + row.encoded + ";p;q=1");
  CHECK(Baggage::parse(baggage.to_header()) == baggage);
}

TEST_CASE("baggage that cannot be written to the header is left out",
          "[baggage]") {
  DiagnosticsCapture capture;
  const std::uint64_t dropped_before = weft::baggage::dropped_members();

  SECTION("a name that is not an HTTP token is left out and counted") {
    const Baggage baggage =
        Baggage().set("a", "1").set("not a token", "2").set("b", "3");
    CHECK(baggage.to_header() == "a=1,b=3");
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
    CHECK(captured_diagnostics().size() == 1);
  }
  SECTION("metadata that is not a property list is left out, not counted") {
    const Baggage baggage = Baggage().set("a", "1", "x,y").set("b", "2", " p ");
    CHECK(baggage.to_header() == "a=1,b=2;p");
    CHECK(weft::baggage::dropped_members() == dropped_before);
    CHECK(captured_diagnostics().empty());
  }
}

TEST_CASE("a Baggage is an immutable list with one value per name",
          "[baggage]") {
  const Baggage empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK_FALSE(empty.get("a"));
  CHECK(empty.to_header().empty());

  const Baggage one = empty.set("a", "1");
  const Baggage two = one.set("b", "2", "p");
  const Baggage replaced = two.set("a", "3");
  CHECK(describe(one) == "a=1");
  CHECK(describe(two) == "a=1|b=2;p");
  CHECK(describe(replaced) == "a=3|b=2;p");  // in place
  CHECK(two.get("b") == std::optional<std::string_view>("2"));
  CHECK(two.find("b")->metadata == "p");
  CHECK(describe(replaced.remove("a")) == "b=2;p");
  CHECK(replaced.remove("a").remove("b").empty());
  CHECK(describe(replaced.remove("missing")) == "a=3|b=2;p");
  CHECK(describe(one.set("", "x")) == "a=1");  // names are never empty
  CHECK(describe(one) == "a=1");               // unchanged by all of this
}

TEST_CASE("baggage over 64 members keeps the first 64 and counts the rest",
          "[baggage]") {
  DiagnosticsCapture capture;
  const std::uint64_t dropped_before = weft::baggage::dropped_members();

  SECTION("on extract") {
    const Baggage baggage = Baggage::parse(members(66));
    CHECK(baggage.size() == 64);
    CHECK(baggage.get("k64"));
    CHECK_FALSE(baggage.get("k65"));
    CHECK(weft::baggage::dropped_members() - dropped_before == 2);
    CHECK(captured_diagnostics().size() == 1);
  }
  SECTION("exactly 64 members are all kept") {
    CHECK(Baggage::parse(members(64)).size() == 64);
    CHECK(weft::baggage::dropped_members() == dropped_before);
    CHECK(captured_diagnostics().empty());
  }
  SECTION("on inject") {
    Baggage baggage;
    for (int i = 1; i <= 65; ++i) {
      baggage = baggage.set("k" + std::to_string(i), std::to_string(i));
    }
    CHECK(baggage.size() == 65);  // the limits apply to the header only
    CHECK(baggage.to_header() == members(64));
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
    CHECK(captured_diagnostics().size() == 1);
  }
}

TEST_CASE("baggage over 8192 bytes drops the members that do not fit",
          "[baggage]") {
  DiagnosticsCapture capture;
  const std::uint64_t dropped_before = weft::baggage::dropped_members();
  const std::string big(4000, 'x');

  SECTION("a member that does not fit is dropped, a later one that fits kept") {
    const std::string header =
        "a=" + big + ",b=" + big + ",c=" + big + ",d=1";  // 12,015 bytes
    CHECK(describe(Baggage::parse(header)) ==
          "a=" + big + "|b=" + big + "|d=1");
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  SECTION("8192 bytes are kept, 8193 are not") {
    CHECK(Baggage::parse("a=" + std::string(8190, 'v')).size() == 1);
    CHECK(Baggage::parse("a=" + std::string(8191, 'v')).empty());
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  SECTION("the size counts values as they are written: encoded") {
    std::string escaped_a;  // 12,000 bytes that decode to 4,000 'A's
    for (int i = 0; i < 4000; ++i) escaped_a += "%41";
    CHECK(Baggage::parse("a=" + escaped_a).size() == 1);
    // 2,730 spaces encode to 8,190 bytes: 8,192 with "a=".
    CHECK(Baggage().set("a", std::string(2730, ' ')).to_header().size() ==
          8192);
    CHECK(Baggage().set("a", std::string(2731, ' ')).to_header().empty());
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  SECTION("on inject") {
    const Baggage baggage =
        Baggage().set("a", big).set("b", big).set("c", big).set("d", "1");
    CHECK(baggage.to_header() == "a=" + big + ",b=" + big + ",d=1");
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  SECTION("a duplicate that would not fit leaves the earlier value") {
    const std::string header = "a=1,b=" + big + ",c=" + big + ",a=" + big;
    CHECK(describe(Baggage::parse(header)) == "a=1|b=" + big + "|c=" + big);
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  CHECK(captured_diagnostics().size() == 1);
}

TEST_CASE("baggage over the limits is reported once however often it happens",
          "[baggage]") {
  DiagnosticsCapture capture;
  const std::uint64_t dropped_before = weft::baggage::dropped_members();
  for (int i = 0; i < 3; ++i) {
    CHECK(Baggage::parse(members(70)).size() == 64);
  }
  CHECK(weft::baggage::dropped_members() - dropped_before == 18);
  REQUIRE(captured_diagnostics().size() == 1);
  CHECK(captured_diagnostics()[0].find("baggage") != std::string::npos);
  CHECK(captured_diagnostics()[0].find("dropped_members") != std::string::npos);
}

TEST_CASE("a huge baggage header is read only up to a bound", "[baggage]") {
  DiagnosticsCapture capture;
  const std::uint64_t dropped_before = weft::baggage::dropped_members();

  SECTION("one member larger than the bound yields nothing") {
    const std::string header = "a=" + std::string(1 << 20, 'x');
    CHECK(Baggage::parse(header).empty());
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  SECTION("only whole members before the bound are read") {
    // 20,000 copies of ",a=1" and then members that lie past the bound.
    std::string header = "a=0";
    for (int i = 0; i < 20000; ++i) header += ",a=1";
    header += ",z=2";
    const Baggage baggage = Baggage::parse(header);
    CHECK(describe(baggage) == "a=1");
    CHECK(weft::baggage::dropped_members() - dropped_before == 1);
  }
  SECTION("the bound is on every header of a carrier together") {
    MultiMap carrier;
    carrier.emplace("baggage", "a=" + std::string(20000, 'x'));
    carrier.emplace("baggage", "b=1");
    carrier.emplace("baggage", "c=" + std::string(20000, 'x'));
    carrier.emplace("baggage", "d=1");
    const Context context = BaggagePropagator().extract(carrier);
    CHECK(describe(weft::baggage::from(context)) == "b=1");
    // a is over the byte limit; c crosses the input bound; d lies past it.
    CHECK(weft::baggage::dropped_members() - dropped_before == 2);
  }
  CHECK(captured_diagnostics().size() == 1);
}

TEST_CASE("the baggage propagator round-trips baggage through a carrier",
          "[baggage]") {
  const BaggagePropagator propagator;
  const Baggage baggage = Baggage()
                              .set("tenant", "acme corp")
                              .set("user", "\u00e9l\u00e8ve", "ttl=60;internal")
                              .set("ratio", "100%");
  const Context context = weft::baggage::with(Context(), baggage);

  SECTION("a std::map") {
    Map carrier;
    propagator.inject(context, carrier);
    CHECK(carrier == Map{{"baggage",
                          "tenant=acme%20corp,user=%C3%A9l%C3%A8ve;ttl=60;"
                          "internal,ratio=100%25"}});
    CHECK(weft::baggage::from(propagator.extract(carrier)) == baggage);
  }
  SECTION("a multimap with two baggage headers") {
    const MultiMap carrier = {{"baggage", "tenant=acme%20corp"},
                              {"baggage",
                               "user = %C3%A9l%C3%A8ve ; ttl = 60 ; internal ,"
                               " ratio=100%25"}};
    CHECK(weft::baggage::from(propagator.extract(carrier)) == baggage);
  }
  SECTION("a vector of pairs: names in any case, an invalid value between") {
    const std::vector<std::pair<std::string, std::string>> carrier = {
        {"Baggage", "tenant=acme%20corp"},
        {"baggage", "bad=%zz, =, no-equals"},
        {"BAGGAGE", "user=%C3%A9l%C3%A8ve;ttl=60;internal,ratio=100%25"}};
    CHECK(weft::baggage::from(propagator.extract(carrier)) == baggage);
  }
  CHECK(propagator.fields().size() == 1);
  CHECK(propagator.fields()[0] == "baggage");
}

TEST_CASE("the baggage propagator writes nothing for empty baggage",
          "[baggage]") {
  DiagnosticsCapture capture;
  const BaggagePropagator propagator;
  Map carrier;
  propagator.inject(Context(make_context(1, 2)), carrier);
  CHECK(carrier.empty());
  // Nothing that can be written is nothing too.
  propagator.inject(weft::baggage::set(Context(), "not a token", "1"), carrier);
  CHECK(carrier.empty());
}

TEST_CASE("baggage extraction keeps the base context's span and values",
          "[baggage]") {
  static const weft::ContextKey<std::string> kTenant("tenant");
  const BaggagePropagator propagator;
  const weft::SpanContext parent = make_context(1, 2);
  const Context base =
      weft::baggage::set(Context(parent).with(kTenant, "acme"), "old", "1");

  SECTION("the carrier's baggage replaces the base's") {
    const Context context = propagator.extract(Map{{"baggage", "a=1"}}, base);
    CHECK(context.span_context() == parent);
    CHECK(*context.get(kTenant) == "acme");
    CHECK(describe(weft::baggage::from(context)) == "a=1");
  }
  SECTION("a carrier without valid baggage leaves the base unchanged") {
    for (const Map& carrier : {Map{}, Map{{"baggage", "=,%zz"}}}) {
      const Context context = propagator.extract(carrier, base);
      CHECK(context.span_context() == parent);
      CHECK(*context.get(kTenant) == "acme");
      CHECK(describe(weft::baggage::from(context)) == "old=1");
    }
  }
}

TEST_CASE("the baggage helpers change one entry and keep the rest",
          "[baggage]") {
  static const weft::ContextKey<int> kNumber("number");
  const weft::SpanContext span = make_context(3, 4);
  const Context base = Context(span).with(kNumber, 7);

  const Context one = weft::baggage::set(base, "a", "1");
  const Context two = weft::baggage::set(one, "b", "2", "p");
  const Context changed = weft::baggage::set(two, "a", "3");
  const Context removed = weft::baggage::remove(changed, "a");

  for (const Context* context : {&one, &two, &changed, &removed}) {
    CHECK(context->span_context() == span);
    CHECK(*context->get(kNumber) == 7);
  }
  CHECK(weft::baggage::from(base).empty());
  CHECK(weft::baggage::get(one, "a") == "1");
  CHECK(weft::baggage::get(two, "a") == "1");
  CHECK(weft::baggage::get(two, "b") == "2");
  CHECK(describe(weft::baggage::from(changed)) == "a=3|b=2;p");
  CHECK_FALSE(weft::baggage::get(removed, "a"));
  CHECK(weft::baggage::get(removed, "b") == "2");
  CHECK_FALSE(weft::baggage::get(removed, "missing"));
  CHECK(weft::baggage::remove(removed, "missing").get(kNumber) != nullptr);
  // Removing the last entry leaves no baggage at all.
  CHECK(weft::baggage::from(weft::baggage::remove(removed, "b")).empty());
  // with() an empty Baggage clears it.
  CHECK(weft::baggage::from(weft::baggage::with(two, Baggage())).empty());
}

TEST_CASE("the current context's baggage is reachable without passing it",
          "[baggage]") {
  CHECK(weft::baggage::current().empty());
  CHECK_FALSE(weft::baggage::get("tenant"));
  {
    weft::Scope scope(weft::baggage::set(Context::current(), "tenant", "acme"));
    CHECK(weft::baggage::get("tenant") == "acme");
    CHECK(describe(weft::baggage::current()) == "tenant=acme");
    // from() on a temporary context returns a copy that outlives it.
    const Baggage copy = weft::baggage::from(Context::current());
    CHECK(copy.get("tenant") == std::optional<std::string_view>("acme"));
  }
  CHECK_FALSE(weft::baggage::get("tenant"));
}

TEST_CASE(
    "tracecontext and baggage propagators compose into one extract and inject",
    "[baggage]") {
  const weft::CompositePropagator propagator(
      {std::make_shared<weft::TraceContextPropagator>(),
       std::make_shared<BaggagePropagator>()});
  const Map in = {
      {"traceparent",
       "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
      {"tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
      {"baggage", "tenant=acme,user=alice;ttl=60,region=eu%20west"}};
  const Context context = propagator.extract(in);
  CHECK(context.span_context().is_valid());
  CHECK(weft::baggage::get(context, "region") == "eu west");
  Map out;
  propagator.inject(context, out);
  CHECK(out == in);
  CHECK(propagator.fields().size() == 3);
}
