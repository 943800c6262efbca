// Environment: where the SDK reads its OTEL_* variables, and the registry of
// every variable weft understands.
//
// All environment reads go through an Environment, in one place
// (configuration), so that tests can inject a fake and the README's table
// comes from one list. Environment::process() is thread-safe as long as the
// application does not call setenv() concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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

// Every variable the SDK and its exporters read.
extern const EnvironmentVariable kEnvironmentVariables[];
extern const std::size_t kEnvironmentVariableCount;

}  // namespace weft::sdk
