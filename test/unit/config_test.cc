// Tests of the SDK's configuration: finalize_config() and the OTEL_BSP_*
// variables of make_batch_processor(). Environment over code over defaults,
// the specific limit variable over the general one, and every bad value
// reported once through the logger, naming the variable and the value, with
// the fallback used.
#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fake_environment.h"
#include "fake_exporter.h"
#include "fake_logger.h"
#include "fake_sampler.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using Catch::Matchers::StartsWith;
using weft::sdk::finalize_config;
using weft::sdk::LinkRetention;
using weft::sdk::SpanLimits;
using weft::sdk::TracerProviderConfig;
using weft::sdk::TracerProviderOptions;
using weft::testing::FakeEnvironment;
using weft::testing::FakeLogger;
using Variables = std::vector<std::pair<std::string, std::string>>;

struct Configured {
  FakeEnvironment environment;
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::optional<TracerProviderConfig> config;
};

// Finalizes `options` against `variables`, with a FakeLogger.
std::unique_ptr<Configured> configure(const Variables& variables,
                                      TracerProviderOptions options = {}) {
  auto result = std::make_unique<Configured>();
  for (const auto& [name, value] : variables) {
    result->environment.variables[name] = value;
  }
  options.environment = &result->environment;
  options.logger = result->logger;
  auto config = finalize_config(options);
  REQUIRE(config.has_value());
  result->config.emplace(std::move(config).value());
  return result;
}

std::string resource_value(const TracerProviderConfig& config,
                           const std::string& key) {
  for (const auto& [name, value] : config.resource()->attributes) {
    if (name == key) {
      if (const auto* text = std::get_if<std::string>(&value)) return *text;
      return "<not a string>";
    }
  }
  return "<absent>";
}

using LimitField = std::uint32_t SpanLimits::*;

}  // namespace

TEST_CASE("with no environment and no options the defaults are used",
          "[config]") {
  const auto configured = configure({});
  const TracerProviderConfig& config = *configured->config;
  CHECK(config.limits().link_count == 32);
  CHECK(config.limits().attributes_per_link == 128);
  CHECK(config.limits().attribute_count == 128);
  CHECK(config.limits().event_count == 128);
  CHECK(config.limits().attributes_per_event == 128);
  CHECK(config.limits().attribute_value_length == SpanLimits::kUnlimited);
  CHECK(config.limits().link_retention == LinkRetention::kFirst);
  CHECK_THAT(config.sampler()->description(),
             StartsWith("ParentBased{root=AlwaysOnSampler,"));
  CHECK(resource_value(config, "service.name") == "unknown_service");
  CHECK_FALSE(config.disabled());
  CHECK(config.id_generator() != nullptr);
  CHECK(config.clock() != nullptr);
  CHECK(configured->logger->size() == 0);
}

TEST_CASE(
    "a limit comes from the environment, else from code, else the default",
    "[config]") {
  struct Row {
    int line;
    const char* variable;
    const char* environment;  // "" = unset
    std::int64_t code;        // -1 = not set in code
    LimitField field;
    std::uint32_t expected;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "", -1, &SpanLimits::link_count,
       32},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "", 10, &SpanLimits::link_count,
       10},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "7", 10, &SpanLimits::link_count,
       7},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "7", -1, &SpanLimits::link_count,
       7},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", " 12 ", -1,
       &SpanLimits::link_count, 12},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "4294967295", -1,
       &SpanLimits::link_count, 4294967295u},
      {__LINE__, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "", 3,
       &SpanLimits::attributes_per_link, 3},
      {__LINE__, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "4", 3,
       &SpanLimits::attributes_per_link, 4},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "", 3,
       &SpanLimits::attribute_count, 3},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "0", 3,
       &SpanLimits::attribute_count, 0},
      {__LINE__, "OTEL_SPAN_EVENT_COUNT_LIMIT", "", 3, &SpanLimits::event_count,
       3},
      {__LINE__, "OTEL_SPAN_EVENT_COUNT_LIMIT", "5", 3,
       &SpanLimits::event_count, 5},
      {__LINE__, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "", 3,
       &SpanLimits::attributes_per_event, 3},
      {__LINE__, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "6", 3,
       &SpanLimits::attributes_per_event, 6},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "", -1,
       &SpanLimits::attribute_value_length, SpanLimits::kUnlimited},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "", 9,
       &SpanLimits::attribute_value_length, 9},
      {__LINE__, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8", 9,
       &SpanLimits::attribute_value_length, 8},
  }));
  CAPTURE(row.line, row.variable, row.environment, row.code);
  TracerProviderOptions options;
  if (row.code >= 0)
    options.limits.*row.field = static_cast<std::uint32_t>(row.code);
  const auto configured =
      configure({{row.variable, row.environment}}, std::move(options));
  CHECK(configured->config->limits().*row.field == row.expected);
  CHECK(configured->logger->size() == 0);
}

