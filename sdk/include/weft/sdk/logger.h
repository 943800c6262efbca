// Logger: the seam through which the SDK and exporters report problems (a
// bad environment value, dropped spans, export failures).
//
// Silent by default: a null std::shared_ptr<Logger> logs nothing. Use
// make_stderr_logger() or make_callback_logger() to see the messages.
// Implementations must be thread-safe; the SDK never calls a logger while it
// holds a lock.
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

// Logs through `logger` when it is not null.
inline void log(const std::shared_ptr<Logger>& logger, LogLevel level,
                std::string_view message) noexcept {
  if (logger) logger->log(level, message);
}

}  // namespace weft::sdk
