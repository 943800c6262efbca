// Bad input, proven: every variable of the SDK's registry
// (sdk::kEnvironmentVariables) is given malformed, negative, huge,
// overflowing, empty, non-ASCII and very long (100 KB) values. Each must
// leave the configuration exactly as without it (the documented fallback:
// the code value or the default) with exactly one warning through the
// options' logger, bounded in size, and nothing may crash. Empty and blank
// values mean "unset" (no warning); free-text variables accept anything; a
// file that cannot be read stops the exporter with an error naming it.
//
// The configuration is observed through all three readers of the
// environment: finalize_config (the provider), make_batch_processor
// (OTEL_BSP_*, by behaviour: which spans are dropped and how they are batched)
// finalize_otlp_grpc_config (the exporter) and the exporter choice of
// install_sdk_from_environment (OTEL_TRACES_EXPORTER, the OTLP protocol). No
// gRPC runs here.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "exporter_choice.h"
#include "fake_environment.h"
#include "fake_exporter.h"
#include "fake_logger.h"
#include "otlp_grpc_config.h"
#include "weft/b3.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/environment.h"
#include "weft/sdk/propagators.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using namespace std::chrono_literals;
using weft::testing::FakeEnvironment;
using weft::testing::FakeExporter;
using weft::testing::FakeExporterState;
using weft::testing::FakeLogger;

// What a variable holds, which decides which values are bad for it.
enum class Kind {
  kBoolean,
  kCount,         // [0, 4294967295]
  kMilliseconds,  // [0, 4294967295]
  kTimeout,       // milliseconds in [1, 3600000]
  kRatio,         // [0, 1]
  kKeyword,
  kResourceAttributes,
  kHeaders,
  kEndpoint,
  kText,  // anything goes
  kFile,  // a path that must be readable
  kLogLevel,
  kPropagators,
  kExporters,  // OTEL_TRACES_EXPORTER
};

struct Variable {
  int line;
  std::string name;
  Kind kind;
  // Set alongside, in the baseline too (e.g. the sampler the argument is
  // for).
  std::vector<std::pair<std::string, std::string>> companions = {};
};