TEST_CASE("a specific limit variable wins over the general one", "[config]") {
  struct Row {
    int line;
    Variables variables;
    std::uint32_t span_attributes;
    std::uint32_t event_attributes;
    std::uint32_t link_attributes;
    std::uint32_t value_length;
  };
  constexpr std::uint32_t kNone = SpanLimits::kUnlimited;
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, {{"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"}}, 10, 10, 10, kNone},
      {__LINE__,
       {{"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"},
        {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "20"}},
       20,
       10,
       10,
       kNone},
      {__LINE__,
       {{"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"},
        {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "30"}},
       10,
       30,
       10,
       kNone},
      {__LINE__,
       {{"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"},
        {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "40"}},
       10,
       10,
       40,
       kNone},
      {__LINE__,
       {{"OTEL_ATTRIBUTE_COUNT_LIMIT", "10"},
        {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "1"},
        {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "2"},
        {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "3"}},
       1,
       2,
       3,
       kNone},
      {__LINE__, {{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "50"}}, 99, 99, 99, 50},
      {__LINE__,
       {{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "50"},
        {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "60"}},
       99,
       99,
       99,
       60},
      {__LINE__,
       {{"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "60"}},
       99,
       99,
       99,
       60},
  }));
  CAPTURE(row.line);
  // Code values lose to both variables.
  TracerProviderOptions options;
  options.limits.attribute_count = 99;
  options.limits.attributes_per_event = 99;
  options.limits.attributes_per_link = 99;
  const auto configured = configure(row.variables, std::move(options));
  const SpanLimits& limits = configured->config->limits();
  CHECK(limits.attribute_count == row.span_attributes);
  CHECK(limits.attributes_per_event == row.event_attributes);
  CHECK(limits.attributes_per_link == row.link_attributes);
  CHECK(limits.attribute_value_length == row.value_length);
  // The general attribute limit is not a link or event count limit.
  CHECK(limits.link_count == 32);
  CHECK(limits.event_count == 128);
}

