// ISO 8601 UTC timestamps with microseconds ("2024-05-01T12:00:00.000123Z"),
// the article's datetime.utcnow().isoformat() for link attributes.
// Stateless, thread-safe.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "weft/span.h"

namespace weft::samples {

inline std::string iso_8601_utc(Timestamp time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
      since_epoch - seconds);
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros.count() % 1000000));
  return text;
}

}  // namespace weft::samples
