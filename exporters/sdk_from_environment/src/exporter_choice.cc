#include "exporter_choice.h"

#include <algorithm>
#include <optional>

#include "otlp_config.h"
#include "text.h"

namespace weft::exporters {
namespace {

bool is_known(std::string_view name) {
  return std::find(std::begin(kTracesExporterNames),
                   std::end(kTracesExporterNames),
                   name) != std::end(kTracesExporterNames);
}

std::string valid_names() {
  std::string out;
  for (std::string_view name : kTracesExporterNames) {
    if (!out.empty()) out.append(", ");
    out.append(name);
  }
  return out;
}

std::string describe(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out.append(",");
    out.append(name);
  }
  return out;
}

}  // namespace

sdk::Expected<std::vector<std::string>> parse_traces_exporter_option(
    std::string_view text) {
  std::vector<std::string> names = sdk::parse_name_list(text);
  if (names.empty()) return std::vector<std::string>{"otlp"};
  for (const std::string& name : names) {
    if (!is_known(name)) {
      return sdk::Error{sdk::Error::kInvalidOption,
                        "SdkFromEnvironmentOptions::traces_exporter: unknown "
                        "exporter '" +
                            sdk::printable(name, 64) +
                            "' (valid: " + valid_names() + ")"};
    }
  }
  if (names == std::vector<std::string>{"none"})
    return std::vector<std::string>{};
  if (std::find(names.begin(), names.end(), "none") != names.end()) {
    return sdk::Error{sdk::Error::kInvalidOption,
                      "SdkFromEnvironmentOptions::traces_exporter: 'none' "
                      "beside other exporters in '" +
                          sdk::printable(text, 64) + "'"};
  }
  return names;
}

std::vector<std::string> choose_traces_exporters(
    const sdk::Environment& environment,
    const std::shared_ptr<sdk::Logger>& logger,
    const std::vector<std::string>& code_choice) {
  const sdk::EnvironmentReader reader(environment, logger);
  const std::optional<std::string> value = reader.text(kTracesExporterVariable);
  if (!value) return code_choice;

  std::vector<std::string> names;  // known, first occurrences, in order
  std::vector<std::string> unknown;
  for (std::string& name : sdk::parse_name_list(*value)) {
    (is_known(name) ? names : unknown).push_back(std::move(name));
  }
  // One warning for everything wrong with the value.
  std::vector<std::string> problems;
  if (!unknown.empty()) {
    std::string problem =
        unknown.size() == 1 ? "unknown exporter " : "unknown exporters ";
    for (std::size_t i = 0; i < unknown.size() && i < 8; ++i) {
      if (i != 0) problem.append(", ");
      problem.append(sdk::printable(unknown[i], 64));
    }
    if (unknown.size() > 8) problem.append(" and more");
    problem.append(" skipped (valid: ").append(valid_names()).append(")");
    problems.push_back(std::move(problem));
  }
  const auto none = std::find(names.begin(), names.end(), "none");
  if (none != names.end() && names.size() > 1) {
    names.erase(none);
    problems.emplace_back("`none` beside other exporters is ignored");
  }
  if (names.empty()) {
    problems.push_back("no known exporter left; using " +
                       describe(code_choice));
  }
  if (!problems.empty()) {
    std::string message;
    message.append(kTracesExporterVariable)
        .append("='")
        .append(sdk::printable(*value))
        .append("': ");
    for (std::size_t i = 0; i < problems.size(); ++i) {
      if (i != 0) message.append("; ");
      message.append(problems[i]);
    }
    sdk::log(logger, sdk::LogLevel::kWarning, message);
  }
  if (names.empty()) return code_choice;
  if (names.front() == "none") names.clear();
  return names;
}

OtlpProtocol choose_otlp_protocol(const sdk::Environment& environment,
                                  const std::shared_ptr<sdk::Logger>& logger,
                                  std::optional<OtlpProtocol> code_choice) {
  const sdk::EnvironmentReader reader(environment, logger);
  return otlp::read_protocol(reader).value_or(
      code_choice.value_or(OtlpProtocol::kGrpc));
}

}  // namespace weft::exporters
