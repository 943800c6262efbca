// Arguments: the command line of a sample, taken flag by flag.
//
// Each sample's main() takes its own flags (`--items 5` or `--items=5`), then
// run_sample() takes the common ones (--otlp, --help) and reports anything
// left over as an unknown argument. The first malformed value is remembered
// in error(). One thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weft::samples {

class Arguments {
 public:
  Arguments(int argc, char** argv);
  explicit Arguments(std::vector<std::string> arguments,
                     std::string program = "sample");

  // The value of `--name VALUE` or `--name=VALUE`, removed from the list.
  std::optional<std::string> take_value(std::string_view name);
  // True when the switch `--name` was given (removed from the list).
  bool take_switch(std::string_view name);
  // Unsigned integers and non-negative decimals; `value` keeps its default
  // when the flag is absent. A malformed value sets error().
  void take_count(std::string_view name, std::uint32_t& value);
  void take_seed(std::string_view name, std::uint64_t& value);
  void take_seconds(std::string_view name, double& value);

  // Arguments nobody took, in order.
  const std::vector<std::string>& remaining() const { return arguments_; }
  const std::string& program() const { return program_; }
  // Empty while every value parsed.
  const std::string& error() const { return error_; }
  void set_error(std::string message);

 private:
  std::vector<std::string> arguments_;
  std::string program_;
  std::string error_;
};

}  // namespace weft::samples
