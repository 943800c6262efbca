// FakeLogger: a weft::sdk::Logger that records every message, so that tests
// can assert what the SDK reported and how often. GlobalFakeLogger makes one
// the SDK-wide logger for a test's scope.
//
// Thread-safe: the batch processor logs from its worker thread.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/sdk/logger.h"

namespace weft::testing {

struct FakeLogger final : public sdk::Logger {
  struct Message {
    sdk::LogLevel level;
    std::string text;
  };

  void log(sdk::LogLevel level, std::string_view text) noexcept override {
    std::lock_guard<std::mutex> lock(mutex);
    messages.push_back({level, std::string(text)});
  }

  // A copy of every message so far.
  std::vector<Message> all() const {
    std::lock_guard<std::mutex> lock(mutex);
    return messages;
  }

  // How many messages contain every one of `parts`.
  std::size_t count_containing(
      std::initializer_list<std::string_view> parts) const {
    std::lock_guard<std::mutex> lock(mutex);
    std::size_t count = 0;
    for (const Message& message : messages) {
      bool all_found = true;
      for (std::string_view part : parts) {
        if (message.text.find(part) == std::string::npos) all_found = false;
      }
      if (all_found) ++count;
    }
    return count;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex);
    return messages.size();
  }

  mutable std::mutex mutex;
  std::vector<Message> messages;
};

// A FakeLogger set as the SDK-wide logger (weft::sdk::set_logger) while it
// lives; the default logger is restored after.
struct GlobalFakeLogger {
  GlobalFakeLogger() { sdk::set_logger(logger); }
  ~GlobalFakeLogger() { sdk::set_logger(nullptr); }
  GlobalFakeLogger(const GlobalFakeLogger&) = delete;
  GlobalFakeLogger& operator=(const GlobalFakeLogger&) = delete;

  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
};

}  // namespace weft::testing
