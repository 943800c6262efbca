// Diagnostics from the header-only API: where it reports misuse it can
// survive (a Scope closed out of order, baggage over its limits), so that a
// bug in instrumented code is seen without ever crashing the host.
//
// Until an SDK installs a handler (weft::sdk installs one that writes through
// the SDK's logger), messages go to stderr. Thread-safe.
#pragma once

#include <atomic>
#include <cstdio>
#include <string_view>

namespace weft {

// Receives one diagnostic message; must not throw.
using DiagnosticHandler = void (*)(std::string_view message) noexcept;

namespace detail {

inline void write_diagnostic_to_stderr(std::string_view message) noexcept {
  std::fprintf(stderr, "weft: %.*s\n", static_cast<int>(message.size()),
               message.data());
}

inline std::atomic<DiagnosticHandler>& diagnostic_handler_slot() noexcept {
  static std::atomic<DiagnosticHandler> handler{&write_diagnostic_to_stderr};
  return handler;
}

}  // namespace detail

// Installs `handler` for the API's diagnostics (nullptr restores stderr).
inline void set_diagnostic_handler(DiagnosticHandler handler) noexcept {
  detail::diagnostic_handler_slot().store(
      handler != nullptr ? handler : &detail::write_diagnostic_to_stderr,
      std::memory_order_release);
}

// Reports `message` through the installed handler.
inline void report_diagnostic(std::string_view message) noexcept {
  detail::diagnostic_handler_slot().load(std::memory_order_acquire)(message);
}

// Reports `message` the first time `reported` is found false: each kind of
// misuse is reported once per process, not once per occurrence.
inline void report_diagnostic_once(std::atomic<bool>& reported,
                                   std::string_view message) noexcept {
  if (!reported.load(std::memory_order_relaxed) &&
      !reported.exchange(true, std::memory_order_relaxed)) {
    report_diagnostic(message);
  }
}

}  // namespace weft
