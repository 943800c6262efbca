// FakeEnvironment: a map-backed weft::sdk::Environment for tests, so that a
// test never depends on (or changes) the process environment. It also
// remembers which variables were asked for.
//
// One thread at a time (the SDK reads the environment while it is being
// configured, on the configuring thread).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "weft/sdk/environment.h"

namespace weft::testing {

struct FakeEnvironment final : public sdk::Environment {
  FakeEnvironment() = default;
  FakeEnvironment(
      std::initializer_list<std::pair<const std::string, std::string>> entries)
      : variables(entries) {}

  std::optional<std::string> get(std::string_view name) const override {
    reads.emplace(name);
    const auto found = variables.find(std::string(name));
    if (found == variables.end() || found->second.empty()) return std::nullopt;
    return found->second;
  }

  std::map<std::string, std::string> variables;
  mutable std::set<std::string> reads;
};

}  // namespace weft::testing
