// finalize_config: the one place where TracerProviderOptions meet the
// environment. Environment over code over defaults.
#include <string>
#include <utility>

#include "text.h"
#include "tick_clock.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/version.h"

namespace weft::sdk {
namespace {

void upsert(OwnedAttributes& attributes, std::string key,
            AttributeValue value) {
  for (auto& attribute : attributes) {
    if (attribute.first == key) {
      attribute.second = std::move(value);
      return;
    }
  }
  attributes.emplace_back(std::move(key), std::move(value));
}

std::shared_ptr<const Resource> make_resource(
    const TracerProviderOptions& options, const EnvironmentReader& env) {
  auto resource = std::make_shared<Resource>();
  OwnedAttributes& attributes = resource->attributes;
  upsert(attributes, "service.name", std::string("unknown_service"));
  upsert(attributes, "telemetry.sdk.name", std::string("weft"));
  upsert(attributes, "telemetry.sdk.language", std::string("cpp"));
  upsert(attributes, "telemetry.sdk.version", std::string(kVersion));
  for (const auto& attribute : options.resource_attributes) {
    upsert(attributes, attribute.first, attribute.second);
  }
  if (!options.service_name.empty()) {
    upsert(attributes, "service.name", options.service_name);
  }
  if (const auto text = env.text("OTEL_RESOURCE_ATTRIBUTES")) {
    // OpenTelemetry: any malformed entry discards the whole variable.
    KeyValueList parsed = parse_key_value_list(*text);
    if (parsed.rejected.empty()) {
      for (auto& [key, value] : parsed.entries) {
        upsert(attributes, std::move(key), std::move(value));
      }
    } else {
      env.report_invalid("OTEL_RESOURCE_ATTRIBUTES", *text,
                         "key=value pairs separated by ',' with "
                         "percent-encoded values");
    }
  }
  if (const auto name = env.text("OTEL_SERVICE_NAME")) {
    upsert(attributes, "service.name", *name);
  }
  return resource;
}

std::shared_ptr<Sampler> make_sampler(const TracerProviderOptions& options,
                                      const EnvironmentReader& env) {
  std::shared_ptr<Sampler> sampler =
      options.sampler ? options.sampler
                      : make_parent_based_sampler(make_always_on_sampler());
  const auto name = env.keyword("OTEL_TRACES_SAMPLER");
  if (!name) return sampler;
  const auto ratio = [&] {
    return env.ratio("OTEL_TRACES_SAMPLER_ARG").value_or(1.0);
  };
  if (*name == "always_on") return make_always_on_sampler();
  if (*name == "always_off") return make_always_off_sampler();
  if (*name == "traceidratio") return make_trace_id_ratio_sampler(ratio());
  if (*name == "parentbased_always_on") {
    return make_parent_based_sampler(make_always_on_sampler());
  }
  if (*name == "parentbased_always_off") {
    return make_parent_based_sampler(make_always_off_sampler());
  }
  if (*name == "parentbased_traceidratio") {
    return make_parent_based_sampler(make_trace_id_ratio_sampler(ratio()));
  }
  // Links-based: a span linked to a sampled span is sampled (sampler.h).
  if (*name == "parentbased_linksbased_traceidratio") {
    return make_parent_based_sampler(
        make_links_based_sampler(make_trace_id_ratio_sampler(ratio())));
  }
  if (*name == "linksbased_traceidratio") {
    return make_links_based_sampler(make_trace_id_ratio_sampler(ratio()));
  }
  // OpenTelemetry Java contrib's name and composition.
  if (*name == "linksbased_parentbased_always_on") {
    return make_links_based_sampler(
        make_parent_based_sampler(make_always_on_sampler()));
  }
  env.report_invalid("OTEL_TRACES_SAMPLER", *name,
                     "always_on, always_off, traceidratio, "
                     "parentbased_always_on, parentbased_always_off, "
                     "parentbased_traceidratio, "
                     "parentbased_linksbased_traceidratio, "
                     "linksbased_traceidratio or "
                     "linksbased_parentbased_always_on");
  return sampler;
}

// The specific variable wins over the general one, both over code. The
// general value is read once by the caller, so that a bad one is reported
// once, not once per limit it applies to.
void apply_limit(const EnvironmentReader& env, std::string_view specific,
                 std::optional<std::uint32_t> general, std::uint32_t& limit) {
  if (const auto value = env.count(specific)) {
    limit = *value;
  } else if (general) {
    limit = *general;
  }
}

SpanLimits make_limits(const TracerProviderOptions& options,
                       const EnvironmentReader& env) {
  SpanLimits limits = options.limits;
  const auto count = env.count("OTEL_ATTRIBUTE_COUNT_LIMIT");
  const auto length = env.count("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT");
  apply_limit(env, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", count,
              limits.attribute_count);
  apply_limit(env, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", count,
              limits.attributes_per_event);
  apply_limit(env, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", count,
              limits.attributes_per_link);
  apply_limit(env, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", length,
              limits.attribute_value_length);
  if (const auto value = env.count("OTEL_SPAN_EVENT_COUNT_LIMIT")) {
    limits.event_count = *value;
  }
  if (const auto value = env.count("OTEL_SPAN_LINK_COUNT_LIMIT")) {
    limits.link_count = *value;
  }
  if (const auto value = env.keyword("WEFT_SPAN_LINK_RETENTION")) {
    if (*value == "first") {
      limits.link_retention = LinkRetention::kFirst;
    } else if (*value == "latest") {
      limits.link_retention = LinkRetention::kLatest;
    } else if (*value == "continue") {
      limits.link_retention = LinkRetention::kContinue;
    } else {
      env.report_invalid("WEFT_SPAN_LINK_RETENTION", *value,
                         "first, latest or continue");
    }
  }
  return limits;
}

// The SDK's own clock (tick_clock: the CPU's counter where it is safe).
Timestamp sdk_clock_now() noexcept { return tick_clock::now().time; }

}  // namespace

Expected<TracerProviderConfig> finalize_config(
    const TracerProviderOptions& options) {
  const Environment& environment =
      options.environment ? *options.environment : Environment::process();
  TracerProviderConfig config;
  // Null: the SDK-wide logger (which reads OTEL_LOG_LEVEL itself).
  config.logger_ = options.logger;
  const EnvironmentReader env(environment, config.logger_);
  config.disabled_ = env.boolean("OTEL_SDK_DISABLED").value_or(false);
  config.resource_ = make_resource(options, env);
  config.sampler_ = make_sampler(options, env);
  config.limits_ = make_limits(options, env);
  config.id_generator_ =
      options.id_generator ? options.id_generator : make_random_id_generator();
  config.clock_ = options.clock ? options.clock : &sdk_clock_now;
  config.default_clock_ = options.clock == nullptr;
  return config;
}

}  // namespace weft::sdk
