#include "common/arguments.h"

#include <charconv>
#include <cstdlib>
#include <utility>

namespace weft::samples {

Arguments::Arguments(int argc, char** argv) {
  program_ = argc > 0 ? argv[0] : "sample";
  const auto slash = program_.rfind('/');
  if (slash != std::string::npos) program_ = program_.substr(slash + 1);
  for (int i = 1; i < argc; ++i) arguments_.emplace_back(argv[i]);
}

Arguments::Arguments(std::vector<std::string> arguments, std::string program)
    : arguments_(std::move(arguments)), program_(std::move(program)) {}

std::optional<std::string> Arguments::take_value(std::string_view name) {
  for (std::size_t i = 0; i < arguments_.size(); ++i) {
    const std::string& argument = arguments_[i];
    if (argument == name) {
      if (i + 1 == arguments_.size()) {
        set_error(std::string(name) + " needs a value");
        arguments_.erase(arguments_.begin() + static_cast<std::ptrdiff_t>(i));
        return std::nullopt;
      }
      std::string value = arguments_[i + 1];
      arguments_.erase(arguments_.begin() + static_cast<std::ptrdiff_t>(i),
                       arguments_.begin() + static_cast<std::ptrdiff_t>(i + 2));
      return value;
    }
    if (argument.size() > name.size() + 1 &&
        argument.compare(0, name.size(), name) == 0 &&
        argument[name.size()] == '=') {
      std::string value = argument.substr(name.size() + 1);
      arguments_.erase(arguments_.begin() + static_cast<std::ptrdiff_t>(i));
      return value;
    }
  }
  return std::nullopt;
}

bool Arguments::take_switch(std::string_view name) {
  for (std::size_t i = 0; i < arguments_.size(); ++i) {
    if (arguments_[i] == name) {
      arguments_.erase(arguments_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

namespace {

template <class Unsigned>
bool parse_unsigned(const std::string& text, Unsigned& out) {
  if (text.empty()) return false;
  Unsigned value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return false;
  out = value;
  return true;
}

}  // namespace

void Arguments::take_count(std::string_view name, std::uint32_t& value) {
  if (auto text = take_value(name)) {
    if (!parse_unsigned(*text, value)) {
      set_error(std::string(name) + " takes an unsigned integer, not '" +
                *text + "'");
    }
  }
}

void Arguments::take_seed(std::string_view name, std::uint64_t& value) {
  if (auto text = take_value(name)) {
    if (!parse_unsigned(*text, value)) {
      set_error(std::string(name) + " takes an unsigned integer, not '" +
                *text + "'");
    }
  }
}

void Arguments::take_seconds(std::string_view name, double& value) {
  if (auto text = take_value(name)) {
    char* end = nullptr;
    const double parsed = std::strtod(text->c_str(), &end);
    if (text->empty() || end != text->c_str() + text->size() ||
        !(parsed >= 0.0) || parsed > 3600.0) {
      set_error(std::string(name) + " takes seconds in [0, 3600], not '" +
                *text + "'");
      return;
    }
    value = parsed;
  }
}

void Arguments::set_error(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

}  // namespace weft::samples
