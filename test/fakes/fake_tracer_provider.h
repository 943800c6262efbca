// FakeTracerProvider: a weft::TracerProvider whose get_tracer() can be held
// at a gate, and which notes the thread that destroys it; for tests of the
// global provider's replacement (weft/provider.h). It hands out the no-op
// tracer.
//
// The test keeps the shared FakeTracerProviderState. Thread-safe: the state
// is guarded by one mutex and every change is announced on `changed`.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "weft/noop.h"

namespace weft::testing {

struct FakeTracerProviderState {
  void close_gate() {
    std::lock_guard<std::mutex> lock(mutex);
    gate_open = false;
  }
  void open_gate() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      gate_open = true;
    }
    changed.notify_all();
  }
  // Waits until `predicate(*this)` holds (checked under the mutex).
  template <class Predicate>
  void wait_until(Predicate predicate) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return predicate(*this); });
  }

  std::mutex mutex;
  std::condition_variable changed;
  bool gate_open = true;
  std::size_t get_tracer_calls = 0;  // entered, held at the gate or not
  bool destroyed = false;
  std::thread::id destroyed_by;
};

struct FakeTracerProvider final : public TracerProvider {
  explicit FakeTracerProvider(std::shared_ptr<FakeTracerProviderState> s)
      : state(std::move(s)) {}
  ~FakeTracerProvider() override {
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      state->destroyed = true;
      state->destroyed_by = std::this_thread::get_id();
    }
    state->changed.notify_all();
  }

  std::shared_ptr<Tracer> get_tracer(
      std::string_view name, std::string_view version,
      std::string_view schema_url) noexcept override {
    {
      std::unique_lock<std::mutex> lock(state->mutex);
      ++state->get_tracer_calls;
      state->changed.notify_all();
      state->changed.wait(lock, [this] { return state->gate_open; });
    }
    return NoopTracerProvider().get_tracer(name, version, schema_url);
  }

  std::shared_ptr<FakeTracerProviderState> state;
};

}  // namespace weft::testing
