// The tracers of weft::tracer() follow the global provider
// (weft/delegating_tracer.h): obtained before an SDK is installed, they
// record once it is, and every replacement after that.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstddef>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include "fake_tracer_provider.h"
#include "test_provider.h"
#include "weft/provider.h"

namespace {

using weft::testing::TestProvider;

// A library's tracer, kept in a static at namespace scope: initialised
// before main, so before any test installs a provider.
const std::shared_ptr<weft::Tracer> library_tracer =
    weft::tracer("weft.test.static_library", "0.1");

// Restores the no-op global provider around a test.
struct GlobalProviderGuard {
  GlobalProviderGuard() { weft::set_tracer_provider(nullptr); }
  ~GlobalProviderGuard() { weft::set_tracer_provider(nullptr); }
};

// Starts and ends one span on `tracer`; true when it was recording.
bool record(weft::Tracer& tracer, std::string_view name) {
  weft::Span span = tracer.start_span(name);
  return span.is_recording();
}

}  // namespace

TEST_CASE(
    "a static tracer obtained before main records once a provider is "
    "installed",
    "[delegating_tracer]") {
  GlobalProviderGuard guard;
  CHECK_FALSE(record(*library_tracer, "before"));
  TestProvider test;
  weft::set_tracer_provider(test.provider);
  CHECK(record(*library_tracer, "after"));
  const auto span = test.take_one();
  CHECK(span->name == "after");
  REQUIRE(span->tracer != nullptr);
  CHECK(span->tracer->scope.name == "weft.test.static_library");
  CHECK(span->tracer->scope.version == "0.1");
}

TEST_CASE("weft::tracer returns the same tracer for the same scope",
          "[delegating_tracer]") {
  CHECK(weft::tracer("weft.test.same", "1") ==
        weft::tracer("weft.test.same", "1"));
  CHECK(weft::tracer("weft.test.same", "1") !=
        weft::tracer("weft.test.same", "2"));
  CHECK(weft::tracer("weft.test.same", "1", "https://schema/1") !=
        weft::tracer("weft.test.same", "1"));
}

TEST_CASE(
    "a replaced provider gets no new spans and its started spans stay with "
    "it",
    "[delegating_tracer]") {
  GlobalProviderGuard guard;
  const auto tracer = weft::tracer("weft.test.replaced");
  TestProvider first;
  TestProvider second;
  weft::set_tracer_provider(first.provider);
  weft::Span started = tracer->start_span("started on the first");
  weft::set_tracer_provider(second.provider);
  CHECK(record(*tracer, "on the second"));
  started.end();
  CHECK(first.take_one()->name == "started on the first");
  CHECK(second.take_one()->name == "on the second");
  weft::set_tracer_provider(first.provider);
  CHECK(record(*tracer, "on the first again"));
  CHECK(first.take_one()->name == "on the first again");
  CHECK(second.take_all().empty());
}

TEST_CASE(
    "resetting the global provider to nullptr makes the tracers no-op until "
    "the next install",
    "[delegating_tracer]") {
  GlobalProviderGuard guard;
  const auto tracer = weft::tracer("weft.test.reset");
  TestProvider test;
  weft::set_tracer_provider(test.provider);
  CHECK(record(*tracer, "recorded"));
  weft::set_tracer_provider(nullptr);
  CHECK(weft::tracer_provider() != test.provider);
  weft::Span span = tracer->start_span("not recorded");
  CHECK_FALSE(span.is_recording());
  CHECK_FALSE(span.context().is_valid());
  span.end();
  weft::set_tracer_provider(test.provider);
  CHECK(record(*tracer, "recorded again"));
  const weft::sdk::SpanBatch spans = test.take_all();
  REQUIRE(spans.size() == 2);
  CHECK(spans[0]->name == "recorded");
  CHECK(spans[1]->name == "recorded again");
}

