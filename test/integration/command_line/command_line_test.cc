// CommandLine, the parser of `weft collect`, `weft view` and the samples:
// every kind of option, both spellings of a value, operands, and the
// messages of a bad command line.
#include "command_line.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace weft::tools {
namespace {

// Parses `arguments` (the program name comes first) with `command_line`.
bool parse(CommandLine& command_line, std::vector<std::string> arguments) {
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  return command_line.parse(static_cast<int>(arguments.size()), argv.data());
}

struct Parsed {
  std::string text = "default";
  bool on = false;
  std::uint64_t big = 7;
  std::uint32_t small = 3;
  double ratio = 0.5;
  std::string code;
};

// A command line with one option of each kind, bound to `parsed`.
CommandLine make_command_line(Parsed& parsed) {
  CommandLine command_line("weft test");
  command_line.add_text("text", parsed.text);
  command_line.add_switch("on", parsed.on);
  command_line.add_number("big", parsed.big);
  command_line.add_number("small", parsed.small, 1, 400);
  command_line.add_decimal("ratio", parsed.ratio, 0, 1);
  command_line.add_custom("code", [&parsed](std::string_view value) {
    if (value != "A" && value != "B") return std::string("A or B");
    parsed.code = std::string(value);
    return std::string();
  });
  return command_line;
}

TEST_CASE("each kind of option takes its value in either spelling",
          "[command_line]") {
  Parsed parsed;
  CommandLine command_line = make_command_line(parsed);
  REQUIRE(parse(command_line, {"prog", "--text", "hello world", "--on",
                               "--big=18446744073709551615", "--small", "400",
                               "--ratio=0.25", "--code", "B"}));
  CHECK(command_line.error().empty());
  CHECK_FALSE(command_line.help());
  CHECK(parsed.text == "hello world");
  CHECK(parsed.on);
  CHECK(parsed.big == 18446744073709551615u);
  CHECK(parsed.small == 400);
  CHECK(parsed.ratio == 0.25);
  CHECK(parsed.code == "B");
}

TEST_CASE("options left out keep their values", "[command_line]") {
  Parsed parsed;
  CommandLine command_line = make_command_line(parsed);
  REQUIRE(parse(command_line, {"prog"}));
  CHECK(parsed.text == "default");
  CHECK_FALSE(parsed.on);
  CHECK(parsed.big == 7);
  CHECK(parsed.small == 3);
  CHECK(parsed.ratio == 0.5);
}

TEST_CASE("operands mix with options when allowed, and are refused otherwise",
          "[command_line]") {
  Parsed parsed;
  CommandLine command_line = make_command_line(parsed);
  command_line.allow_operands();
  REQUIRE(parse(command_line,
                {"prog", "a.jsonl", "--on", "-", "--text", "x", "--", "--on"}));
  CHECK(command_line.operands() ==
        std::vector<std::string>{"a.jsonl", "-", "--on"});
  CHECK(parsed.text == "x");

  Parsed strict_parsed;
  CommandLine strict = make_command_line(strict_parsed);
  CHECK_FALSE(parse(strict, {"prog", "extra"}));
  CHECK(strict.error() ==
        "weft test: unexpected argument 'extra'; see weft test --help");
}

TEST_CASE("help stops parsing whatever follows", "[command_line]") {
  struct Row {
    int line;
    std::vector<std::string> arguments;
  };
  const Row row = GENERATE(Row{__LINE__, {"prog", "-h"}},
                           Row{__LINE__, {"prog", "--help", "--bogus"}},
                           Row{__LINE__, {"prog", "--on", "--help"}},
                           Row{__LINE__, {"prog", "--he"}});
  CAPTURE(row.line);
  Parsed parsed;
  CommandLine command_line = make_command_line(parsed);
  CHECK(parse(command_line, row.arguments));
  CHECK(command_line.help());
  CHECK(command_line.error().empty());
}

TEST_CASE("a unique prefix of an option's name selects it", "[command_line]") {
  Parsed parsed;
  CommandLine command_line = make_command_line(parsed);
  REQUIRE(parse(command_line, {"prog", "--sm", "5", "--te=x"}));
  CHECK(parsed.small == 5);
  CHECK(parsed.text == "x");
}

TEST_CASE("a bad command line gets one message naming the problem",
          "[command_line]") {
  struct Row {
    int line;
    std::vector<std::string> arguments;
    std::string message;
  };
  const Row row = GENERATE(
      Row{__LINE__, {"--bogus"}, "unknown option --bogus"},
      Row{__LINE__, {"--bogus=1"}, "unknown option --bogus"},
      Row{__LINE__, {"-x"}, "unknown option -x"},
      Row{__LINE__, {"--on=yes"}, "--on needs no value"},
      Row{__LINE__, {"--text"}, "--text needs a value"},
      Row{__LINE__, {"--big", "ten"}, "--big needs a whole number, not 'ten'"},
      Row{__LINE__, {"--big", "-1"}, "--big needs a whole number, not '-1'"},
      Row{__LINE__, {"--big", ""}, "--big needs a whole number, not ''"},
      Row{__LINE__,
          {"--big", "18446744073709551616"},
          "--big needs a whole number, not '18446744073709551616'"},
      Row{__LINE__, {"--big", " 5"}, "--big needs a whole number, not ' 5'"},
      Row{__LINE__,
          {"--small", "0"},
          "--small needs a whole number from 1 to 400, not '0'"},
      Row{__LINE__,
          {"--small=401"},
          "--small needs a whole number from 1 to 400, not '401'"},
      Row{__LINE__,
          {"--ratio", "1.5"},
          "--ratio needs a number from 0 to 1, not '1.5'"},
      Row{__LINE__,
          {"--ratio", "nan"},
          "--ratio needs a number from 0 to 1, not 'nan'"},
      Row{__LINE__,
          {"--ratio", "0,5"},
          "--ratio needs a number from 0 to 1, not '0,5'"},
      Row{__LINE__, {"--code", "C"}, "--code needs A or B, not 'C'"});
  CAPTURE(row.line);
  Parsed parsed;
  CommandLine command_line = make_command_line(parsed);
  std::vector<std::string> arguments = {"prog"};
  arguments.insert(arguments.end(), row.arguments.begin(), row.arguments.end());
  CHECK_FALSE(parse(command_line, arguments));
  CHECK(command_line.error() ==
        "weft test: " + row.message + "; see weft test --help");
}

TEST_CASE("a second parse starts afresh", "[command_line]") {
  Parsed first_parsed;
  CommandLine first = make_command_line(first_parsed);
  CHECK_FALSE(parse(first, {"prog", "--bogus"}));
  Parsed second_parsed;
  CommandLine second = make_command_line(second_parsed);
  REQUIRE(parse(second, {"prog", "--small", "9"}));
  CHECK(second_parsed.small == 9);
}

}  // namespace
}  // namespace weft::tools
