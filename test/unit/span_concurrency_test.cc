// Tests that every operation on one span is safe from several threads at
// once, including its end, and that references used while another thread
// ends the span never reach freed memory. Meant for the TSan and ASan runs
// as much as for the plain one.
#include <atomic>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "fake_id_generator.h"
#include "test_provider.h"
#include "weft/context.h"
#include "weft/span.h"

namespace {

using weft::testing::make_context;
using weft::testing::TestProvider;

// Starts every thread at once, so that their calls overlap.
struct StartLine {
  explicit StartLine(int threads) : waiting(threads) {}
  void arrive_and_wait() {
    waiting.fetch_sub(1);
    while (waiting.load() > 0) std::this_thread::yield();
  }
  std::atomic<int> waiting;
};

}  // namespace

TEST_CASE(
    "four threads record on one span while a fifth ends it, and the span is "
    "exported once and intact",
    "[span][concurrency]") {
  weft::sdk::TracerProviderOptions options;
  options.limits.event_count = 100000;
  options.limits.attribute_count = 100000;
  options.limits.link_count = 100000;
  TestProvider test(std::move(options));
  constexpr int kCallsPerThread = 2000;
  auto job = test.tracer->start_span("job");
  const weft::SpanRef shared = job;  // a counted reference, copied per thread
  StartLine start(5);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t, ref = shared] {
      start.arrive_and_wait();
      for (int i = 0; i < kCallsPerThread; ++i) {
        const std::string key =
            "t" + std::to_string(t) + "." + std::to_string(i % 50);
        switch (i % 4) {
          case 0:
            ref.add_event("event", {{"thread", t}, {"index", i}});
            break;
          case 1:
            ref.set_attribute(key, i);
            break;
          case 2:
            ref.add_link(make_context(t + 1, static_cast<std::uint64_t>(i + 1)),
                         {{"thread", t}});
            break;
          default:
            // Through the owning handle, shared by reference.
            job.add_event("through handle", {{"thread", t}});
            break;
        }
      }
    });
  }
  threads.emplace_back([&] {
    start.arrive_and_wait();
    for (int i = 0; i < 100; ++i) std::this_thread::yield();
    shared.end();
  });
  for (auto& thread : threads) thread.join();
  CHECK_FALSE(job.is_recording());
  job.add_event("after the end");  // ignored

  const auto data = test.take_one();
  CHECK(data->name == "job");
  // Every event that made it in is whole: its attributes belong to it.
  for (const auto& event : data->events) {
    CHECK(event.name != "after the end");
    REQUIRE_FALSE(event.attributes.empty());
    const auto thread =
        weft::testing::attribute_as<std::int64_t>(event.attributes, "thread");
    REQUIRE(thread.has_value());
    CHECK(*thread >= 0);
    CHECK(*thread < 4);
  }
  for (const auto& link : data->links) {
    CHECK(link.trace_id.is_valid());
    CHECK(link.attributes.size() == 1);
  }
  CHECK(data->events.size() <= 4u * kCallsPerThread / 2);
}

TEST_CASE(
    "references used on other threads while a span ends and its data is "
    "freed never touch freed memory",
    "[span][concurrency]") {
  TestProvider test;
  for (int round = 0; round < 50; ++round) {
    weft::SpanRef ref;
    std::atomic<bool> go{false};
    std::thread user;
    {
      weft::ScopedSpan span = test.tracer->start_scoped_span("round");
      ref = weft::current_span();
      user = std::thread([&go, copy = ref] {
        while (!go.load()) std::this_thread::yield();
        for (int i = 0; i < 200; ++i) {
          copy.add_event("work", {{"i", i}});
          copy.set_attribute("last", i);
          (void)copy.is_recording();
        }
      });
      go.store(true);
    }                 // the span ends here, while `user` may still be recording
    test.take_all();  // frees the exported span data
    user.join();
    CHECK_FALSE(ref.is_recording());
    ref.add_event("late");
  }
  CHECK(test.take_all().empty());
}

