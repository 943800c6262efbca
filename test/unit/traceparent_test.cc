// Tests of weft/traceparent.h: the traceparent grammar of W3C Trace Context
// (rows from the Recommendation's examples and from each of its rules), and
// the compact and JSON forms of a SpanContext.
#include "weft/traceparent.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kSpanId = "00f067aa0ba902b7";

weft::SpanContext example_context(std::uint8_t flags = 1,
                                  std::string_view trace_state = {}) {
  return weft::SpanContext(
      *weft::TraceId::from_hex(kTraceId), *weft::SpanId::from_hex(kSpanId),
      weft::TraceFlags(flags), weft::TraceState::parse(trace_state));
}

}  // namespace

TEST_CASE("a valid traceparent yields a remote context with its ids",
          "[traceparent]") {
  struct Row {
    int line;
    std::string value;
    std::string trace_id;
    std::string span_id;
    std::uint8_t flags;
  };
  const std::string tail = std::string(kTraceId) + "-" + std::string(kSpanId);
  const Row row = GENERATE_COPY(values<Row>({
      // The Recommendation's two examples: sampled and not sampled.
      {__LINE__, "00-" + tail + "-01", std::string(kTraceId),
       std::string(kSpanId), 0x01},
      {__LINE__, "00-" + tail + "-00", std::string(kTraceId),
       std::string(kSpanId), 0x00},
      // Level 2's random flag is kept, with or without sampled.
      {__LINE__, "00-" + tail + "-02", std::string(kTraceId),
       std::string(kSpanId), 0x02},
      {__LINE__, "00-" + tail + "-03", std::string(kTraceId),
       std::string(kSpanId), 0x03},
      // Unknown flag bits are ignored when continuing the trace.
      {__LINE__, "00-" + tail + "-ff", std::string(kTraceId),
       std::string(kSpanId), 0x03},
      {__LINE__, "00-" + tail + "-09", std::string(kTraceId),
       std::string(kSpanId), 0x01},
      {__LINE__, "00-" + tail + "-fc", std::string(kTraceId),
       std::string(kSpanId), 0x00},
      // A higher version: the first four fields, the rest ignored after '-'.
      {__LINE__, "cc-" + tail + "-01", std::string(kTraceId),
       std::string(kSpanId), 0x01},
      {__LINE__, "cc-" + tail + "-01-what-the-future-will-be-like",
       std::string(kTraceId), std::string(kSpanId), 0x01},
      {__LINE__, "01-" + tail + "-01-", std::string(kTraceId),
       std::string(kSpanId), 0x01},
      {__LINE__, "fe-" + tail + "-00-XYZ not parsed", std::string(kTraceId),
       std::string(kSpanId), 0x00},
      // Ids with a single non-zero byte are valid.
      {__LINE__, "00-00000000000000000000000000000001-0000000000000001-01",
       "00000000000000000000000000000001", "0000000000000001", 0x01},
  }));
  CAPTURE(row.line, row.value);

  const auto context = weft::parse_traceparent(row.value);
  REQUIRE(context.has_value());
  CHECK(context->trace_id().to_hex() == row.trace_id);
  CHECK(context->span_id().to_hex() == row.span_id);
  CHECK(context->flags().bits() == row.flags);
  CHECK(context->is_remote());
  CHECK(context->trace_state().empty());
}

