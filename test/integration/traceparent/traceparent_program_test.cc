// `weft traceparent` as a program: each invalid traceparent, tracestate and
// baggage gets the rule it breaks and exit status 1; valid ones show their
// fields and exit 0; `--new` prints traceparents that weft's own parser
// accepts; usage errors exit 2.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "../otlp/child_process.h"
#include "weft/traceparent.h"

namespace weft::testing {
namespace {

using Catch::Matchers::Contains;

constexpr auto kDeadline = std::chrono::seconds(30);
constexpr const char* kValid =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

ProgramRun run(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {WEFT_PROGRAM, "traceparent"});
  return run_program(arguments, kDeadline);
}

// `count` tracestate members k0=v, k1=v, ...
std::string tracestate_members(int count) {
  std::string header;
  for (int i = 0; i < count; ++i) {
    if (i != 0) header += ',';
    header += "k" + std::to_string(i) + "=v";
  }
  return header;
}

}  // namespace

TEST_CASE("weft traceparent names the rule an invalid traceparent breaks",
          "[traceparent][program]") {
  const auto [line, value,
              rule] = GENERATE(table<int, std::string, std::string>({
      {__LINE__, "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
       "trace-id is all zeros: the W3C Trace Context rule says an all-zero "
       "trace-id is invalid"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
       "parent-id is all zeros: the W3C Trace Context rule says an all-zero "
       "parent-id is invalid"},
      {__LINE__, "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       "version ff is forbidden"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
       "parent-id has uppercase hex: only lowercase hex is allowed"},
      {__LINE__, "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
       "trace-id has uppercase hex: only lowercase hex is allowed"},
      {__LINE__, "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       "version has uppercase hex"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0F",
       "flags has uppercase hex"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-ab",
       "wrong length: version 00 has exactly 55 characters, this has 58"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
       "trace-id '4bf92f3577b34da6a3ce929d0e0e473' has 31 characters: it has "
       "exactly 32 lowercase hex digits"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
       "parent-id '00f067aa0ba902b' has 15 characters: it has exactly 16"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
       "flags has 'g' at character 2: only lowercase hex digits"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0bz902b7-01",
       "parent-id has 'z' at character 11: only lowercase hex digits"},
      {__LINE__, "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       "version has 'g' at character 2"},
      {__LINE__, "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       "version '0' has 1 character: it has exactly 2"},
      {__LINE__, "", "empty: a traceparent is 55 characters"},
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736",
       "has 2 fields separated by '-': a traceparent has 4"},
      {__LINE__, "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
       "version cc: after the flags (character 56) a later version continues "
       "with '-', found 'x'"},
      {__LINE__, "tracestate: congo=t61rcWkgMzE", "has ':'"},
      // Control characters are shown escaped, never sent to the terminal.
      {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\x1b[",
       "flags has \\x1b at character 1"},
  }));
  CAPTURE(line, value);
  const ProgramRun result = run({value});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Contains(rule));
  CHECK_THAT(result.err, Contains("invalid traceparent: a propagator discards "
                                  "it, and the tracestate with it"));
  CHECK_THAT(result.out, Contains("invalid:"));
  CHECK(result.err.find('\x1b') == std::string::npos);
  CHECK(result.out.find('\x1b') == std::string::npos);
  // The tool agrees with the parser the propagators use.
  CHECK_FALSE(weft::parse_traceparent(value).has_value());
}

TEST_CASE(
    "weft traceparent names the tracestate member that breaks a rule and says "
    "the whole header is discarded",
    "[traceparent][program]") {
  const auto [line, tracestate, rule] =
      GENERATE_COPY(table<int, std::string, std::string>({
          {__LINE__, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,Foo=bar",
           "tracestate member 3 'Foo=bar': keys must start with a lowercase "
           "letter or digit, not 'F'"},
          {__LINE__, "a=1,fOo=1",
           "tracestate member 2 'fOo=1': keys have lowercase letters only: "
           "'O' at character 2 is uppercase"},
          {__LINE__, "a=1,f.o=1",
           "tracestate member 2 'f.o=1': keys have only a-z, 0-9, '_', '-', "
           "'*', '/' and '@': '.' at character 2"},
          {__LINE__, "a=", "tracestate member 1 'a=': the value is empty"},
          {__LINE__, "=b", "tracestate member 1 '=b': the key is empty"},
          {__LINE__, "a=b=c",
           "tracestate member 1 'a=b=c': the value has '=' at character 2: "
           "values are printable ASCII other than ',' and '='"},
          {__LINE__, "a=1,novalue",
           "tracestate member 2 'novalue': no '=': a member is key=value"},
          {__LINE__, "a=1," + std::string(257, 'k') + "=v",
           "tracestate member 2 '" + std::string(257, 'k') +
               "=v': the key has 257 characters: at most 256"},
          {__LINE__, "a=" + std::string(257, 'v'),
           "the value has 257 characters: at most 256"},
          {__LINE__, tracestate_members(33),
           "tracestate has 33 members: the W3C limit is 32"},
          {__LINE__, "a=1,b=" + std::string(40000, 'v'),
           "tracestate has 40006 characters: a propagator reads at most "
           "32768 and discards a longer one"},
      }));
  CAPTURE(line, tracestate);
  const ProgramRun result = run({kValid, "--tracestate", tracestate});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Contains(rule));
  CHECK_THAT(result.err,
             Contains("invalid tracestate: a propagator discards the whole "
                      "header"));
  CHECK_THAT(result.out, Contains("INVALID") || Contains("33 members"));
}

