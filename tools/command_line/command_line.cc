#include "command_line.h"

#include <getopt.h>

#include <optional>
#include <utility>

#include "text.h"

namespace weft::tools {
namespace {

// getopt_long's code for options_[i]: above every character.
constexpr int kFirstOptionCode = 256;

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string whole_number(std::uint64_t minimum, std::uint64_t maximum,
                         std::uint64_t type_maximum) {
  if (minimum == 0 && maximum == type_maximum) return "a whole number";
  return "a whole number from " + std::to_string(minimum) + " to " +
         std::to_string(maximum);
}

// The value of `text` when it is a whole number in [minimum, maximum].
bool parse_number(std::string_view text, std::uint64_t minimum,
                  std::uint64_t maximum, std::uint64_t& value) {
  const std::optional<std::uint64_t> parsed =
      sdk::parse_unsigned<std::uint64_t>(text);
  if (!parsed || *parsed < minimum || *parsed > maximum) return false;
  value = *parsed;
  return true;
}

std::string decimal_text(double number) {
  std::string text = std::to_string(number);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

CommandLine::CommandLine(std::string command) : command_(std::move(command)) {}

void CommandLine::add(std::string_view name, bool takes_value,
                      std::function<std::string(std::string_view)> take) {
  options_.push_back(Option{std::string(name), takes_value, std::move(take)});
}

void CommandLine::add_switch(std::string_view name, bool& value) {
  add(name, false, [&value](std::string_view) {
    value = true;
    return std::string();
  });
}

void CommandLine::add_text(std::string_view name, std::string& value) {
  add(name, true, [&value](std::string_view text) {
    value = std::string(text);
    return std::string();
  });
}

void CommandLine::add_number(std::string_view name, std::uint64_t& value,
                             std::uint64_t minimum, std::uint64_t maximum) {
  add(name, true, [&value, minimum, maximum](std::string_view text) {
    if (parse_number(text, minimum, maximum, value)) return std::string();
    return whole_number(minimum, maximum,
                        std::numeric_limits<std::uint64_t>::max());
  });
}

void CommandLine::add_number(std::string_view name, std::uint32_t& value,
                             std::uint32_t minimum, std::uint32_t maximum) {
  add(name, true, [&value, minimum, maximum](std::string_view text) {
    std::uint64_t parsed = 0;
    if (parse_number(text, minimum, maximum, parsed)) {
      value = static_cast<std::uint32_t>(parsed);
      return std::string();
    }
    return whole_number(minimum, maximum,
                        std::numeric_limits<std::uint32_t>::max());
  });
}

void CommandLine::add_decimal(std::string_view name, double& value,
                              double minimum, double maximum) {
  add(name, true, [&value, minimum, maximum](std::string_view text) {
    // NaN and infinities are refused by parse_decimal.
    const std::optional<double> parsed = sdk::parse_decimal(text);
    if (parsed && *parsed >= minimum && *parsed <= maximum) {
      value = *parsed;
      return std::string();
    }
    return "a number from " + decimal_text(minimum) + " to " +
           decimal_text(maximum);
  });
}

void CommandLine::add_custom(
    std::string_view name, std::function<std::string(std::string_view)> take) {
  add(name, true, std::move(take));
}

bool CommandLine::fail(const std::string& problem) {
  error_ = command_ + ": " + problem + "; see " + command_ + " --help";
  return false;
}

bool CommandLine::parse(int argc, char** argv) {
  help_ = false;
  operands_.clear();
  error_.clear();
  std::vector<option> long_options;
  for (std::size_t i = 0; i < options_.size(); ++i) {
    long_options.push_back(
        option{options_[i].name.c_str(),
               options_[i].takes_value ? required_argument : no_argument,
               nullptr, kFirstOptionCode + static_cast<int>(i)});
  }
  long_options.push_back(option{"help", no_argument, nullptr, 'h'});
  long_options.push_back(option{nullptr, 0, nullptr, 0});
  // getopt_long reorders the pointers it is given (operands last): give it
  // a copy, so that the caller's argv stays as it was.
  std::vector<char*> arguments(argv, argv + argc);
  arguments.push_back(nullptr);

  optind = 0;  // 0: glibc starts afresh (a later parse() in one process)
  opterr = 0;  // the messages are ours
  for (;;) {
    // ':' first: a missing value is ':', an unknown option '?'.
    const int code =
        getopt_long(argc, arguments.data(), ":h", long_options.data(), nullptr);
    if (code == -1) break;
    if (code == 'h') {
      help_ = true;
      return true;
    }
    if (code == ':') {
      const std::string_view given = arguments[optind - 1];
      return fail(std::string(given.substr(0, given.find('='))) +
                  " needs a value");
    }
    if (code == '?') {
      if (optopt >= kFirstOptionCode) {  // `--switch=value`
        return fail("--" + options_[optopt - kFirstOptionCode].name +
                    " needs no value");
      }
      if (optopt != 0) {
        return fail("unknown option -" + std::string(1, char(optopt)));
      }
      const std::string_view given = arguments[optind - 1];
      return fail("unknown option " +
                  std::string(given.substr(0, given.find('='))));
    }
    const Option& option = options_[code - kFirstOptionCode];
    const std::string_view value = optarg != nullptr ? optarg : "";
    const std::string expected = option.take(value);
    if (!expected.empty()) {
      return fail("--" + option.name + " needs " + expected + ", not " +
                  quoted(value));
    }
  }
  for (int i = optind; i < argc; ++i) operands_.emplace_back(arguments[i]);
  if (!operands_allowed_ && !operands_.empty()) {
    return fail("unexpected argument " + quoted(operands_.front()));
  }
  return true;
}

}  // namespace weft::tools
