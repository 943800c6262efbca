#include "weft/sdk/logger.h"

#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

namespace weft::sdk {
namespace {

class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(LogLevel minimum) : minimum_(minimum) {}

  void log(LogLevel level, std::string_view message) noexcept override {
    if (level < minimum_) return;
    // One fprintf per line so that lines from several threads do not mix.
    std::fprintf(stderr, "weft: %.*s: %.*s\n",
                 static_cast<int>(to_string(level).size()),
                 to_string(level).data(), static_cast<int>(message.size()),
                 message.data());
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

}  // namespace weft::sdk