TEST_CASE("weft traceparent names the baggage member that breaks a rule",
          "[traceparent][program]") {
  std::string many_members;
  for (int i = 0; i < 65; ++i) {
    many_members += (i == 0 ? "" : ",") + ("k" + std::to_string(i)) + "=v";
  }
  const std::string long_value = "big=" + std::string(9000, 'x');
  const auto [line, baggage, rule, discarded] =
      GENERATE_COPY(table<int, std::string, std::string, bool>({
          {__LINE__, "userId=alice,bad key=1",
           "baggage member 2 'bad key=1': the key has ' ' at character 4: "
           "keys are HTTP tokens",
           false},
          {__LINE__, "a=b c",
           "baggage member 1 'a=b c': the value has a space at character 2: "
           "values are printable ASCII other than space",
           true},
          {__LINE__, "a=x%zz",
           "baggage member 1 'a=x%zz': the value has '%' at character 2 "
           "without two hex digits after it",
           true},
          {__LINE__, "a=1,novalue",
           "baggage member 2 'novalue': no '=': a member is key=value", false},
          {__LINE__, "a=1;p q=2",
           "baggage member 1 'a=1;p q=2': property 1's key has ' ' at "
           "character 2",
           true},
          {__LINE__, many_members,
           "baggage member 65 'k64': over the W3C limit of 64 members", false},
          {__LINE__, long_value,
           "baggage member 1 'big': over the W3C limit of 8192 bytes", true},
      }));
  CAPTURE(line, baggage.substr(0, 80));
  const ProgramRun result = run({kValid, "--baggage", baggage});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Contains(rule));
  CHECK((result.err.find("the header is discarded as a whole") !=
         std::string::npos) == discarded);
}

TEST_CASE("weft traceparent shows the fields of a valid traceparent",
          "[traceparent][program]") {
  const auto [line, value, expected] =
      GENERATE(table<int, std::string, std::string>({
          {__LINE__, kValid, "flags        01  sampled, random flag not set"},
          {__LINE__, "traceparent: " + std::string(kValid),
           "trace-id     4bf92f3577b34da6a3ce929d0e0e4736\n"
           "parent-id    00f067aa0ba902b7\n"},
          {__LINE__, "Traceparent:" + std::string(kValid) + "  ",
           "version      00\n"},
          {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
           "03  sampled, random (Level 2"},
          {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
           "00  not sampled"},
          {__LINE__, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
           "unknown bits fc (ignored"},
          {__LINE__,
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-"
           "the-future-holds",
           "version      cc  newer than 00: read leniently, as version 00; the "
           "22 characters after the first 55 ignored\n"},
          {__LINE__, "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "version      01  newer than 00: read leniently, as version 00\n"},
      }));
  CAPTURE(line, value);
  const ProgramRun result = run({value});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Contains(expected));
  CHECK_THAT(result.out, Contains("\nvalid\n"));
  CHECK(result.err.empty());
}

