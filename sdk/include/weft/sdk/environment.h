// Environment: where the SDK reads its OTEL_* variables, and the registry of
// every variable weft understands.
//
// All environment reads go through an Environment, in one place
// (configuration), so that tests can inject a fake and the README's table
// comes from one list. Environment::process() is thread-safe as long as the
// application does not call setenv() concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "weft/sdk/logger.h"

namespace weft::sdk {

class Environment {
 public:
  virtual ~Environment() = default;
  // The variable's value; nullopt when unset or empty.
  virtual std::optional<std::string> get(std::string_view name) const = 0;
  // The real process environment.
  static const Environment& process() noexcept;
};

struct EnvironmentVariable {
  std::string_view name;
  std::string_view default_value;
  std::string_view meaning;
};

// Reads typed values; a malformed value is logged as a warning naming the
// variable, the value and what is valid, and reads as nullopt (so the caller
// falls back to the code value or the default).
class EnvironmentReader {
 public:
  EnvironmentReader(const Environment& environment,
                    std::shared_ptr<Logger> logger) noexcept
      : environment_(environment), logger_(std::move(logger)) {}

  // The value without the spaces and tabs around it; nullopt when unset or
  // blank.
  std::optional<std::string> text(std::string_view name) const;
  // Trimmed and lowercased: OpenTelemetry's enumerated values (sampler
  // names, log levels) are case-insensitive.
  std::optional<std::string> keyword(std::string_view name) const;
  // A keyword that must be one of `choices` (lowercase).
  std::optional<std::string> one_of(
      std::string_view name,
      std::initializer_list<std::string_view> choices) const;
  // The first of `names` that is set (not blank), or nullopt: for a
  // signal-specific variable that wins over a general one.
  std::optional<std::string_view> first_set(
      std::initializer_list<std::string_view> names) const;
  // A decimal integer in [0, 2^32-1]. Every number is read with
  // std::from_chars: no sign, no locale.
  std::optional<std::uint32_t> count(std::string_view name) const;
  // A decimal integer of milliseconds in [0, 2^32-1].
  std::optional<std::chrono::milliseconds> milliseconds(
      std::string_view name) const;
  // A decimal integer of milliseconds in [least, most].
  std::optional<std::chrono::milliseconds> milliseconds(
      std::string_view name, std::chrono::milliseconds least,
      std::chrono::milliseconds most) const;
  // `true` or `false`, in any case.
  std::optional<bool> boolean(std::string_view name) const;
  // A decimal number in [0, 1] ('.' as decimal point, whatever the locale).
  std::optional<double> ratio(std::string_view name) const;
  // Logs that `name`=`value` is invalid and what is valid (the value made
  // printable and cut to a bounded length).
  void report_invalid(std::string_view name, std::string_view value,
                      std::string_view valid) const;

 private:
  const Environment& environment_;
  std::shared_ptr<Logger> logger_;
};

// Every variable the SDK and its exporters read.
extern const EnvironmentVariable kEnvironmentVariables[];
extern const std::size_t kEnvironmentVariableCount;

}  // namespace weft::sdk
