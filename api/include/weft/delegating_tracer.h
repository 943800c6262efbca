// DelegatingTracer: the tracer weft::tracer() hands out, and the state of the
// global provider behind weft/provider.h. Internal to the API (users hold it
// as a weft::Tracer).
//
// A DelegatingTracer starts each span on the tracer that the provider
// installed at that moment has for its scope (name, version, schema URL).
// So a tracer obtained before weft::set_tracer_provider() (a library's
// static) records once an SDK is installed, and follows every later
// replacement, as the global tracers of OpenTelemetry Go and Java do.
//
// How: every set_tracer_provider() bumps a global generation. A
// DelegatingTracer keeps the delegate it resolved last, tagged with the
// generation it was resolved in. Starting a span compares the two (two
// atomic loads, no lock, no reference count) and calls the delegate. On a
// mismatch it copies the installed provider (under the global slot's lock,
// a leaf held only to copy, swap or look up), asks it for the tracer of its
// scope and publishes that with a compare-and-swap; a resolution never
// replaces a newer one. set_tracer_provider() waits for resolutions in
// progress before it releases the provider it replaced, so the replaced
// provider is destroyed there, never in a thread that is starting a span.
//
// Lifetime: another thread may still be starting a span on the previous
// delegate while the next one is published, so no delegate is released
// while its DelegatingTracer lives: each resolution is a node of a list
// that the DelegatingTracer owns, one node per provider installed while it
// was used (bounded by the number of installs). A replaced SDK provider is
// still shut down when its last owner lets go (its tracers then start
// non-recording spans); what its tracer holds of it (the SDK's shared
// state, with its shut-down processors) stays allocated until the
// DelegatingTracer is destroyed, which for the tracers of weft::tracer() is
// at exit. Spans already started keep the tracer they came from.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "weft/noop.h"
#include "weft/tracer.h"

namespace weft::detail {

class DelegatingTracer;

// The global provider (weft/provider.h). Lock order, also kept by the SDK's
// fork handlers (sdk/src/fork_handlers.h): `mutex` before `slot_mutex`;
// `slot_mutex` is a leaf.
struct GlobalProvider {
  // Held by set_tracer_provider() for the whole replacement, including the
  // destruction of the provider it replaces (so fork() waits for that).
  std::mutex mutex;
  // Guards `provider` and `tracers`; held only to copy or swap the pointer
  // and to find or add a tracer, never while calling out of the API.
  std::mutex slot_mutex;
  std::shared_ptr<TracerProvider> provider;  // null: the no-op provider
  // DelegatingTracers between pin_installed_provider() and
  // unpin_provider(): set_tracer_provider() waits for none to be left
  // before it lets go of the provider it replaced, so that a thread starting
  // a span never holds its last reference (and never runs its shutdown).
  // Zeroed in a forked child (sdk/src/fork_handlers.cc): the threads are gone.
  std::atomic<std::uint32_t> resolving{0};
  // The tracers weft::tracer() handed out, by (name, version, schema URL).
  std::map<std::tuple<std::string, std::string, std::string>,
           std::shared_ptr<DelegatingTracer>>
      tracers;
};

inline GlobalProvider& global_provider() noexcept {
  static GlobalProvider global;
  return global;
}

// Bumped under both locks of GlobalProvider by every set_tracer_provider();
// read without a lock when a span starts. Starts at 1: 0 marks a
// DelegatingTracer that has resolved nothing yet. Constant-initialised, so
// usable before main.
inline std::atomic<std::uint64_t> global_provider_generation{1};

inline const std::shared_ptr<TracerProvider>& noop_provider() noexcept {
  static const std::shared_ptr<TracerProvider> noop =
      std::make_shared<NoopTracerProvider>();
  return noop;
}

// The installed provider (the no-op one when none is) and its generation,
// read together.
struct InstalledProvider {
  std::shared_ptr<TracerProvider> provider;
  std::uint64_t generation = 0;
};

inline InstalledProvider installed_provider() noexcept {
  const std::shared_ptr<TracerProvider>& noop = noop_provider();
  GlobalProvider& global = global_provider();
  std::lock_guard<std::mutex> lock(global.slot_mutex);
  return {global.provider ? global.provider : noop,
          global_provider_generation.load(std::memory_order_relaxed)};
}

// installed_provider(), counted in GlobalProvider::resolving until
// unpin_provider() releases it.
inline InstalledProvider pin_installed_provider() noexcept {
  const std::shared_ptr<TracerProvider>& noop = noop_provider();
  GlobalProvider& global = global_provider();
  std::lock_guard<std::mutex> lock(global.slot_mutex);
  global.resolving.fetch_add(1, std::memory_order_relaxed);
  return {global.provider ? global.provider : noop,
          global_provider_generation.load(std::memory_order_relaxed)};
}

inline void unpin_provider(InstalledProvider& pinned) noexcept {
  pinned.provider.reset();
  global_provider().resolving.fetch_sub(1, std::memory_order_release);
}

class DelegatingTracer final : public Tracer {
 public:
  DelegatingTracer(std::string name, std::string version,
                   std::string schema_url) noexcept
      : name_(std::move(name)),
        version_(std::move(version)),
        schema_url_(std::move(schema_url)) {}
  DelegatingTracer(const DelegatingTracer&) = delete;
  DelegatingTracer& operator=(const DelegatingTracer&) = delete;