const std::vector<Variable>& variables() {
  static const std::vector<Variable> kVariables = {
      {__LINE__, "OTEL_SDK_DISABLED", Kind::kBoolean},
      {__LINE__, "OTEL_SERVICE_NAME", Kind::kText},
      {__LINE__, "OTEL_RESOURCE_ATTRIBUTES", Kind::kResourceAttributes},
      {__LINE__, "OTEL_TRACES_SAMPLER", Kind::kKeyword},
      {__LINE__,
       "OTEL_TRACES_SAMPLER_ARG",
       Kind::kRatio,
       {{"OTEL_TRACES_SAMPLER", "traceidratio"}}},
      {__LINE__, "OTEL_SPAN_LINK_COUNT_LIMIT", Kind::kCount},
      {__LINE__, "WEFT_SPAN_LINK_RETENTION", Kind::kKeyword},
      {__LINE__, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_SPAN_EVENT_COUNT_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_ATTRIBUTE_COUNT_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", Kind::kCount},
      {__LINE__, "OTEL_BSP_SCHEDULE_DELAY", Kind::kMilliseconds},
      {__LINE__, "OTEL_BSP_EXPORT_TIMEOUT", Kind::kMilliseconds},
      {__LINE__, "OTEL_BSP_MAX_QUEUE_SIZE", Kind::kCount},
      {__LINE__, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", Kind::kCount},
      {__LINE__, "OTEL_LOG_LEVEL", Kind::kLogLevel},
      {__LINE__, "OTEL_PROPAGATORS", Kind::kPropagators},
      {__LINE__, "OTEL_TRACES_EXPORTER", Kind::kExporters},
      {__LINE__, "OTEL_EXPORTER_OTLP_PROTOCOL", Kind::kKeyword},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", Kind::kKeyword},
      {__LINE__, "OTEL_EXPORTER_OTLP_ENDPOINT", Kind::kEndpoint},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Kind::kEndpoint},
      {__LINE__, "OTEL_EXPORTER_OTLP_INSECURE", Kind::kBoolean},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_INSECURE", Kind::kBoolean},
      {__LINE__, "OTEL_EXPORTER_OTLP_CERTIFICATE", Kind::kFile},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", Kind::kFile},
      {__LINE__, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", Kind::kFile},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", Kind::kFile},
      {__LINE__, "OTEL_EXPORTER_OTLP_CLIENT_KEY", Kind::kFile},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", Kind::kFile},
      {__LINE__, "OTEL_EXPORTER_OTLP_HEADERS", Kind::kHeaders},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", Kind::kHeaders},
      {__LINE__, "OTEL_EXPORTER_OTLP_TIMEOUT", Kind::kTimeout},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", Kind::kTimeout},
      {__LINE__, "OTEL_EXPORTER_OTLP_COMPRESSION", Kind::kKeyword},
      {__LINE__, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", Kind::kKeyword},
  };
  return kVariables;
}

enum class Outcome {
  kFallback,  // configuration as without the variable, one warning
  kUnset,     // configuration as without the variable, no warning
  kAccepted,  // no warning (the value is used)
  kError,     // the exporter refuses to start, naming the variable
};

const std::string kLong(100 * 1024, '9');
const std::string kLongText(100 * 1024, 'x');

struct Value {
  int line;
  std::string text;
  Outcome outcome;
};

// The values tried for a kind of variable.
std::vector<Value> values_for(Kind kind) {
  const Outcome fallback = Outcome::kFallback;
  std::vector<Value> values = {{__LINE__, "", Outcome::kUnset},
                               {__LINE__, " \t ", Outcome::kUnset}};
  auto add = [&](std::initializer_list<Value> more) {
    values.insert(values.end(), more);
  };
  switch (kind) {
    case Kind::kBoolean:
      add({{__LINE__, "maybe", fallback},
           {__LINE__, "-1", fallback},
           {__LINE__, "99999999999999999999", fallback},
           {__LINE__,
            "tr\xc3\xbc"
            "e",
            fallback},
           {__LINE__, kLongText, fallback}});
      break;
    case Kind::kCount:
    case Kind::kMilliseconds:
      add({{__LINE__, "ten", fallback},
           {__LINE__, "-1", fallback},
           {__LINE__, "4294967296", fallback},
           {__LINE__, "99999999999999999999", fallback},
           {__LINE__, "1.5", fallback},
           {__LINE__, "0x10", fallback},
           {__LINE__, "\xd9\xa3", fallback},  // an Arabic-Indic digit
           {__LINE__, kLong, fallback}});
      break;
    case Kind::kTimeout:
      add({{__LINE__, "ten", fallback},
           {__LINE__, "-5", fallback},
           {__LINE__, "0", fallback},
           {__LINE__, "3600001", fallback},
           {__LINE__, "99999999999999999999", fallback},
           {__LINE__, "\xd9\xa3", fallback},
           {__LINE__, kLong, fallback}});
      break;
    case Kind::kRatio:
      add({{__LINE__, "half", fallback},
           {__LINE__, "-0.5", fallback},
           {__LINE__, "1.5", fallback},
           {__LINE__, "0,5", fallback},
           {__LINE__, "nan", fallback},
           {__LINE__, "99999999999999999999", fallback},
           {__LINE__, "\xef\xbc\x90.5", fallback},  // a fullwidth zero
           {__LINE__, kLong, fallback}});
      break;
    case Kind::kExporters:
      // The default is otlp: these leave it, with one warning.
      add({{__LINE__, "otlp,none", fallback},
           {__LINE__, " zipkin , OTLP ", fallback},
           {__LINE__, std::string(300, ','), fallback}});
      [[fallthrough]];
    case Kind::kKeyword:
    case Kind::kLogLevel:
    case Kind::kPropagators:
      add({{__LINE__, "bogus", fallback},
           {__LINE__, "-1", fallback},
           {__LINE__, "99999999999999999999", fallback},
           {__LINE__, "n\xc3\xb6ne", fallback},
           {__LINE__, kLongText, fallback}});
      break;
    case Kind::kResourceAttributes:
      add({{__LINE__, "novalue", fallback},
           {__LINE__, "k=%zz", fallback},
           {__LINE__, "=v", fallback},
           {__LINE__, "k=100%", fallback},
           {__LINE__, kLongText, fallback},
           {__LINE__, "k=caf\xc3\xa9", Outcome::kAccepted},
           {__LINE__, "k=" + kLongText, Outcome::kAccepted}});
      break;
    case Kind::kHeaders:
      add({{__LINE__, "novalue", fallback},
           {__LINE__, "Bad Key=1", fallback},
           {__LINE__, "k=%0A", fallback},
           {__LINE__, "k=%zz", fallback},
           {__LINE__, "k=caf\xc3\xa9", fallback},
           {__LINE__, "grpc-timeout=1S", fallback},
           {__LINE__, "=v", fallback},
           {__LINE__, kLongText, fallback},
           {__LINE__, "k=" + kLongText, Outcome::kAccepted}});
      break;
    case Kind::kEndpoint:
      add({{__LINE__, "ftp://collector:21", fallback},
           {__LINE__, "http://:4317", fallback},
           {__LINE__, "http://host:-1", fallback},
           {__LINE__, "http://host:0", fallback},
           {__LINE__, "http://host:99999", fallback},
           {__LINE__, "http://host:99999999999999999999", fallback},
           {__LINE__, "http://h\xc3\xb6st:x", fallback},
           {__LINE__, "ftp://" + kLongText, fallback}});
      break;
    case Kind::kText:
      add({{__LINE__, "-1", Outcome::kAccepted},
           {__LINE__, "99999999999999999999", Outcome::kAccepted},
           {__LINE__, "caf\xc3\xa9", Outcome::kAccepted},
           {__LINE__, kLongText, Outcome::kAccepted}});
      break;
    case Kind::kFile:
      add({{__LINE__, "/nonexistent/file.pem", Outcome::kError},
           {__LINE__, "-1", Outcome::kError},
           {__LINE__, "99999999999999999999", Outcome::kError},
           {__LINE__, "/nonexistent/caf\xc3\xa9", Outcome::kError},
           {__LINE__, "/" + kLongText, Outcome::kError}});
      break;
  }
  return values;
}

struct Row {
  Variable variable;
  Value value;
};

std::vector<Row> rows() {
  std::vector<Row> result;
  for (const Variable& variable : variables()) {
    for (const Value& value : values_for(variable.kind)) {
      result.push_back({variable, value});
    }
  }
  return result;
}

std::unique_ptr<weft::sdk::SpanData> make_span() {
  auto span = std::make_unique<weft::sdk::SpanData>();
  span->name = span->arena.copy("s");
  span->flags = weft::TraceFlags(weft::TraceFlags::kSampled);
  return span;
}

// The messages about configuration: all but the batch processor's drop
// warnings, which the probe below provokes on purpose.
std::vector<std::string> configuration_messages(const FakeLogger& logger) {
  std::vector<std::string> messages;
  for (const auto& message : logger.all()) {
    if (message.text.rfind("batch span processor: ", 0) != 0) {
      messages.push_back(message.text);
    }
  }
  return messages;
}

// The effective configuration under `environment`, as text.
std::string configuration(const FakeEnvironment& environment,
                          const std::shared_ptr<FakeLogger>& logger) {
  std::string out;
  weft::sdk::TracerProviderOptions provider_options;
  provider_options.environment = &environment;
  provider_options.logger = logger;
  provider_options.service_name = "code-service";
  provider_options.limits.link_count = 7;
  auto config = weft::sdk::finalize_config(provider_options);
  REQUIRE(config.has_value());
  const auto& limits = config.value().limits();
  out += "disabled=" + std::to_string(config.value().disabled());
  out += " sampler=" + config.value().sampler()->description();
  out += " limits=" + std::to_string(limits.attribute_count) + "," +
         std::to_string(limits.attribute_value_length) + "," +
         std::to_string(limits.event_count) + "," +
         std::to_string(limits.link_count) + "," +
         std::to_string(limits.attributes_per_event) + "," +
         std::to_string(limits.attributes_per_link) + "," +
         std::to_string(static_cast<int>(limits.link_retention));
  out += " resource=";
  for (const auto& [key, value] : config.value().resource()->attributes) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      out += key + "=" + text->substr(0, 64) + ";";
    }
  }

  // The batch processor, by behaviour: a queue of 2 and batches of 1 from
  // code (one export held at the gate, four more spans: two dropped).
  auto state = std::make_shared<FakeExporterState>();
  weft::sdk::BatchOptions batch_options;
  batch_options.environment = &environment;
  batch_options.logger = logger;
  batch_options.max_queue_size = 2;
  batch_options.max_export_batch_size = 1;
  batch_options.schedule_delay = 1h;
  auto made = weft::sdk::make_batch_processor(
      std::make_unique<FakeExporter>(state), batch_options);
  REQUIRE(made.has_value());
  auto processor = std::move(made).value();
  state->close_gate();
  processor->on_end(make_span());
  REQUIRE(state->wait_until(
      [](FakeExporterState& s) { return s.exports_started == 1; }));
  for (int i = 0; i < 4; ++i) processor->on_end(make_span());
  out += " batch_dropped=" + std::to_string(processor->stats().spans_dropped);
  state->open_gate();
  REQUIRE(processor->force_flush(10s));
  out += " batch_sizes=";
  for (std::size_t size : state->sizes()) out += std::to_string(size) + ",";
  processor->shutdown(10s);

  // The propagator: B3 from code; which headers it writes.
  weft::sdk::PropagatorOptions propagator_options;
  propagator_options.environment = &environment;
  propagator_options.logger = logger;
  propagator_options.propagator = std::make_shared<weft::B3Propagator>();
  out += " propagation=";
  for (std::string_view field :
       weft::sdk::make_propagator_from_environment(propagator_options)
           ->fields()) {
    out.append(field).append(",");
  }

  // The exporters install_sdk_from_environment would build (code: otlp).
  out += " exporters=";
  for (const std::string& name : weft::exporters::choose_traces_exporters(
           environment, logger, {"otlp"})) {
    out += name + ",";
  }
  out += " protocol=" +
         std::to_string(static_cast<int>(weft::exporters::choose_otlp_protocol(
             environment, logger, std::nullopt)));

  weft::exporters::OtlpGrpcExporterOptions exporter_options;
  exporter_options.environment = &environment;
  exporter_options.logger = logger;
  exporter_options.endpoint = "http://code:7";
  exporter_options.timeout = 1500ms;
  exporter_options.headers = {{"x-code", "1"}};
  auto exporter = weft::otlp::finalize_otlp_grpc_config(exporter_options);
  if (!exporter.has_value()) {
    return out + " exporter error: " + exporter.error().message;
  }
  const auto& otlp = exporter.value();
  out += " target=" + otlp.target + " tls=" + std::to_string(otlp.use_tls) +
         " timeout=" + std::to_string(otlp.timeout.count()) +
         " compression=" + std::to_string(static_cast<int>(otlp.compression)) +
         " headers=";
  for (const auto& [key, value] : otlp.headers) {
    out += key + "=" + value.substr(0, 64) + ";";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "every variable given a bad value falls back with exactly one warning",
    "[config][bad_input]") {
  const Row row = GENERATE(from_range(rows()));
  CAPTURE(row.variable.line, row.variable.name, row.value.line,
          row.value.text.substr(0, 40), row.value.text.size());

  FakeEnvironment baseline_environment;
  for (const auto& companion : row.variable.companions) {
    baseline_environment.variables.insert(companion);
  }
  auto baseline_logger = std::make_shared<FakeLogger>();
  const std::string baseline =
      configuration(baseline_environment, baseline_logger);
  REQUIRE(configuration_messages(*baseline_logger).empty());

  FakeEnvironment environment = baseline_environment;
  environment.variables[row.variable.name] = row.value.text;
  auto logger = std::make_shared<FakeLogger>();
  const std::string configured = configuration(environment, logger);

  const std::vector<std::string> messages = configuration_messages(*logger);
  std::size_t naming_variable = 0;
  for (const std::string& message : messages) {
    CAPTURE(message.substr(0, 200));
    CHECK(message.size() < 2048);  // bounded, whatever the input
    if (message.find(row.variable.name) != std::string::npos) {
      ++naming_variable;
    }
  }
  switch (row.value.outcome) {
    case Outcome::kFallback:
      if (row.variable.kind == Kind::kLogLevel) {
        // A logger given in code wins: OTEL_LOG_LEVEL is not read then.
        CHECK(messages.empty());
      } else {
        CHECK(naming_variable == 1);
        CHECK(messages.size() == 1);
      }
      CHECK(configured == baseline);
      break;
    case Outcome::kUnset:
      CHECK(messages.empty());
      CHECK(configured == baseline);
      break;
    case Outcome::kAccepted:
      CHECK(messages.empty());
      break;
    case Outcome::kError:
      CHECK(messages.empty());
      CHECK_THAT(configured, Catch::Contains("exporter error") &&
                                 Catch::Contains(row.variable.name));
      break;
  }
}

TEST_CASE("the bad-input table covers every registered variable",
          "[config][bad_input]") {
  std::set<std::string> covered;
  for (const Variable& variable : variables()) covered.insert(variable.name);
  std::set<std::string> registered;
  for (std::size_t i = 0; i < weft::sdk::kEnvironmentVariableCount; ++i) {
    registered.emplace(weft::sdk::kEnvironmentVariables[i].name);
  }
  CHECK(covered == registered);
}