TEST_CASE("a span ended through a SpanRef on another thread is exported once",
          "[span][concurrency]") {
  TestProvider test;
  auto span = test.tracer->start_span("ended elsewhere");
  std::thread other([ref = weft::SpanRef(span)] { ref.end(); });
  other.join();
  CHECK_FALSE(span.is_recording());
  span.end();  // the handle's end and destruction add nothing
  CHECK(test.take_all().size() == 1);
}

// A Span converts to a counted SpanRef, but is not one: assigning through a
// base reference would drop the Span's reference without ending the span.
static_assert(std::is_convertible_v<const weft::Span&, weft::SpanRef>);
static_assert(!std::is_convertible_v<weft::Span*, weft::SpanRef*>);
static_assert(!std::is_assignable_v<weft::detail::SpanOperations&,
                                    const weft::detail::SpanOperations&>);
static_assert(!std::is_copy_constructible_v<weft::Span>);

TEST_CASE("a SpanRef made from a Span counts a reference of its own",
          "[span][concurrency]") {
  TestProvider test;
  weft::SpanRef ref;
  {
    auto span = test.tracer->start_span("converted");
    ref = span;
    ref.set_attribute("through", "ref");
  }  // the Span ends here; the reference stays valid
  CHECK_FALSE(ref.is_recording());
  const auto data = test.take_one();
  CHECK(weft::testing::text_attribute(data->attributes, "through") == "ref");
  ref.add_event("after");  // the data is freed: nothing happens
}

namespace {

// A span of the API's reference protocol that counts the events it
// receives and how often its last reference went (reclaim()).
class CountedSpan final : public weft::SpanInterface {
 public:
  std::atomic<int> events{0};
  std::atomic<int> reclaimed{0};

 protected:
  void do_set_attribute(std::string_view,
                        const weft::AttributeView&) noexcept override {}
  void do_add_event(std::string_view, std::optional<weft::Timestamp>,
                    weft::Attributes) noexcept override {
    ++events;
  }
  void do_add_link(const weft::SpanContext&,
                   weft::Attributes) noexcept override {}
  void do_add_link(const weft::Link&) noexcept override {}
  void do_set_status(weft::StatusCode, std::string_view) noexcept override {}
  void do_update_name(std::string_view) noexcept override {}
  void do_end(std::optional<weft::Timestamp>) noexcept override {}
  void reclaim() noexcept override { ++reclaimed; }
};

}  // namespace

TEST_CASE(
    "references from current_span() are counted: the span's memory goes with "
    "the last one, whatever thread and order they go in",
    "[span][context][concurrency]") {
  CountedSpan counted;
  std::vector<weft::SpanRef> kept;
  {
    // The handle's reference; the other one the protocol starts with is the
    // SDK's, released last below.
    weft::Span span(&counted, make_context(1, 1));
    weft::Scope scope(weft::SpanRef{span});
    for (int i = 0; i < 100; ++i) {
      weft::current_span().add_event("lent and given back");
      kept.push_back(weft::current_span());  // lent and kept
    }
    {
      // Copies given back to the scope, beyond what it keeps to lend.
      std::vector<weft::SpanRef> copies(200, weft::current_span());
    }
    CHECK(counted.events == 100);
  }  // the scope, then the handle, let go of theirs
  CHECK(counted.reclaimed == 0);
  kept.front().add_event("after the end");  // ended: does nothing
  CHECK(counted.events == 100);
  std::thread([refs = std::move(kept)]() mutable { refs.clear(); }).join();
  CHECK(counted.reclaimed == 0);  // the SDK's reference is left
  counted.release();
  CHECK(counted.reclaimed == 1);
}

TEST_CASE("current_span() outside any scope is a non-recording reference",
          "[span][context]") {
  const weft::SpanRef span = weft::current_span();
  CHECK_FALSE(span.is_recording());
  CHECK_FALSE(span.context().is_valid());
  span.add_event("nowhere");  // does nothing
}
