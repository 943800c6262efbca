// Expected<T>: the result of a fallible set-up call (configuration, exporter
// creation). Nothing in weft throws across its API; a call that can fail
// returns either a value or an Error whose message names the bad value and
// what would be valid. Thread-compatible value types.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace weft::sdk {

struct Error {
  // Stable numbers: they may be logged and searched for.
  enum Code : int {
    kInvalidOption = 1,
    kInvalidEnvironmentValue = 2,
    kMissingComponent = 3,
    kExporterSetupFailed = 4,
  };
  Code code;
  std::string message;
};

template <class T>
class Expected {
 public:
  Expected(T value) : result_(std::move(value)) {}      // NOLINT: implicit
  Expected(Error error) : result_(std::move(error)) {}  // NOLINT: implicit

  bool has_value() const noexcept { return result_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(result_); }
  T&& value() && { return std::get<0>(std::move(result_)); }
  const T& value() const& { return std::get<0>(result_); }
  T& operator*() & { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(result_); }

 private:
  std::variant<T, Error> result_;
};

}  // namespace weft::sdk
