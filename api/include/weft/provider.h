// The global tracer provider: the one documented singleton of weft.
//
// Libraries call weft::tracer(name) once and keep the Tracer, in a static if
// they like; applications install an SDK provider at start-up with
// weft::set_tracer_provider(). A tracer of weft::tracer() follows the
// provider installed at the time each span starts: before any is installed
// (or after nullptr) its spans are the no-op provider's, afterwards the
// installed provider's, however early the tracer was obtained (see
// weft/delegating_tracer.h; starting a span on it takes no lock). Spans
// already started keep the provider they came from. weft::tracer_provider()
// is the provider itself: tracers obtained from it directly stay with it.
//
// Thread-safe. weft::tracer() and weft::tracer_provider() take a lock, so
// keep the Tracer rather than looking it up on every span.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>

#include "weft/delegating_tracer.h"
#include "weft/noop.h"
#include "weft/tracer.h"

namespace weft {

// The installed provider, or the no-op provider.
inline std::shared_ptr<TracerProvider> tracer_provider() noexcept {
  return detail::installed_provider().provider;
}

// Installs `provider` as the global provider (nullptr restores the no-op
// one). The tracers of weft::tracer() start their next spans on it, whenever
// they were obtained. The replaced provider is released before this
// returns (destroyed, and so shut down, if this held its last reference).
inline void set_tracer_provider(
    std::shared_ptr<TracerProvider> provider) noexcept {
  detail::GlobalProvider& global = detail::global_provider();
  std::lock_guard<std::mutex> lock(global.mutex);
  std::shared_ptr<TracerProvider> replaced = std::move(provider);
  {
    std::lock_guard<std::mutex> slot_lock(global.slot_mutex);
    global.provider.swap(replaced);
    detail::global_provider_generation.fetch_add(1, std::memory_order_release);
  }
  // A tracer resolving now may hold `replaced` (copied before the swap);
  // resolutions take no lock and call only the provider's get_tracer().
  while (global.resolving.load(std::memory_order_acquire) != 0) {
    std::this_thread::yield();
  }
  // `replaced` is destroyed here, under `mutex` alone: spans keep starting
  // (on the new provider) while it shuts down.
}

// The tracer for one instrumentation scope that follows the global
// provider; the same tracer for the same scope on every call.
inline std::shared_ptr<Tracer> tracer(
    std::string_view name, std::string_view version = {},
    std::string_view schema_url = {}) noexcept {
  detail::GlobalProvider& global = detail::global_provider();
  try {
    auto key = std::make_tuple(std::string(name), std::string(version),
                               std::string(schema_url));
    std::lock_guard<std::mutex> lock(global.slot_mutex);
    std::shared_ptr<detail::DelegatingTracer>& found = global.tracers[key];
    if (!found) {
      found = std::make_shared<detail::DelegatingTracer>(
          std::get<0>(key), std::get<1>(key), std::get<2>(key));
    }
    return found;
  } catch (...) {
    // Out of memory: the installed provider's own tracer, which does not
    // follow later replacements.
    return tracer_provider()->get_tracer(name, version, schema_url);
  }
}

}  // namespace weft