  ~DelegatingTracer() override {
    const Resolution* node = resolved_.load(std::memory_order_acquire);
    while (node != &unresolved_) {
      const Resolution* previous = node->previous;
      delete node;
      node = previous;
    }
  }

 protected:
  Span do_start_span(std::string_view name, const StartSpanOptions& options,
                     Attributes attributes) noexcept override {
    const Resolution* resolved = resolved_.load(std::memory_order_acquire);
    if (resolved->generation ==
        global_provider_generation.load(std::memory_order_acquire)) {
      // Copied member by member: GCC copies the view's two words with one
      // 16-byte load, which stalls on the caller's two 8-byte stores (store
      // forwarding fails: +2 ns of W0).
      if (resolved->tracer == nullptr) {  // no SDK: the no-op API, inline
        return Span(options.resolve_parent());
      }
      return resolved->tracer->start_span(
          name, options, Attributes(attributes.data(), attributes.size()));
    }
    return resolve_and_start(name, options, attributes);
  }

 private:
  // One delegate, immutable once published.
  struct Resolution {
    std::uint64_t generation;
    // owner.get(), one load shorter; null for the no-op tracer, whose span
    // do_start_span makes itself (W0 pays one virtual call, not two).
    Tracer* tracer;
    std::shared_ptr<Tracer> owner;
    const Resolution* previous;  // the one it replaced
  };

  // Out of line, so that the common path above does not set up the frame
  // that the resolution's shared_ptr needs (it saves one register, not
  // three; within the noise of W0 on its own).
  [[gnu::noinline]] Span resolve_and_start(std::string_view name,
                                           const StartSpanOptions& options,
                                           Attributes attributes) noexcept {
    return resolve()->start_span(name, options, attributes);
  }

  // The installed provider's tracer for this scope, published for the next
  // spans; the caller's reference keeps it alive for this one (even when a
  // newer resolution wins, or memory for the node runs out).
  std::shared_ptr<Tracer> resolve() noexcept {
    InstalledProvider installed = pin_installed_provider();
    std::shared_ptr<Tracer> delegate =
        installed.provider->get_tracer(name_, version_, schema_url_);
    unpin_provider(installed);
    if (!delegate) {
      delegate = NoopTracerProvider().get_tracer(name_, version_, schema_url_);
    }
    publish(installed.generation, delegate);
    return delegate;
  }

  void publish(std::uint64_t generation,
               const std::shared_ptr<Tracer>& delegate) noexcept {
    const bool noop = delegate == NoopTracerProvider().get_tracer({}, {}, {});
    auto* node = new (std::nothrow) Resolution{
        generation, noop ? nullptr : delegate.get(), delegate, nullptr};
    if (node == nullptr) return;  // resolved again by the next span
    const Resolution* head = resolved_.load(std::memory_order_acquire);
    do {
      if (head->generation >= generation) {  // as new or newer: keep it
        delete node;
        return;
      }
      node->previous = head;
    } while (!resolved_.compare_exchange_weak(
        head, node, std::memory_order_acq_rel, std::memory_order_acquire));
  }

  const std::string name_;
  const std::string version_;
  const std::string schema_url_;
  const Resolution unresolved_{0, nullptr, nullptr, nullptr};
  std::atomic<const Resolution*> resolved_{&unresolved_};
};

}  // namespace weft::detail