TEST_CASE("weft traceparent shows each tracestate and baggage member",
          "[traceparent][program]") {
  const ProgramRun result =
      run({kValid, "--tracestate",
           "tracestate: congo=t61rcWkgMzE, rojo=00f067aa0ba902b7,,"
           "acme@vendor=x,congo=again",
           "--baggage",
           "userId=alice, serverNode=DF%2028,isProduction=false;ttl=60"});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Contains("tracestate   4 members (at most 32)"));
  CHECK_THAT(result.out, Contains("  member 1   congo = t61rcWkgMzE\n"));
  CHECK_THAT(result.out, Contains("  member 3   (empty: skipped"));
  CHECK_THAT(result.out,
             Contains("acme@vendor = x  (vendor key: tenant 'acme' of system "
                      "'vendor')"));
  CHECK_THAT(result.out, Contains("congo = again  (repeats an earlier key: the "
                                  "propagator keeps the first"));
  CHECK_THAT(result.out, Contains("baggage      3 members kept"));
  CHECK_THAT(result.out,
             Contains("  member 2   serverNode = DF 28  (decoded from "
                      "'DF%2028')"));
  CHECK_THAT(result.out, Contains("isProduction = false  properties: ttl=60"));
  CHECK_THAT(result.out, Contains("\nvalid\n"));
}

TEST_CASE(
    "weft traceparent --new prints a fresh sampled traceparent that parses "
    "back",
    "[traceparent][program]") {
  const ProgramRun first = run({"--new"});
  const ProgramRun second = run({"--new"});
  const ProgramRun unsampled = run({"--new", "--not-sampled"});
  for (const ProgramRun* result : {&first, &second, &unsampled}) {
    CHECK(result->exit_code == 0);
    CHECK(result->err.empty());
    REQUIRE(result->out.size() == kTraceparentSize + 1);
    CHECK(result->out.back() == '\n');
  }
  const auto parsed = parse_traceparent(first.out.substr(0, kTraceparentSize));
  REQUIRE(parsed.has_value());
  CHECK(parsed->is_sampled());
  CHECK(parsed->flags().random());
  CHECK(first.out != second.out);
  const auto not_sampled =
      parse_traceparent(unsampled.out.substr(0, kTraceparentSize));
  REQUIRE(not_sampled.has_value());
  CHECK_FALSE(not_sampled->is_sampled());
  // And the tool itself finds it valid.
  CHECK(run({first.out.substr(0, kTraceparentSize)}).exit_code == 0);
}

TEST_CASE("weft traceparent explains its usage errors",
          "[traceparent][program]") {
  const auto [line, arguments, message] =
      GENERATE(table<int, std::vector<std::string>, std::string>({
          {__LINE__, {}, "weft traceparent: no TRACEPARENT given"},
          {__LINE__, {kValid, kValid}, "one TRACEPARENT only"},
          {__LINE__, {"--bogus", kValid}, "unknown option --bogus"},
          {__LINE__,
           {"--not-sampled", kValid},
           "--not-sampled goes with --new"},
          {__LINE__, {"--new", kValid}, "--new takes no TRACEPARENT"},
          {__LINE__, {kValid, "--tracestate"}, "--tracestate"},
      }));
  CAPTURE(line);
  const ProgramRun result = run(arguments);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains(message));
  CHECK_THAT(result.err, Contains("see weft traceparent --help"));

  const ProgramRun help = run({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("usage: weft traceparent"));
  CHECK_THAT(help.out, Contains("--new"));
}

}  // namespace weft::testing