TEST_CASE("an invalid traceparent is rejected", "[traceparent]") {
  struct Row {
    int line;
    std::string value;
  };
  const std::string tail = std::string(kTraceId) + "-" + std::string(kSpanId);
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, ""},
      {__LINE__, "00"},
      // Version ff is forbidden, whatever follows.
      {__LINE__, "ff-" + tail + "-01"},
      {__LINE__, "ff-" + tail + "-01-extra"},
      // Version: illegal characters, uppercase, too long, too short.
      {__LINE__, ".0-" + tail + "-01"},
      {__LINE__, "0.-" + tail + "-01"},
      {__LINE__, "0A-" + tail + "-01"},
      {__LINE__, "000-" + tail + "-01"},
      {__LINE__, "0-" + tail + "-01"},
      // Version 00 is exactly 55 characters.
      {__LINE__, "00-" + tail + "-01."},
      {__LINE__, "00-" + tail + "-01-"},
      {__LINE__, "00-" + tail + "-01-what-the-future-will-be-like"},
      {__LINE__, "00-" + tail + "-01 "},
      // A higher version must continue with '-' after the flags.
      {__LINE__, "cc-" + tail + "-01.what-the-future-will-be-like"},
      {__LINE__, "cc-" + tail + "-011"},
      // A higher version shorter than 55 characters.
      {__LINE__, "cc-" + tail + "-1"},
      // Trace id: all zero, uppercase, illegal characters, lengths.
      {__LINE__,
       "00-00000000000000000000000000000000-" + std::string(kSpanId) + "-01"},
      {__LINE__,
       "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + std::string(kSpanId) + "-01"},
      {__LINE__,
       "00-4bf92f3577b34da6a3ce929d0e0e473G-" + std::string(kSpanId) + "-01"},
      {__LINE__,
       "00-.bf92f3577b34da6a3ce929d0e0e4736-" + std::string(kSpanId) + "-01"},
      {__LINE__,
       "00-4bf92f3577b34da6a3ce929d0e0e47361-" + std::string(kSpanId) + "-01"},
      {__LINE__,
       "00-4bf92f3577b34da6a3ce929d0e0e473-" + std::string(kSpanId) + "-01"},
      // Parent id: all zero, uppercase, illegal characters, lengths.
      {__LINE__, "00-" + std::string(kTraceId) + "-0000000000000000-01"},
      {__LINE__, "00-" + std::string(kTraceId) + "-00F067AA0BA902B7-01"},
      {__LINE__, "00-" + std::string(kTraceId) + "-.0f067aa0ba902b7-01"},
      {__LINE__, "00-" + std::string(kTraceId) + "-00f067aa0ba902b71-01"},
      {__LINE__, "00-" + std::string(kTraceId) + "-00f067aa0ba902b-01"},
      // Flags: uppercase, illegal characters, lengths.
      {__LINE__, "00-" + tail + "-0A"},
      {__LINE__, "00-" + tail + "-.0"},
      {__LINE__, "00-" + tail + "-0."},
      {__LINE__, "00-" + tail + "-001"},
      {__LINE__, "00-" + tail + "-1"},
      // Wrong delimiters, surrounding whitespace (trimmed by the
      // propagator, not by the strict parser).
      {__LINE__, "00_" + tail + "-01"},
      {__LINE__,
       "00-" + std::string(kTraceId) + "_" + std::string(kSpanId) + "-01"},
      {__LINE__, "00-" + tail + "_01"},
      {__LINE__, " 00-" + tail + "-01"},
      {__LINE__, "00-" + tail + "-01\t"},
  }));
  CAPTURE(row.line, row.value);

  CHECK_FALSE(weft::parse_traceparent(row.value).has_value());
}

