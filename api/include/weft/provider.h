// The global tracer provider: the one documented singleton of weft.
//
// Libraries call weft::tracer(name) once and keep the Tracer; applications
// install an SDK provider at start-up with weft::set_tracer_provider(). Until
// then the no-op provider answers. Thread-safe; the lookup takes a lock, so
// keep the Tracer rather than looking it up on every span.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "weft/noop.h"
#include "weft/tracer.h"

namespace weft {
namespace detail {

struct GlobalProvider {
  std::mutex mutex;
  std::shared_ptr<TracerProvider> provider;
};

inline GlobalProvider& global_provider() noexcept {
  static GlobalProvider global;
  return global;
}

}  // namespace detail

// The installed provider, or the no-op provider.
inline std::shared_ptr<TracerProvider> tracer_provider() noexcept {
  detail::GlobalProvider& global = detail::global_provider();
  {
    std::lock_guard<std::mutex> lock(global.mutex);
    if (global.provider) return global.provider;
  }
  static const auto noop = std::make_shared<NoopTracerProvider>();
  return noop;
}

// Installs `provider` as the global provider (nullptr restores the no-op one).
// Tracers obtained earlier keep the provider they came from.
inline void set_tracer_provider(
    std::shared_ptr<TracerProvider> provider) noexcept {
  detail::GlobalProvider& global = detail::global_provider();
  std::lock_guard<std::mutex> lock(global.mutex);
  global.provider = std::move(provider);
}

// A tracer of the global provider.
inline std::shared_ptr<Tracer> tracer(std::string_view name,
                                      std::string_view version = {}) noexcept {
  return tracer_provider()->get_tracer(name, version, {});
}

}  // namespace weft
