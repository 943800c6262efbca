#include "weft/sdk/propagators.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "text.h"
#include "weft/b3.h"
#include "weft/baggage.h"

namespace weft::sdk {
namespace {

constexpr std::string_view kVariable = "OTEL_PROPAGATORS";
constexpr std::string_view kDefaultNames[] = {"tracecontext", "baggage"};

using PropagatorList = std::vector<std::shared_ptr<const TextMapPropagator>>;

std::shared_ptr<const TextMapPropagator> make_noop_propagator() {
  return std::make_shared<CompositePropagator>(PropagatorList{});
}

// One propagator, as is, or several in a composite.
std::shared_ptr<const TextMapPropagator> combine(PropagatorList propagators) {
  if (propagators.size() == 1) return std::move(propagators.front());
  return std::make_shared<CompositePropagator>(std::move(propagators));
}

std::shared_ptr<const TextMapPropagator> make_default_propagator() {
  PropagatorList propagators;
  for (std::string_view name : kDefaultNames) {
    propagators.push_back(make_named_propagator(name));
  }
  return combine(std::move(propagators));
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out.append(", ");
    out.append(name);
  }
  return out;
}

}  // namespace

std::shared_ptr<const TextMapPropagator> make_named_propagator(
    std::string_view name) {
  if (name == "tracecontext") {
    return std::make_shared<TraceContextPropagator>();
  }
  if (name == "baggage") return std::make_shared<BaggagePropagator>();
  if (name == "b3") {
    return std::make_shared<B3Propagator>(B3Propagator::Format::kSingleHeader);
  }
  if (name == "b3multi") {
    return std::make_shared<B3Propagator>(
        B3Propagator::Format::kMultipleHeaders);
  }
  if (name == "none") return make_noop_propagator();
  return nullptr;
}

std::shared_ptr<const TextMapPropagator> make_propagator_from_environment(
    const PropagatorOptions& options) {
  const Environment& environment = options.environment != nullptr
                                       ? *options.environment
                                       : Environment::process();
  const EnvironmentReader reader(environment, options.logger);
  const std::optional<std::string> value = reader.text(kVariable);
  if (!value) {
    return options.propagator ? options.propagator : make_default_propagator();
  }

  std::vector<std::string> names;  // known, lowercase, first occurrences
  std::vector<std::string> unknown;
  for (std::string& name : parse_name_list(*value)) {
    const bool known =
        std::find(std::begin(kPropagatorNames), std::end(kPropagatorNames),
                  name) != std::end(kPropagatorNames);
    (known ? names : unknown).push_back(std::move(name));
  }

  // One warning for everything wrong with the value.
  std::vector<std::string> problems;
  if (!unknown.empty()) {
    std::string problem =
        unknown.size() == 1 ? "unknown propagator " : "unknown propagators ";
    for (std::size_t i = 0; i < unknown.size(); ++i) {
      if (i != 0) problem.append(", ");
      problem.append(printable(unknown[i], 64));
    }
    problem.append(" skipped (valid: ")
        .append(
            join({std::begin(kPropagatorNames), std::end(kPropagatorNames)}))
        .append(")");
    problems.push_back(std::move(problem));
  }
  const auto none = std::find(names.begin(), names.end(), "none");
  if (none != names.end() && names.size() > 1) {
    names.erase(none);
    problems.emplace_back("`none` beside other propagators is ignored");
  }
  if (names.empty()) {
    problems.emplace_back(
        options.propagator
            ? std::string("no known propagator left; using the one given in "
                          "code")
            : "no known propagator left; using the default " +
                  join({std::begin(kDefaultNames), std::end(kDefaultNames)}));
  }
  if (!problems.empty()) {
    std::string message;
    message.append(kVariable).append("='").append(printable(*value));
    message.append("': ");
    for (std::size_t i = 0; i < problems.size(); ++i) {
      if (i != 0) message.append("; ");
      message.append(problems[i]);
    }
    log(options.logger, LogLevel::kWarning, message);
  }
  if (names.empty()) {
    return options.propagator ? options.propagator : make_default_propagator();
  }

  PropagatorList propagators;
  for (const std::string& name : names) {
    propagators.push_back(make_named_propagator(name));
  }
  return combine(std::move(propagators));
}

void install_propagator_from_environment(const PropagatorOptions& options) {
  set_global_propagator(make_propagator_from_environment(options));
}

}  // namespace weft::sdk