TEST_CASE(
    "a bad environment value is reported once, naming the variable and the "
    "value, and the default is used",
    "[config]") {
  using Check = bool (*)(const TracerProviderConfig&);
  struct Row {
    int line;
    const char* variable;
    const char* value;
    Check uses_default;
    Variables others = {};
  };
  const Check link_count = [](const TracerProviderConfig& c) {
    return c.limits().link_count == 32;
  };
  const Check all_attribute_counts = [](const TracerProviderConfig& c) {
    return c.limits().attribute_count == 128 &&
           c.limits().attributes_per_event == 128 &&
           c.limits().attributes_per_link == 128;
  };
  const Check value_length = [](const TracerProviderConfig& c) {
    return c.limits().attribute_value_length == SpanLimits::kUnlimited;
  };
  const Check default_sampler = [](const TracerProviderConfig& c) {
    return c.sampler()->description().rfind("ParentBased{root=AlwaysOnSampler,",
                                            0) == 0;
  };
  const Check full_ratio = [](const TracerProviderConfig& c) {
    return c.sampler()->description() == "TraceIdRatioBased{1.000000}";
  };
  const Check enabled = [](const TracerProviderConfig& c) {
    return !c.disabled();
  };
  const Check first_links = [](const TracerProviderConfig& c) {
    return c.limits().link_retention == LinkRetention::kFirst;
  };
  const Check default_resource = [](const TracerProviderConfig& c) {
    return c.resource()->attributes.size() == 4 &&
           resource_value(c, "service.name") == "unknown_service";
  };
  const Variables ratio_sampler = {{"OTEL_TRACES_SAMPLER", "traceidratio"}};
  const Check links_full_ratio = [](const TracerProviderConfig& c) {
    return c.sampler()->description().rfind(
               "ParentBased{root=LinksBased{TraceIdRatioBased{1.000000}},",
               0) == 0;
  };
  const Variables links_ratio_sampler = {
      {"OTEL_TRACES_SAMPLER", "parentbased_linksbased_traceidratio"}};
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "abc", link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "-1", link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "+5", link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "1.5", link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "0x20", link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "4294967296", link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "99999999999999999999",
       link_count},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", "3 2", link_count},
      {__LINE__, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "many",
       all_attribute_counts},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "-5", all_attribute_counts},
      {__LINE__, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "1e3",
       all_attribute_counts},
      {__LINE__, "OTEL_ATTRIBUTE_COUNT_LIMIT", "lots", all_attribute_counts},
      {__LINE__, "OTEL_ATTRIBUTE_COUNT_LIMIT", "-1", all_attribute_counts},
      {__LINE__, "OTEL_SPAN_EVENT_COUNT_LIMIT", "ten",
       [](const TracerProviderConfig& c) {
         return c.limits().event_count == 128;
       }},
      {__LINE__, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-1", value_length},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "long",
       value_length},
      {__LINE__, "OTEL_TRACES_SAMPLER", "sometimes", default_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER", "always_maybe", default_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "1.5", full_ratio, ratio_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "-0.1", full_ratio, ratio_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "half", full_ratio, ratio_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "nan", full_ratio, ratio_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "0.5x", full_ratio, ratio_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER", "linksbased", default_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "10%", links_full_ratio,
       links_ratio_sampler},
      {__LINE__, "OTEL_TRACES_SAMPLER_ARG", "1.1", links_full_ratio,
       links_ratio_sampler},
      {__LINE__, "OTEL_SDK_DISABLED", "yes", enabled},
      {__LINE__, "OTEL_SDK_DISABLED", "1", enabled},
      {__LINE__, "WEFT_SPAN_LINK_RETENTION", "middle", first_links},
      {__LINE__, "OTEL_RESOURCE_ATTRIBUTES", "novalue", default_resource},
      {__LINE__, "OTEL_RESOURCE_ATTRIBUTES", "=value", default_resource},
      {__LINE__, "OTEL_RESOURCE_ATTRIBUTES", "a=b,k=%zz", default_resource},
      {__LINE__, "OTEL_RESOURCE_ATTRIBUTES", "k=%4", default_resource},
  }));
  CAPTURE(row.line, row.variable, row.value);
  Variables variables = row.others;
  variables.emplace_back(row.variable, row.value);
  const auto configured = configure(variables);

  CHECK(row.uses_default(*configured->config));
  const auto messages = configured->logger->all();
  CHECK(messages.size() == 1);
  CHECK(configured->logger->count_containing(
            {row.variable, std::string("'") + row.value + "'"}) == 1);
  for (const auto& message : messages) {
    CAPTURE(message.text);
    CHECK(message.level == weft::sdk::LogLevel::kWarning);
  }
}

TEST_CASE("a bad environment value falls back to the code value", "[config]") {
  TracerProviderOptions options;
  options.limits.link_count = 10;
  options.limits.attribute_count = 11;
  options.sampler = std::make_shared<weft::testing::FakeSampler>();
  const auto configured = configure({{"OTEL_SPAN_LINK_COUNT_LIMIT", "x"},
                                     {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "y"},
                                     {"OTEL_TRACES_SAMPLER", "z"}},
                                    std::move(options));
  CHECK(configured->config->limits().link_count == 10);
  CHECK(configured->config->limits().attribute_count == 11);
  CHECK(configured->config->sampler()->description() == "FakeSampler");
  CHECK(configured->logger->size() == 3);
}