TEST_CASE("format_traceparent writes version 00 in lowercase",
          "[traceparent]") {
  SECTION("the Recommendation's example") {
    CHECK(weft::format_traceparent(example_context(0x01)) ==
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  }
  SECTION("only the sampled and random bits are written") {
    CHECK(weft::format_traceparent(example_context(0xff)) ==
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
    CHECK(weft::format_traceparent(example_context(0x02)).substr(53) == "02");
  }
  SECTION("an invalid context formats as an empty string") {
    CHECK(weft::format_traceparent(weft::SpanContext()).empty());
  }
}

TEST_CASE("a traceparent survives format then parse", "[traceparent]") {
  const std::uint8_t flags = GENERATE(0x00, 0x01, 0x02, 0x03);
  CAPTURE(flags);
  const weft::SpanContext original = example_context(flags);
  const auto parsed =
      weft::parse_traceparent(weft::format_traceparent(original));
  REQUIRE(parsed.has_value());
  CHECK(*parsed == original);
}

TEST_CASE("the compact form stores a context with its tracestate",
          "[traceparent]") {
  SECTION("without tracestate it is the traceparent") {
    const weft::SpanContext context = example_context(0x01);
    CHECK(weft::format_span_context(context) ==
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  }
  SECTION("with tracestate, ';' and the canonical header follow") {
    const weft::SpanContext context =
        example_context(0x03, "rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE");
    const std::string text = weft::format_span_context(context);
    CHECK(text ==
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03;"
          "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    const auto parsed = weft::parse_span_context(text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == context);
    CHECK(parsed->is_remote());
  }
  SECTION("a tracestate value may contain ';'") {
    const weft::SpanContext context = example_context(0x01, "a=x;y,b=z");
    const auto parsed =
        weft::parse_span_context(weft::format_span_context(context));
    REQUIRE(parsed.has_value());
    CHECK(parsed->trace_state().header() == "a=x;y,b=z");
  }
  SECTION("a repeated tracestate key keeps its first member, as in a header") {
    const auto parsed = weft::parse_span_context(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;a=1,b=2,a=3");
    REQUIRE(parsed.has_value());
    CHECK(parsed->trace_state().header() == "a=1,b=2");
  }
  SECTION("an invalid context formats as an empty string") {
    CHECK(weft::format_span_context(weft::SpanContext()).empty());
  }
}

TEST_CASE("the compact form parser rejects anything else", "[traceparent]") {
  struct Row {
    int line;
    std::string text;
  };
  const std::string traceparent =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, ""},
      {__LINE__, traceparent.substr(0, 54)},
      // Only version 00 is written, so only version 00 is read.
      {__LINE__, "cc" + traceparent.substr(2)},
      {__LINE__, traceparent + ";"},
      {__LINE__, traceparent + ";FOO=1"},
      {__LINE__, traceparent + ";@a=1"},
      {__LINE__, traceparent + " a=1"},
      {__LINE__, traceparent + "-a=1"},
      {__LINE__, "00-00000000000000000000000000000000-00f067aa0ba902b7-01"},
  }));
  CAPTURE(row.line, row.text);

  CHECK_FALSE(weft::parse_span_context(row.text).has_value());
}

TEST_CASE("the JSON form stores a context with its tracestate",
          "[traceparent]") {
  SECTION("the written form uses OTLP/JSON link field names") {
    CHECK(weft::format_span_context_json(example_context(0x01, "congo=t61")) ==
          R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
          R"("spanId":"00f067aa0ba902b7","flags":1,"traceState":"congo=t61"})");
  }
  SECTION("quotes and backslashes in tracestate values are escaped") {
    const weft::SpanContext context = example_context(0x02, R"(a="q\",b=p\\n)");
    const std::string json = weft::format_span_context_json(context);
    CHECK(json.find(R"("traceState":"a=\"q\\\",b=p\\\\n")") !=
          std::string::npos);
    const auto parsed = weft::parse_span_context_json(json);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == context);
  }
  SECTION("members in any order, whitespace, unknown members") {
    const auto parsed = weft::parse_span_context_json(
        " {\n \"note\" : \"x\\u0041\", \"flags\": 3 ,\"spanId\":"
        "\"00f067aa0ba902b7\",\t\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736"
        "\", \"count\": 12 } \n");
    REQUIRE(parsed.has_value());
    CHECK(*parsed == example_context(0x03));
    CHECK(parsed->is_remote());
  }
  SECTION("flags and traceState are optional; unknown flag bits dropped") {
    auto parsed = weft::parse_span_context_json(
        R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
        R"("spanId":"00f067aa0ba902b7"})");
    REQUIRE(parsed.has_value());
    CHECK(*parsed == example_context(0x00));
    parsed = weft::parse_span_context_json(
        R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
        R"("spanId":"00f067aa0ba902b7","flags":255,"traceState":""})");
    REQUIRE(parsed.has_value());
    CHECK(*parsed == example_context(0x03));
  }
  SECTION("escaped characters decode before validation") {
    const auto parsed = weft::parse_span_context_json(
        R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
        R"("spanId":"00f067aa0ba902b7","traceState":"k\u003dv\/w"})");
    REQUIRE(parsed.has_value());
    CHECK(parsed->trace_state().header() == "k=v/w");
  }
}

