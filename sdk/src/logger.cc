#include "weft/sdk/logger.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "fork_handlers.h"
#include "log_level.h"
#include "weft/diagnostics.h"
#include "weft/sdk/environment.h"

namespace weft::sdk {
namespace {

// The SDK-wide channel's threshold: a LogLevel, kNothing (`none`), or
// kUnread until OTEL_LOG_LEVEL was read. Constant-initialized, like every
// global below, so that logging works from static initializers too.
constexpr int kUnread = -1;
constexpr int kNothing = static_cast<int>(LogLevel::kError) + 1;
std::atomic<int> threshold{kUnread};
std::once_flag process_level_read;

std::mutex global_logger_mutex;
std::shared_ptr<Logger> global_logger;  // guarded; null: stderr

void write_to_stderr(LogLevel level, std::string_view message) noexcept {
  // One fprintf per line so that lines from several threads do not mix.
  std::fprintf(stderr, "weft: %.*s: %.*s\n",
               static_cast<int>(to_string(level).size()),
               to_string(level).data(), static_cast<int>(message.size()),
               message.data());
}

class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(LogLevel minimum) : minimum_(minimum) {}

  void log(LogLevel level, std::string_view message) noexcept override {
    if (level >= minimum_) write_to_stderr(level, message);
  }

 private:
  LogLevel minimum_;
};

class CallbackLogger final : public Logger {
 public:
  explicit CallbackLogger(std::function<void(LogLevel, std::string_view)> cb)
      : callback_(std::move(cb)) {}

  void log(LogLevel level, std::string_view message) noexcept override {
    try {
      if (callback_) callback_(level, message);
    } catch (...) {
      // A throwing user callback must not take the application down.
    }
  }

 private:
  std::function<void(LogLevel, std::string_view)> callback_;
};

// Sets the threshold from OTEL_LOG_LEVEL in `environment`; the value when
// it is not a level (the threshold is then the default, `warn`).
std::optional<std::string> apply_log_level(const Environment& environment) {
  std::optional<std::string> level;
  try {
    level = EnvironmentReader(environment, nullptr).keyword("OTEL_LOG_LEVEL");
  } catch (...) {
    level.reset();  // out of memory: the default
  }
  int value = static_cast<int>(LogLevel::kWarning);
  std::optional<std::string> invalid;
  if (!level || *level == "warn" || *level == "warning") {
    value = static_cast<int>(LogLevel::kWarning);
  } else if (*level == "debug") {
    value = static_cast<int>(LogLevel::kDebug);
  } else if (*level == "info") {
    value = static_cast<int>(LogLevel::kInfo);
  } else if (*level == "error") {
    value = static_cast<int>(LogLevel::kError);
  } else if (*level == "none") {
    value = kNothing;
  } else {
    invalid = std::move(level);
  }
  threshold.store(value, std::memory_order_release);
  return invalid;
}

// Reported once the threshold is set: the report goes through log() too.
void report_invalid_level(const std::string& value) {
  EnvironmentReader(Environment::process(), nullptr)
      .report_invalid("OTEL_LOG_LEVEL", value,
                      "none, error, warn, info or debug");
}

int current_threshold() noexcept {
  const int value = threshold.load(std::memory_order_acquire);
  if (value != kUnread) return value;
  std::optional<std::string> invalid;
  try {
    std::call_once(process_level_read,
                   [&] { invalid = apply_log_level(Environment::process()); });
    if (invalid) report_invalid_level(*invalid);
  } catch (...) {
    // Out of memory while reporting: the threshold is set all the same.
  }
  return threshold.load(std::memory_order_acquire);
}

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

std::shared_ptr<Logger> make_stderr_logger(LogLevel minimum) {
  return std::make_shared<StderrLogger>(minimum);
}

std::shared_ptr<Logger> make_callback_logger(
    std::function<void(LogLevel, std::string_view)> callback) {
  return std::make_shared<CallbackLogger>(std::move(callback));
}

void route_api_diagnostics() noexcept {
  weft::set_diagnostic_handler([](std::string_view message) noexcept {
    log(nullptr, LogLevel::kWarning, message);
  });
}

void set_logger(std::shared_ptr<Logger> logger) noexcept {
  route_api_diagnostics();
  register_fork_handlers();  // the slot's lock is taken around fork()
  std::shared_ptr<Logger> previous;
  {
    std::lock_guard<std::mutex> lock(global_logger_mutex);
    previous = std::exchange(global_logger, std::move(logger));
  }
  // `previous` is released here, outside the lock: its destructor may log.
}

bool log_enabled(LogLevel level) noexcept {
  return static_cast<int>(level) >= current_threshold();
}

void log(const std::shared_ptr<Logger>& logger, LogLevel level,
         std::string_view message) noexcept {
  if (logger) {
    logger->log(level, message);
    return;
  }
  if (!log_enabled(level)) return;
  std::shared_ptr<Logger> global;
  {
    std::lock_guard<std::mutex> lock(global_logger_mutex);
    global = global_logger;
  }
  if (global) {
    global->log(level, message);
  } else {
    write_to_stderr(level, message);
  }
}

void read_log_level(const Environment& environment) noexcept {
  current_threshold();  // the process environment's reading comes first
  try {
    if (const auto invalid = apply_log_level(environment)) {
      EnvironmentReader(environment, nullptr)
          .report_invalid("OTEL_LOG_LEVEL", *invalid,
                          "none, error, warn, info or debug");
    }
  } catch (...) {
    // Out of memory while reporting.
  }
}

namespace fork_hooks {

// A fork() while another thread copies or swaps the logger would leave the
// slot locked in the child, and its first message would hang.
void lock_logger() noexcept { global_logger_mutex.lock(); }
void unlock_logger() noexcept { global_logger_mutex.unlock(); }

}  // namespace fork_hooks

}  // namespace weft::sdk
