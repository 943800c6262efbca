// Tests of the SDK's one diagnostics channel: OTEL_LOG_LEVEL as the
// threshold of the SDK-wide logger, the default logger writing to stderr,
// set_logger, components whose logger option is null reaching the SDK-wide
// logger, and the rate limit of repeated warnings.
#include "weft/sdk/logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fake_environment.h"
#include "fake_exporter.h"
#include "fake_logger.h"
#include "log_level.h"
#include "rate_limited_log.h"
#include "test_provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/tracer_provider.h"

namespace {

using std::chrono::seconds;
using weft::sdk::LogLevel;
using weft::testing::FakeEnvironment;
using weft::testing::GlobalFakeLogger;

// Sets OTEL_LOG_LEVEL for the SDK-wide channel while it lives; the process
// environment's level is read again after.
struct LogLevelScope {
  explicit LogLevelScope(FakeEnvironment environment)
      : environment_(std::move(environment)) {
    weft::sdk::read_log_level(environment_);
  }
  ~LogLevelScope() {
    weft::sdk::read_log_level(FakeEnvironment{});  // unset: `warn`
  }
  FakeEnvironment environment_;
};

constexpr LogLevel kLevels[] = {LogLevel::kDebug, LogLevel::kInfo,
                                LogLevel::kWarning, LogLevel::kError};

// Runs `write` with stderr redirected to a pipe; what it wrote to stderr.
template <class Write>
std::string captured_stderr(Write write) {
  int pipe_ends[2];
  REQUIRE(::pipe(pipe_ends) == 0);
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(pipe_ends[1], STDERR_FILENO) >= 0);
  ::close(pipe_ends[1]);
  write();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::string text;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_ends[0]);
  return text;
}

}  // namespace

TEST_CASE("OTEL_LOG_LEVEL decides which messages reach the SDK-wide logger",
          "[logger]") {
  struct Row {
    int line;
    const char* value;  // "" leaves the variable unset
    // The lowest level written; kError + 1: none.
    int lowest;
    bool reported;  // a bad value, reported once
  };
  const int kNothing = static_cast<int>(LogLevel::kError) + 1;
  const Row row = GENERATE_COPY(
      Row{__LINE__, "", static_cast<int>(LogLevel::kWarning), false},
      Row{__LINE__, "none", kNothing, false},
      Row{__LINE__, "error", static_cast<int>(LogLevel::kError), false},
      Row{__LINE__, "warn", static_cast<int>(LogLevel::kWarning), false},
      Row{__LINE__, " WARN ", static_cast<int>(LogLevel::kWarning), false},
      Row{__LINE__, "info", static_cast<int>(LogLevel::kInfo), false},
      Row{__LINE__, "Debug", static_cast<int>(LogLevel::kDebug), false},
      Row{__LINE__, "loud", static_cast<int>(LogLevel::kWarning), true});
  CAPTURE(row.line, row.value);

  GlobalFakeLogger global;
  FakeEnvironment environment;
  if (*row.value != '\0') environment.variables["OTEL_LOG_LEVEL"] = row.value;
  const LogLevelScope level(environment);
  const std::size_t reports = global.logger->size();
  CHECK(reports == (row.reported ? 1u : 0u));
  if (row.reported) {
    CHECK(global.logger->count_containing(
              {"OTEL_LOG_LEVEL='loud'", "none, error, warn, info or debug"}) ==
          1);
  }

  for (const LogLevel message_level : kLevels) {
    weft::sdk::log(nullptr, message_level, "message");
    CHECK(weft::sdk::log_enabled(message_level) ==
          (static_cast<int>(message_level) >= row.lowest));
  }
  int expected = 0;
  for (const LogLevel message_level : kLevels) {
    if (static_cast<int>(message_level) >= row.lowest) ++expected;
  }
  CHECK(global.logger->size() == reports + static_cast<std::size_t>(expected));
}

TEST_CASE("by default warnings and errors are written to stderr", "[logger]") {
  weft::sdk::set_logger(nullptr);
  const LogLevelScope level(FakeEnvironment{});
  const std::string written = captured_stderr([] {
    weft::sdk::log(nullptr, LogLevel::kDebug, "debug marker");
    weft::sdk::log(nullptr, LogLevel::kInfo, "info marker");
    weft::sdk::log(nullptr, LogLevel::kWarning, "warning marker");
    weft::sdk::log(nullptr, LogLevel::kError, "error marker");
  });
  CHECK(written ==
        "weft: warning: warning marker\n"
        "weft: error: error marker\n");
}

TEST_CASE("set_logger replaces the default logger and null restores it",
          "[logger]") {
  const LogLevelScope level(FakeEnvironment{});
  {
    GlobalFakeLogger global;
    const std::string written = captured_stderr(
        [] { weft::sdk::log(nullptr, LogLevel::kError, "to the fake"); });
    CHECK(written.empty());
    CHECK(global.logger->count_containing({"to the fake"}) == 1);
  }
  // GlobalFakeLogger's destructor called set_logger(nullptr).
  const std::string written = captured_stderr(
      [] { weft::sdk::log(nullptr, LogLevel::kError, "to stderr"); });
  CHECK(written == "weft: error: to stderr\n");
}

