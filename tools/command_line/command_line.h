// CommandLine: the command-line parser of the `weft` subcommands and the
// samples. GNU-style long options (`--name VALUE`, `--name=VALUE`, switches,
// `-h`/`--help`; a unique prefix of a name works too), read with glibc's
// getopt_long; numbers are read with std::from_chars (locale-free) and
// checked against a range.
//
// A program declares each option with the variable it sets, then calls
// parse(). A bad command line stops parsing with one message that names the
// problem and ends "; see <command> --help"; the program prints it and exits
// with status 2. One thread only: getopt_long keeps global state (optind),
// which parse() resets.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace weft::tools {

class CommandLine {
 public:
  // `command` names the program in messages: "weft collect", "retry".
  explicit CommandLine(std::string command);

  // `--name`: sets `value` to true.
  void add_switch(std::string_view name, bool& value);
  // `--name TEXT`.
  void add_text(std::string_view name, std::string& value);
  // `--name N`: a whole number from `minimum` to `maximum`.
  void add_number(
      std::string_view name, std::uint64_t& value, std::uint64_t minimum = 0,
      std::uint64_t maximum = std::numeric_limits<std::uint64_t>::max());
  void add_number(
      std::string_view name, std::uint32_t& value, std::uint32_t minimum = 0,
      std::uint32_t maximum = std::numeric_limits<std::uint32_t>::max());
  // `--name X`: a decimal number ("0.25", "1e-3") from `minimum` to
  // `maximum`.
  void add_decimal(std::string_view name, double& value, double minimum,
                   double maximum);
  // `--name VALUE`, handed to `take`: it returns an empty string when it
  // accepts the value, else what the option takes ("a gRPC error code").
  void add_custom(std::string_view name,
                  std::function<std::string(std::string_view)> take);
  // Allows arguments that are not options (e.g. file names); by default
  // they are an error.
  void allow_operands() { operands_allowed_ = true; }

  // Parses argv[1] onwards (options and operands may mix; `--` ends the
  // options). `-h` or `--help` stops parsing and sets help(). False on a bad
  // command line, with error() set.
  bool parse(int argc, char** argv);

  bool help() const { return help_; }
  // The arguments that are not options, in order.
  const std::vector<std::string>& operands() const { return operands_; }
  // Empty while the command line is good.
  const std::string& error() const { return error_; }
  const std::string& command() const { return command_; }

 private:
  struct Option {
    std::string name;
    bool takes_value = false;
    // Applies the value; returns what the option takes when it is bad.
    std::function<std::string(std::string_view)> take;
  };

  void add(std::string_view name, bool takes_value,
           std::function<std::string(std::string_view)> take);
  bool fail(const std::string& problem);

  std::string command_;
  std::vector<Option> options_;
  bool operands_allowed_ = false;
  bool help_ = false;
  std::vector<std::string> operands_;
  std::string error_;
};

}  // namespace weft::tools