TEST_CASE(
    "a bad specific limit variable is reported and the general one is used "
    "instead",
    "[config]") {
  const auto configured = configure({{"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "abc"},
                                     {"OTEL_ATTRIBUTE_COUNT_LIMIT", "7"}});
  CHECK(configured->config->limits().attribute_count == 7);
  CHECK(configured->logger->count_containing(
            {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "'abc'"}) == 1);
  CHECK(configured->logger->size() == 1);
}

TEST_CASE("OTEL_TRACES_SAMPLER and its argument choose the sampler over code",
          "[config]") {
  struct Row {
    int line;
    const char* sampler;
    const char* argument;  // "" = unset
    const char* description_prefix;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "always_on", "", "AlwaysOnSampler"},
      {__LINE__, "always_off", "", "AlwaysOffSampler"},
      {__LINE__, "traceidratio", "0.25", "TraceIdRatioBased{0.250000}"},
      {__LINE__, "traceidratio", "", "TraceIdRatioBased{1.000000}"},
      {__LINE__, "traceidratio", "0", "TraceIdRatioBased{0.000000}"},
      {__LINE__, "traceidratio", "1", "TraceIdRatioBased{1.000000}"},
      {__LINE__, "parentbased_always_on", "",
       "ParentBased{root=AlwaysOnSampler,"},
      {__LINE__, "parentbased_always_off", "",
       "ParentBased{root=AlwaysOffSampler,"},
      {__LINE__, "parentbased_traceidratio", "0.5",
       "ParentBased{root=TraceIdRatioBased{0.500000},"},
      {__LINE__, " always_off ", "", "AlwaysOffSampler"},
      {__LINE__, "Always_Off", "", "AlwaysOffSampler"},
      {__LINE__, "ParentBased_TraceIdRatio", "0.5",
       "ParentBased{root=TraceIdRatioBased{0.500000},"},
      {__LINE__, "parentbased_linksbased_traceidratio", "0.1",
       "ParentBased{root=LinksBased{TraceIdRatioBased{0.100000}},"
       "remoteParentSampled=AlwaysOnSampler,"},
      {__LINE__, "parentbased_linksbased_traceidratio", "",
       "ParentBased{root=LinksBased{TraceIdRatioBased{1.000000}},"},
      {__LINE__, "linksbased_traceidratio", "0.25",
       "LinksBased{TraceIdRatioBased{0.250000}}"},
      {__LINE__, "linksbased_parentbased_always_on", "",
       "LinksBased{ParentBased{root=AlwaysOnSampler,"},
  }));
  CAPTURE(row.line, row.sampler, row.argument);
  TracerProviderOptions options;
  options.sampler = std::make_shared<weft::testing::FakeSampler>();
  const auto configured = configure({{"OTEL_TRACES_SAMPLER", row.sampler},
                                     {"OTEL_TRACES_SAMPLER_ARG", row.argument}},
                                    std::move(options));
  CHECK_THAT(configured->config->sampler()->description(),
             StartsWith(row.description_prefix));
  CHECK(configured->logger->size() == 0);
}

TEST_CASE("the code sampler is used when OTEL_TRACES_SAMPLER is unset",
          "[config]") {
  const auto sampler = std::make_shared<weft::testing::FakeSampler>();
  TracerProviderOptions options;
  options.sampler = sampler;
  const auto configured =
      configure({{"OTEL_TRACES_SAMPLER_ARG", "0.1"}}, std::move(options));
  CHECK(configured->config->sampler() == sampler);
}

TEST_CASE("OTEL_SDK_DISABLED accepts true and false in any case", "[config]") {
  struct Row {
    int line;
    const char* value;
    bool disabled;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "true", true},
      {__LINE__, "TRUE", true},
      {__LINE__, "True", true},
      {__LINE__, "false", false},
      {__LINE__, "FALSE", false},
      {__LINE__, "", false},
  }));
  CAPTURE(row.line, row.value);
  const auto configured = configure({{"OTEL_SDK_DISABLED", row.value}});
  CHECK(configured->config->disabled() == row.disabled);
  CHECK(configured->logger->size() == 0);
}