TEST_CASE(
    "a tracer from the installed provider itself stays with that provider",
    "[delegating_tracer]") {
  GlobalProviderGuard guard;
  TestProvider test;
  weft::set_tracer_provider(test.provider);
  const auto direct = weft::tracer_provider()->get_tracer("weft.test.direct");
  weft::set_tracer_provider(nullptr);
  CHECK(record(*direct, "still recorded"));
  CHECK(test.take_one()->name == "still recorded");
}

TEST_CASE(
    "spans start safely on a global tracer while another thread replaces the "
    "provider",
    "[delegating_tracer]") {
  GlobalProviderGuard guard;
  constexpr std::size_t kProviders = 8;
  constexpr std::size_t kWorkers = 3;
  constexpr std::uint64_t kSpansPerProvider = 200;
  struct Row {
    int line;
    // Kept: every recording span is exported. Released: each replaced
    // provider is destroyed (shut down) while spans may still start on it.
    bool keep_providers;
  };
  const Row row = GENERATE(Row{__LINE__, true}, Row{__LINE__, false});
  CAPTURE(row.line);
  const bool keep_providers = row.keep_providers;
  std::vector<std::unique_ptr<TestProvider>> providers;
  for (std::size_t i = 0; i < kProviders; ++i) {
    providers.push_back(std::make_unique<TestProvider>());
    providers.back()->tracer.reset();
  }
  const auto tracer = weft::tracer("weft.test.concurrent");
  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> recorded{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < kWorkers; ++i) {
    workers.emplace_back([&] {
      while (!done.load()) {
        if (record(*tracer, "concurrent")) recorded.fetch_add(1);
        started.fetch_add(1);
      }
    });
  }
  std::thread replacing([&] {
    for (auto& provider : providers) {
      if (keep_providers) {
        weft::set_tracer_provider(provider->provider);
      } else {
        weft::set_tracer_provider(std::move(provider->provider));
      }
      // Lets the workers start spans on this provider before the next
      // (counted from here: all but the spans in flight start on it).
      const std::uint64_t before = started.load();
      while (started.load() < before + kSpansPerProvider) {
        std::this_thread::yield();
      }
    }
    weft::set_tracer_provider(nullptr);
    done.store(true);
  });
  replacing.join();
  for (auto& worker : workers) worker.join();
  std::uint64_t exported = 0;
  std::size_t providers_used = 0;
  for (auto& provider : providers) {
    const std::size_t count = provider->store->size();
    exported += count;
    providers_used += count > 0 ? 1 : 0;
  }
  CHECK(recorded.load() > 0);
  if (keep_providers) {
    CHECK(exported == recorded.load());
    CHECK(providers_used == kProviders);
  } else {
    CHECK(exported <= recorded.load());
  }
}

TEST_CASE(
    "a replaced provider is destroyed by set_tracer_provider even while a "
    "tracer is resolving against it",
    "[delegating_tracer]") {
  GlobalProviderGuard guard;
  auto state = std::make_shared<weft::testing::FakeTracerProviderState>();
  weft::set_tracer_provider(
      std::make_shared<weft::testing::FakeTracerProvider>(state));
  state->close_gate();
  // Holds a reference to the fake while its get_tracer() waits at the gate.
  std::thread resolving(
      [] { record(*weft::tracer("weft.test.resolving"), "held"); });
  state->wait_until([](auto& s) { return s.get_tracer_calls == 1; });
  std::thread replacing([] { weft::set_tracer_provider(nullptr); });
  // Once the slot no longer holds the fake, the replacing thread owns the
  // global's reference: without waiting for the resolution it would drop
  // it, and the resolving thread would destroy the fake.
  while (std::dynamic_pointer_cast<weft::testing::FakeTracerProvider>(
             weft::tracer_provider()) != nullptr) {
    std::this_thread::yield();
  }
  const std::thread::id replacer = replacing.get_id();
  state->open_gate();
  resolving.join();
  replacing.join();
  std::lock_guard<std::mutex> lock(state->mutex);
  CHECK(state->destroyed);
  CHECK(state->destroyed_by == replacer);
}
