// Tests of weft/trace_state.h against the tracestate rules of W3C Trace
// Context (list and value grammar and limits of Level 1, key grammar of Level
// 2, a repeated key keeping its first member), with rows from the
// specification's examples and from the W3C test harness.
#include "weft/trace_state.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace {

// "k01=1,k02=2,...": n distinct valid members.
std::string members(int n, const std::string& separator = ",") {
  std::string out;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) out += separator;
    out += "k" + std::to_string(i) + "=" + std::to_string(i);
  }
  return out;
}

// Every character the value grammar allows, ending in a non-space.
std::string all_value_characters() {
  std::string out;
  for (char c = 0x20; c <= 0x7e; ++c) {
    if (c != ',' && c != '=') out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("a valid tracestate is kept in its canonical form", "[trace_state]") {
  struct Row {
    int line;
    std::string header;
    std::string canonical;
  };
  const Row row = GENERATE_COPY(values<Row>({
      // The Recommendation's examples.
      {__LINE__, "congo=t61rcWkgMzE", "congo=t61rcWkgMzE"},
      {__LINE__, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
       "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"},
      // Spaces and tabs around members are optional whitespace.
      {__LINE__, "foo=1 \t , \t bar=2, \t baz=3", "foo=1,bar=2,baz=3"},
      {__LINE__, "foo=1\t \t,\t \tbar=2,\t \tbaz=3", "foo=1,bar=2,baz=3"},
      {__LINE__, " foo=1", "foo=1"},
      {__LINE__, "\tfoo=1", "foo=1"},
      {__LINE__, "foo=1 ", "foo=1"},
      {__LINE__, "foo=1\t", "foo=1"},
      {__LINE__, "\t foo=1 \t", "foo=1"},
      // Empty and whitespace-only members are skipped.
      {__LINE__, "foo=1,,bar=2", "foo=1,bar=2"},
      {__LINE__, ",foo=1,", "foo=1"},
      {__LINE__, "foo=1, ,\t,bar=2", "foo=1,bar=2"},
      // Leading spaces of a value belong to it; inner spaces too.
      {__LINE__, "foo= 1", "foo= 1"},
      {__LINE__, "foo=a b", "foo=a b"},
      // Keys: digits, '_', '-', '*', '/' and '@' (see the key grammar test).
      {__LINE__, "a0_-*/=1", "a0_-*/=1"},
      {__LINE__, "tenant@system=1", "tenant@system=1"},
      {__LINE__, "1tenant@s=1", "1tenant@s=1"},
      {__LINE__, "t@s_-*/9=1", "t@s_-*/9=1"},
      {__LINE__, "foo@=1,bar=2", "foo@=1,bar=2"},
      // Values: '@', ';', '"', '\\', '~' and friends are printable.
      {__LINE__, "k=@;\"\\~!", "k=@;\"\\~!"},
      // 32 members is the limit, and is allowed.
      {__LINE__, members(32), members(32)},
      {__LINE__, members(32, " , "), members(32)},
      // Empty members do not count toward the 32.
      {__LINE__, members(32, ",,"), members(32)},
  }));
  CAPTURE(row.line, row.header);

  const weft::TraceState state = weft::TraceState::parse(row.header);
  CHECK(state.header() == row.canonical);
  CHECK_FALSE(state.empty());
}

TEST_CASE("an invalid tracestate is discarded whole", "[trace_state]") {
  struct Row {
    int line;
    std::string header;
  };
  const Row row = GENERATE_COPY(values<Row>({
      // Keys with illegal characters (harness rows) or an uppercase letter.
      {__LINE__, "foo =1"},
      {__LINE__, "FOO=1"},
      {__LINE__, "fOo=1,bar=2"},
      {__LINE__, "foo.bar=1"},
      {__LINE__, "bar=2,foo.bar=1"},
      {__LINE__, "=1"},
      {__LINE__, "_abc=1"},
      // A key starts with a letter or digit: never with '@'.
      {__LINE__, "@foo=1,bar=2"},
      {__LINE__, "_t@s=1"},
      // Values: missing, with '=', with ',', control characters, non-ASCII.
      {__LINE__, "foo"},
      {__LINE__, "foo=,bar=3"},
      {__LINE__, "foo=bar=baz"},
      {__LINE__, "foo= "},
      {__LINE__, "foo=a\tb"},
      {__LINE__, "foo=a\nb"},
      {__LINE__, "foo=\x7f"},
      {__LINE__, "foo=\xc3\xa9"},
      // A repeated key is no excuse for an invalid member.
      {__LINE__, "foo=1,foo=a\tb"},
      {__LINE__, "foo=1,foo="},
      {__LINE__, "foo=1,foo"},
      // More than 32 members (distinct keys).
      {__LINE__, members(33)},
      {__LINE__, members(40)},
      {__LINE__, members(32) + ",k1=1,k33=33"},
      // One bad member among good ones.
      {__LINE__, members(10) + ",BAD=1," + members(3)},
  }));
  CAPTURE(row.line, row.header);

  const weft::TraceState state = weft::TraceState::parse(row.header);
  CHECK(state.empty());
  CHECK(state.header().empty());
}

TEST_CASE("tracestate keys follow the Level 2 key grammar", "[trace_state]") {
  // key = ( lcalpha / DIGIT ) 0*255 ( keychar )
  // keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
  struct Row {
    int line;
    std::string key;
    bool valid;
  };
  const Row row = GENERATE_COPY(values<Row>({
      // Length: 1 to 256 characters, with or without '@'.
      {__LINE__, "a", true},
      {__LINE__, "7", true},
      {__LINE__, std::string(256, 'z'), true},
      {__LINE__, std::string(257, 'z'), false},
      {__LINE__, "1" + std::string(255, 'z'), true},
      {__LINE__, std::string(255, 'z') + "@", true},
      {__LINE__, std::string(255, 'z') + "@z", false},
      {__LINE__, "", false},
      // '@' anywhere after the first character, as often as it likes.
      {__LINE__, "foo@", true},
      {__LINE__, "@foo", false},
      {__LINE__, "@", false},
      {__LINE__, "a@b@c", true},
      {__LINE__, "foo@@bar", true},
      {__LINE__, "foo@bar@baz", true},
      // Level 1's tenant-id@system-id forms stay valid; its limits are gone.
      {__LINE__, "tenant@system", true},
      {__LINE__, "1tenant@s", true},
      {__LINE__, "t@1s", true},
      {__LINE__, "t@_s", true},
      {__LINE__, std::string(241, 't') + "@" + std::string(14, 's'), true},
      {__LINE__, std::string(242, 't') + "@s", true},
      {__LINE__, "t@" + std::string(15, 's'), true},
      // The first character is a lowercase letter or a digit.
      {__LINE__, "1abc", true},
      {__LINE__, "_abc", false},
      {__LINE__, "-abc", false},
      {__LINE__, "*abc", false},
      {__LINE__, "/abc", false},
      // Uppercase, and characters outside keychar, anywhere.
      {__LINE__, "FOO", false},
      {__LINE__, "fOo", false},
      {__LINE__, "Foo@bar", false},
      {__LINE__, "foo@Bar", false},
      {__LINE__, "foo.bar", false},
      {__LINE__, "foo bar", false},
      {__LINE__, "foo:bar", false},
      {__LINE__, "foo\xc3\xa9", false},
  }));
  CAPTURE(row.line, row.key);

  CHECK(weft::TraceState::is_valid_key(row.key) == row.valid);
  const weft::TraceState state =
      weft::TraceState::parse("first=1," + row.key + "=v");
  if (row.valid) {
    CHECK(state.header() == "first=1," + row.key + "=v");
    CHECK(state.set(row.key, "w").header() == row.key + "=w,first=1");
  } else {
    CHECK(state.empty());
    CHECK(weft::TraceState().set(row.key, "w").empty());
  }
}

TEST_CASE("a repeated tracestate key keeps its first member", "[trace_state]") {
  struct Row {
    int line;
    std::string header;
    std::string canonical;
  };
  const Row row = GENERATE_COPY(values<Row>({
      // The harness's rows: same value, different value.
      {__LINE__, "foo=1,foo=1", "foo=1"},
      {__LINE__, "foo=1,foo=2", "foo=1"},
      // The other members stay, in order.
      {__LINE__, "foo=1,bar=2,foo=3", "foo=1,bar=2"},
      {__LINE__, "bar=2,foo=1,baz=3,foo=4,qux=5", "bar=2,foo=1,baz=3,qux=5"},
      {__LINE__, "foo=1 , foo=2 ,, foo=3", "foo=1"},
      {__LINE__, "t@s=1,t@s=2,t@=3", "t@s=1,t@=3"},
      // A repeated member does not count toward the 32.
      {__LINE__, members(32) + ",k1=x", members(32)},
      {__LINE__, "k1=x," + members(32), "k1=x" + members(32).substr(4)},
      {__LINE__, members(32) + "," + members(32), members(32)},
  }));
  CAPTURE(row.line, row.header);

  const weft::TraceState state = weft::TraceState::parse(row.header);
  CHECK(state.header() == row.canonical);
  CHECK(weft::TraceState::parse(state.header()) == state);
}

TEST_CASE("tracestate keys and values have the specification's length limits",
          "[trace_state]") {
  SECTION("a simple key of 256 characters is valid, 257 is not") {
    CHECK(weft::TraceState::is_valid_key(std::string(256, 'z')));
    CHECK_FALSE(weft::TraceState::is_valid_key(std::string(257, 'z')));
    CHECK(weft::TraceState::parse("foo=1," + std::string(256, 'z') + "=1")
              .size() == 2);
    CHECK(weft::TraceState::parse("foo=1," + std::string(257, 'z') + "=1")
              .empty());
  }
  SECTION("a key with '@' has no other limit than the 256 characters") {
    CHECK(weft::TraceState::is_valid_key(std::string(241, 't') + "@" +
                                         std::string(14, 'v')));
    CHECK(weft::TraceState::is_valid_key(std::string(242, 't') + "@v"));
    CHECK(weft::TraceState::is_valid_key("t@" + std::string(254, 'v')));
    CHECK_FALSE(weft::TraceState::is_valid_key("t@" + std::string(255, 'v')));
  }
  SECTION("a value of 256 characters is valid, 257 is not") {
    CHECK(weft::TraceState::is_valid_value(std::string(256, 'v')));
    CHECK_FALSE(weft::TraceState::is_valid_value(std::string(257, 'v')));
  }
  SECTION("a value may start with spaces but not end with one") {
    CHECK(weft::TraceState::is_valid_value("  x"));
    CHECK_FALSE(weft::TraceState::is_valid_value("x "));
    CHECK_FALSE(weft::TraceState::is_valid_value(" "));
    CHECK_FALSE(weft::TraceState::is_valid_value(""));
  }
  SECTION("every allowed key and value character (the harness's row)") {
    const std::string key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/@";
    const std::string value = all_value_characters();
    for (const std::string& k : {key, "0" + key, key + "@a-z0-9_-*/"}) {
      CAPTURE(k);
      const weft::TraceState state = weft::TraceState::parse(k + "=" + value);
      REQUIRE(state.get(k).has_value());
      CHECK(*state.get(k) == value);
    }
  }
}

TEST_CASE("set puts the SDK's own entry first", "[trace_state]") {
  const weft::TraceState state =
      weft::TraceState::parse("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");

  SECTION("a new key goes to the front") {
    CHECK(state.set("weft", "abc").header() ==
          "weft=abc,congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
  }
  SECTION("an updated key moves to the front (the Recommendation's example)") {
    CHECK(state.set("rojo", "00f067aa0ba902b8").header() ==
          "rojo=00f067aa0ba902b8,congo=t61rcWkgMzE");
  }
  SECTION("a 33rd member pushes out the rightmost one") {
    const weft::TraceState full = weft::TraceState::parse(members(32));
    const weft::TraceState updated = full.set("new", "1");
    CHECK(updated.size() == 32);
    CHECK(updated.header().substr(0, 6) == "new=1,");
    CHECK_FALSE(updated.get("k32").has_value());
    CHECK(updated.get("k31").has_value());
  }
  SECTION("updating a key of a full state pushes nothing out") {
    const weft::TraceState full = weft::TraceState::parse(members(32));
    const weft::TraceState updated = full.set("k32", "new");
    CHECK(updated.size() == 32);
    CHECK(updated.header() == "k32=new," + members(31));
  }
  SECTION("a key kept first from a duplicated header is the one updated") {
    const weft::TraceState parsed =
        weft::TraceState::parse("foo=1,bar=2,foo=3");
    CHECK(parsed.get("foo") == std::optional<std::string_view>("1"));
    CHECK(parsed.set("foo", "4").header() == "foo=4,bar=2");
    CHECK(parsed.erase("foo").header() == "bar=2");
  }
  SECTION("an invalid key or value leaves the state unchanged") {
    CHECK(state.set("Bad", "1") == state);
    CHECK(state.set("ok", "a,b") == state);
  }
  SECTION("erase removes one key and keeps the order of the others") {
    CHECK(state.set("weft", "1").erase("congo").header() ==
          "weft=1,rojo=00f067aa0ba902b7");
  }
  SECTION("the original is unchanged: states are immutable values") {
    (void)state.set("weft", "1");
    CHECK(state.header() == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
  }
}

TEST_CASE("an attacker-sized tracestate is rejected without trouble",
          "[trace_state]") {
  SECTION("a megabyte of one value") {
    CHECK(weft::TraceState::parse("k=" + std::string(1 << 20, 'v')).empty());
  }
  SECTION("a megabyte of commas holds no member") {
    CHECK(weft::TraceState::parse(std::string(1 << 20, ',')).empty());
  }
  SECTION("many members") {
    CHECK(weft::TraceState::parse(members(100000)).empty());
  }
  SECTION("a megabyte of one repeated member is one member") {
    std::string repeated;
    while (repeated.size() < (1 << 20)) repeated += "k=1,";
    CHECK(weft::TraceState::parse(repeated).header() == "k=1");
  }
  SECTION("a megabyte of whitespace around one member is still one member") {
    const std::string pad(1 << 20, ' ');
    CHECK(weft::TraceState::parse(pad + "k=1" + pad).header() == "k=1");
  }
}