TEST_CASE("WEFT_SPAN_LINK_RETENTION selects which links a full span keeps",
          "[config]") {
  const auto latest_in_code = [] {
    TracerProviderOptions options;
    options.limits.link_retention = LinkRetention::kLatest;
    return options;
  };
  CHECK(configure({}, latest_in_code())->config->limits().link_retention ==
        LinkRetention::kLatest);
  CHECK(configure({{"WEFT_SPAN_LINK_RETENTION", "first"}}, latest_in_code())
            ->config->limits()
            .link_retention == LinkRetention::kFirst);
  CHECK(configure({{"WEFT_SPAN_LINK_RETENTION", "latest"}})
            ->config->limits()
            .link_retention == LinkRetention::kLatest);
  const auto continuing = configure({{"WEFT_SPAN_LINK_RETENTION", "continue"}});
  CHECK(continuing->config->limits().link_retention ==
        LinkRetention::kContinue);
  CHECK(continuing->logger->size() == 0);
}

TEST_CASE(
    "a bad OTEL_BSP_* value is reported once and the batch processor still "
    "starts with the code value",
    "[config]") {
  struct Row {
    int line;
    const char* variable;
    const char* value;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, "OTEL_BSP_SCHEDULE_DELAY", "soon"},
      {__LINE__, "OTEL_BSP_SCHEDULE_DELAY", "-5"},
      {__LINE__, "OTEL_BSP_EXPORT_TIMEOUT", "1.5"},
      {__LINE__, "OTEL_BSP_MAX_QUEUE_SIZE", "big"},
      {__LINE__, "OTEL_BSP_MAX_QUEUE_SIZE", "0"},
      {__LINE__, "OTEL_BSP_MAX_QUEUE_SIZE", "4294967296"},
      {__LINE__, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-1"},
      {__LINE__, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0"},
  }));
  CAPTURE(row.line, row.variable, row.value);
  FakeEnvironment environment{{row.variable, row.value}};
  auto logger = std::make_shared<FakeLogger>();
  weft::sdk::BatchOptions options;
  options.environment = &environment;
  options.logger = logger;
  auto processor = weft::sdk::make_batch_processor(
      std::make_unique<weft::testing::FakeExporter>(), options);
  CHECK(processor.has_value());
  CHECK(logger->count_containing(
            {row.variable, std::string("'") + row.value + "'"}) == 1);
  CHECK(logger->size() == 1);
}

TEST_CASE("every variable the SDK reads is in the documented registry",
          "[config]") {
  std::set<std::string> registry;
  for (std::size_t i = 0; i < weft::sdk::kEnvironmentVariableCount; ++i) {
    const auto& variable = weft::sdk::kEnvironmentVariables[i];
    CAPTURE(variable.name);
    CHECK(registry.emplace(variable.name).second);  // listed once
    CHECK_FALSE(variable.meaning.empty());
  }

  FakeEnvironment environment{
      {"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
      {"OTEL_SPAN_LINK_COUNT_LIMIT", "1"},
      {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", ""}};
  TracerProviderOptions options;
  options.environment = &environment;
  REQUIRE(finalize_config(options).has_value());
  weft::sdk::BatchOptions batch;
  batch.environment = &environment;
  REQUIRE(weft::sdk::make_batch_processor(
              std::make_unique<weft::testing::FakeExporter>(), batch)
              .has_value());

  CHECK(environment.reads.size() >= 15);
  for (const std::string& name : environment.reads) {
    CAPTURE(name);
    CHECK(registry.count(name) == 1);
  }
}

TEST_CASE("a bad OTEL_TRACES_SAMPLER is reported with every valid name",
          "[config]") {
  const auto configured = configure({{"OTEL_TRACES_SAMPLER", "linksbased"}});
  CHECK(configured->logger->count_containing(
            {"OTEL_TRACES_SAMPLER", "'linksbased'", "parentbased_traceidratio",
             "parentbased_linksbased_traceidratio", "linksbased_traceidratio",
             "linksbased_parentbased_always_on"}) == 1);
}