TEST_CASE("a component's own logger gets every message, whatever the level",
          "[logger]") {
  GlobalFakeLogger global;
  const LogLevelScope level(FakeEnvironment{{"OTEL_LOG_LEVEL", "none"}});
  auto own = std::make_shared<weft::testing::FakeLogger>();
  const std::shared_ptr<weft::sdk::Logger> as_logger = own;
  CHECK(weft::sdk::log_enabled(as_logger, LogLevel::kDebug));
  CHECK_FALSE(weft::sdk::log_enabled(nullptr, LogLevel::kError));
  weft::sdk::log(as_logger, LogLevel::kDebug, "debug");
  weft::sdk::log(nullptr, LogLevel::kError, "error");
  CHECK(own->size() == 1);
  CHECK(global.logger->size() == 0);
}

TEST_CASE(
    "components whose logger option is null report through the SDK-wide "
    "logger",
    "[logger]") {
  GlobalFakeLogger global;
  const LogLevelScope level(FakeEnvironment{});

  SECTION("the tracer provider") {
    const FakeEnvironment environment{{"OTEL_TRACES_SAMPLER", "sometimes"}};
    weft::sdk::TracerProviderOptions options;
    options.environment = &environment;
    options.limits.link_count = 0;
    auto provider = weft::sdk::make_tracer_provider(std::move(options));
    REQUIRE(provider.has_value());
    CHECK(global.logger->count_containing(
              {"OTEL_TRACES_SAMPLER='sometimes'"}) == 1);
    const std::vector<weft::Link> links = {
        weft::Link{weft::testing::make_context(7, 1), {}}};
    provider.value()->get_tracer("t")->start_span(
        "over", weft::StartSpanOptions().with_links(links));
    CHECK(global.logger->count_containing({"'over'", "link limit (0)"}) == 1);
  }
  SECTION("the batch processor") {
    const FakeEnvironment environment{{"OTEL_BSP_MAX_QUEUE_SIZE", "many"}};
    auto exporter = std::make_shared<weft::testing::FakeExporterState>();
    weft::sdk::BatchOptions options;
    options.environment = &environment;
    options.max_queue_size = 1;
    options.max_export_batch_size = 1;
    auto processor = weft::sdk::make_batch_processor(
        std::make_unique<weft::testing::FakeExporter>(exporter), options);
    REQUIRE(processor.has_value());
    CHECK(global.logger->count_containing({"OTEL_BSP_MAX_QUEUE_SIZE='many'"}) ==
          1);
    processor.value()->shutdown(seconds(10));
    auto span = std::make_unique<weft::sdk::SpanData>();
    span->flags = weft::TraceFlags(weft::TraceFlags::kSampled);
    processor.value()->on_end(std::move(span));  // after shutdown: dropped
    CHECK(global.logger->count_containing({"spans are being dropped"}) == 1);
  }
}

TEST_CASE(
    "a repeated warning is written once per interval with the count of "
    "those suppressed",
    "[logger]") {
  auto logger = std::make_shared<weft::testing::FakeLogger>();
  const std::shared_ptr<weft::sdk::Logger> as_logger = logger;
  weft::sdk::RateLimitedLog limited(seconds(10));
  int formatted = 0;
  const auto message = [&] {
    ++formatted;
    return std::string("full");
  };
  const auto at = [](int s) { return std::chrono::nanoseconds(seconds(s)); };

  limited.log(as_logger, LogLevel::kWarning, at(100), message);
  for (int i = 0; i < 1000; ++i) {
    limited.log(as_logger, LogLevel::kWarning, at(105), message);
  }
  CHECK(logger->size() == 1);
  CHECK(formatted == 1);  // suppressed messages are never formatted
  limited.log(as_logger, LogLevel::kWarning, at(110), message);
  limited.log(as_logger, LogLevel::kWarning, at(111), message);
  // A clock that stepped far back does not silence the log.
  limited.log(as_logger, LogLevel::kWarning, at(50), message);
  limited.log(as_logger, LogLevel::kWarning, at(55), message);
  limited.flush(as_logger, LogLevel::kWarning, [] { return std::string("x"); });
  limited.flush(as_logger, LogLevel::kWarning, [] { return std::string("y"); });

  const auto messages = logger->all();
  REQUIRE(messages.size() == 4);
  CHECK(messages[0].text == "full");
  CHECK(messages[1].text == "full (1000 similar messages suppressed)");
  CHECK(messages[2].text == "full (1 similar message suppressed)");
  CHECK(messages[3].text == "x (1 similar message suppressed)");
  CHECK(formatted == 3);
}

TEST_CASE("threads that repeat a warning at once write it once", "[logger]") {
  auto logger = std::make_shared<weft::testing::FakeLogger>();
  const std::shared_ptr<weft::sdk::Logger> as_logger = logger;
  weft::sdk::RateLimitedLog limited(seconds(10));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        limited.log(as_logger, LogLevel::kWarning, seconds(1),
                    [] { return std::string("again"); });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  limited.flush(as_logger, LogLevel::kWarning,
                [] { return std::string("again"); });
  const auto messages = logger->all();
  REQUIRE(messages.size() == 2);
  CHECK(messages[1].text == "again (19999 similar messages suppressed)");
}