TEST_CASE("the JSON form parser rejects anything else", "[traceparent]") {
  struct Row {
    int line;
    std::string json;
  };
  const std::string ids = R"("traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
                          R"("spanId":"00f067aa0ba902b7")";
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, ""},
      {__LINE__, "{}"},
      {__LINE__, "[]"},
      {__LINE__, "{" + ids},
      {__LINE__, "{" + ids + "}}"},
      {__LINE__, "{" + ids + ",}"},
      {__LINE__, "{" + ids + "} x"},
      {__LINE__, R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"})"},
      {__LINE__, R"({"spanId":"00f067aa0ba902b7"})"},
      // Invalid ids: uppercase, zero, short.
      {__LINE__, R"({"traceId":"4BF92F3577B34DA6A3CE929D0E0E4736",)"
                 R"("spanId":"00f067aa0ba902b7"})"},
      {__LINE__, R"({"traceId":"00000000000000000000000000000000",)"
                 R"("spanId":"00f067aa0ba902b7"})"},
      {__LINE__, R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
                 R"("spanId":"00f067aa0ba902b"})"},
      // Duplicate members.
      {__LINE__, "{" + ids + R"(,"spanId":"00f067aa0ba902b7"})"},
      {__LINE__, "{" + ids + R"(,"flags":1,"flags":1})"},
      // Flags: out of range, negative, fraction, leading zero, a string.
      {__LINE__, "{" + ids + R"(,"flags":256})"},
      {__LINE__, "{" + ids + R"(,"flags":-1})"},
      {__LINE__, "{" + ids + R"(,"flags":1.0})"},
      {__LINE__, "{" + ids + R"(,"flags":01})"},
      {__LINE__, "{" + ids + R"(,"flags":"01"})"},
      {__LINE__, "{" + ids + R"(,"flags":99999999999999999999999})"},
      // An invalid tracestate is not silently dropped.
      {__LINE__, "{" + ids + R"(,"traceState":"FOO=1"})"},
      {__LINE__, "{" + ids + R"(,"traceState":"a=\u00e9"})"},
      // Unsupported values, bad escapes, control characters.
      {__LINE__, "{" + ids + R"(,"x":true})"},
      {__LINE__, "{" + ids + R"(,"x":{}})"},
      {__LINE__, "{" + ids + R"(,"x":"\q"})"},
      {__LINE__, "{" + ids + R"(,"x":"\u12"})"},
      {__LINE__, "{" + ids + ",\"x\":\"a\nb\"}"},
      {__LINE__, "{" + ids + R"(,"x":"unterminated})"},
  }));
  CAPTURE(row.line, row.json);

  CHECK_FALSE(weft::parse_span_context_json(row.json).has_value());
}

TEST_CASE("the JSON parser refuses input over its size bound",
          "[traceparent]") {
  std::string json = R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",)"
                     R"("spanId":"00f067aa0ba902b7","pad":")";
  const std::string close = "\"}";
  json.append(weft::kMaxSpanContextJsonSize - json.size() - close.size(), 'x');
  json += close;
  REQUIRE(json.size() == weft::kMaxSpanContextJsonSize);
  CHECK(weft::parse_span_context_json(json).has_value());
  json.insert(json.size() - close.size(), "x");
  CHECK_FALSE(weft::parse_span_context_json(json).has_value());
}
