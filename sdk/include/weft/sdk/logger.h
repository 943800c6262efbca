// Logger: the one channel through which the SDK and its exporters report
// problems (a bad environment value, dropped spans, export failures).
//
// Every component logs through log(logger, ...) with the logger of its
// options; a null one (the default everywhere) means the SDK-wide logger.
// The SDK-wide logger is the application's (set_logger) or, by default, one
// that writes "weft: <level>: <message>" lines to stderr. OTEL_LOG_LEVEL
// (`none`, `error`, `warn`, `info`, `debug`; default `warn`), read once from
// the process environment, is the threshold of the SDK-wide channel; a
// logger given in a component's options gets every message of that
// component (make_stderr_logger(minimum) filters on its own).
// Implementations must be thread-safe; the SDK never calls a logger while it
// holds a lock. Every function here is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace weft::sdk {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

std::string_view to_string(LogLevel level) noexcept;

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;
};

// Writes "weft: <level>: <message>" lines to stderr, at `minimum` and above.
std::shared_ptr<Logger> make_stderr_logger(
    LogLevel minimum = LogLevel::kWarning);

// Forwards every message to `callback` (called from any thread).
std::shared_ptr<Logger> make_callback_logger(
    std::function<void(LogLevel, std::string_view)> callback);

// Makes `logger` the SDK-wide logger (set it once, at start-up); null
// restores the default (stderr). OTEL_LOG_LEVEL still filters what reaches
// it.
void set_logger(std::shared_ptr<Logger> logger) noexcept;

// True when the SDK-wide channel writes messages at `level` (OTEL_LOG_LEVEL).
// Cheap (one atomic load): check it before formatting a message.
bool log_enabled(LogLevel level) noexcept;

// True when log(logger, level, ...) would write: always for a component's
// own logger, else as log_enabled(level).
inline bool log_enabled(const std::shared_ptr<Logger>& logger,
                        LogLevel level) noexcept {
  return logger != nullptr || log_enabled(level);
}

// Logs through `logger`, or through the SDK-wide logger when `logger` is
// null (subject to OTEL_LOG_LEVEL).
void log(const std::shared_ptr<Logger>& logger, LogLevel level,
         std::string_view message) noexcept;

}  // namespace weft::sdk
