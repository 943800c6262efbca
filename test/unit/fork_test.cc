// Tests of weft after fork(): real forks of this (multi-threaded) test
// process, spans on both sides. The child draws ids its parent never draws;
// its batch processor exports the child's spans with a worker of its own and
// shuts down at once; the spans the parent had queued are exported by the
// parent alone (counted as dropped in the child); the parent goes on as
// before. Each child reports through a pipe and its exit code, and the
// parent kills it and fails when it does not exit within kChildDeadline.
//
// Tagged [no_tsan]: ThreadSanitizer does not support starting threads in the
// child of a multi-threaded fork (by default it kills such a child: "starting
// new threads after multi-threaded fork is not supported"; with
// die_after_fork=0 its thread registry still holds the parent's threads and
// it aborts on "dup thread with used id" when the child's worker reuses a
// stack). The cases run under ASan+UBSan and uninstrumented, except the one
// that forks while other threads allocate, tagged [no_asan]: GCC 12's ASan
// does not take its allocator's locks around fork(), so its child may wait
// for ever inside ASan's malloc for a lock a vanished thread held (seen:
// SizeClassAllocator64::GetFromAllocator). glibc's malloc, which weft uses
// uninstrumented, takes its locks around fork().
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_environment.h"
#include "fake_exporter.h"
#include "fake_logger.h"
#include "forked_child.h"
#include "sharded_counter.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/id_generator.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/traceparent.h"

namespace {

using std::chrono::milliseconds;
using weft::testing::FakeEnvironment;
using weft::testing::FakeExporter;
using weft::testing::FakeExporterState;
using weft::testing::FakeLogger;
using weft::testing::ForkedChild;

constexpr milliseconds kChildDeadline(30000);
constexpr milliseconds kShutdownTimeout(5000);
constexpr int kSpansEach = 1000;

const FakeEnvironment kNoEnvironment;

enum class Processor { kBatch, kSimple };

// A provider whose batch processor exports only on a full batch of 512,
// force_flush or shutdown (the schedule delay never comes in a test), or
// with a simple processor.
struct BatchedProvider {
  explicit BatchedProvider(Processor kind = Processor::kBatch) {
    weft::sdk::TracerProviderOptions options;
    options.environment = &kNoEnvironment;
    if (kind == Processor::kSimple) {
      options.processors.push_back(weft::sdk::make_simple_processor(
          std::make_unique<FakeExporter>(exporter)));
    } else {
      weft::sdk::BatchOptions batch;
      batch.schedule_delay = std::chrono::hours(1);
      batch.environment = &kNoEnvironment;
      batch.logger = logger;
      auto processor = weft::sdk::make_batch_processor(
          std::make_unique<FakeExporter>(exporter), batch);
      REQUIRE(processor.has_value());
      options.processors.push_back(std::move(processor).value());
    }
    auto made = weft::sdk::make_tracer_provider(std::move(options));
    REQUIRE(made.has_value());
    provider = std::move(made).value();
    tracer = provider->get_tracer("weft.fork.test");
  }

  // Starts and ends `count` root spans named `name`.
  void spans(int count, const std::string& name) {
    for (int i = 0; i < count; ++i) tracer->start_span(name).end();
  }

  std::shared_ptr<FakeExporterState> exporter =
      std::make_shared<FakeExporterState>();
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::shared_ptr<weft::sdk::TracerProvider> provider;
  std::shared_ptr<weft::Tracer> tracer;
};

// The trace and span ids of `count` new root spans, as text.
std::vector<std::string> root_span_ids(weft::Tracer& tracer, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    weft::Span span = tracer.start_span("ids");
    ids.push_back(weft::format_traceparent(span.context()));
  }
  return ids;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The trace ids (32 hex digits) and span ids (16) of traceparents.
void split_ids(const std::vector<std::string>& traceparents,
               std::set<std::string>& trace_ids,
               std::set<std::string>& span_ids) {
  for (const std::string& traceparent : traceparents) {
    if (traceparent.size() != 55) continue;
    trace_ids.insert(traceparent.substr(3, 32));
    span_ids.insert(traceparent.substr(36, 16));
  }
}

}  // namespace

TEST_CASE("a forked child draws trace and span ids its parent never draws",
          "[fork][no_tsan]") {
  BatchedProvider parent;
  // The parent's thread has drawn ids (its generator is seeded) before the
  // fork, and its batch worker runs.
  parent.spans(10, "before fork");
  auto generator = weft::sdk::make_random_id_generator();
  (void)generator->new_span_id();

  ForkedChild child([&](const ForkedChild& self) {
    for (const std::string& ids : root_span_ids(*parent.tracer, kSpansEach)) {
      self.write_line(ids);
    }
    for (int i = 0; i < kSpansEach; ++i) {
      self.write_line("generator " + generator->new_span_id().to_hex());
    }
    return 0;
  });
  REQUIRE(child.started());
  const std::vector<std::string> in_parent =
      root_span_ids(*parent.tracer, kSpansEach);
  std::set<std::string> parent_generated;
  for (int i = 0; i < kSpansEach; ++i) {
    parent_generated.insert(generator->new_span_id().to_hex());
  }
  REQUIRE(child.wait_exit(kChildDeadline) == 0);

  std::vector<std::string> in_child;
  std::set<std::string> child_generated;
  for (const std::string& line : lines_of(child.output())) {
    if (line.rfind("generator ", 0) == 0) {
      child_generated.insert(line.substr(10));
    } else {
      in_child.push_back(line);
    }
  }
  REQUIRE(in_child.size() == kSpansEach);
  REQUIRE(child_generated.size() == kSpansEach);
  std::set<std::string> parent_traces, parent_spans, child_traces, child_spans;
  split_ids(in_parent, parent_traces, parent_spans);
  split_ids(in_child, child_traces, child_spans);
  REQUIRE(parent_traces.size() == kSpansEach);
  REQUIRE(child_traces.size() == kSpansEach);
  for (const std::string& id : child_traces) {
    CAPTURE(id);
    CHECK(parent_traces.count(id) == 0);
  }
  for (const std::string& id : child_spans) {
    CAPTURE(id);
    CHECK(parent_spans.count(id) == 0);
  }
  for (const std::string& id : child_generated) {
    CAPTURE(id);
    CHECK(parent_generated.count(id) == 0);
  }
  REQUIRE(parent.provider->shutdown(kShutdownTimeout));
}

TEST_CASE(
    "a forked child's batch processor exports the child's spans and shuts "
    "down at once, and the parent exports its own",
    "[fork][no_tsan]") {
  BatchedProvider parent;
  // Queued at the fork, not exported yet: the parent's to export.
  parent.spans(10, "parent");

  ForkedChild child([&](const ForkedChild& self) {
    parent.spans(kSpansEach, "child");
    if (!parent.provider->force_flush(kShutdownTimeout)) {
      self.write_line("force_flush failed");
      return 1;
    }
    const std::vector<std::string> exported = parent.exporter->names();
    const auto children = static_cast<std::size_t>(
        std::count(exported.begin(), exported.end(), "child"));
    if (exported.size() != kSpansEach || children != kSpansEach) {
      self.write_line("exported " + std::to_string(exported.size()) +
                      " spans, " + std::to_string(children) + " of the child");
      return 2;
    }
    if (!parent.provider->shutdown(kShutdownTimeout)) {
      self.write_line("shutdown failed");
      return 3;
    }
    const weft::sdk::TracerStats stats = parent.provider->stats();
    self.write_line("exported " + std::to_string(stats.spans_exported) +
                    " dropped " + std::to_string(stats.spans_dropped));
    if (stats.spans_exported != kSpansEach || stats.spans_dropped != 10) {
      return 4;
    }
    // The processor's destructor: where a child used to hang.
    parent.tracer.reset();
    parent.provider.reset();
    self.write_line("done");
    return 0;
  });
  REQUIRE(child.started());
  parent.spans(20, "parent");
  const std::optional<int> code = child.wait_exit(kChildDeadline);
  INFO(child.output());
  REQUIRE(code == 0);
  REQUIRE(child.output().find("done") != std::string::npos);

  REQUIRE(parent.provider->shutdown(kShutdownTimeout));
  const std::vector<std::string> exported = parent.exporter->names();
  REQUIRE(exported == std::vector<std::string>(30, "parent"));
  const weft::sdk::TracerStats stats = parent.provider->stats();
  CHECK(stats.spans_exported == 30);
  CHECK(stats.spans_dropped == 0);
}

TEST_CASE(
    "a child forked after its parent shut the provider down has it shut "
    "down too and exits at once",
    "[fork][no_tsan]") {
  BatchedProvider parent;
  parent.spans(10, "parent");
  REQUIRE(parent.provider->shutdown(kShutdownTimeout));

  ForkedChild child([&](const ForkedChild& self) {
    parent.spans(10, "child");
    const bool shut_down = parent.provider->shutdown(kShutdownTimeout);
    parent.tracer.reset();
    parent.provider.reset();
    self.write_line(shut_down ? "shut down" : "shutdown failed");
    return shut_down ? 0 : 1;
  });
  REQUIRE(child.started());
  const std::optional<int> code = child.wait_exit(kChildDeadline);
  INFO(child.output());
  REQUIRE(code == 0);
  REQUIRE(parent.exporter->names() == std::vector<std::string>(10, "parent"));
}

TEST_CASE("a child forked while other threads start and end spans works",
          "[fork][no_tsan][no_asan]") {
  const auto [line, kind] = GENERATE(table<int, Processor>({
      {__LINE__, Processor::kBatch},
      {__LINE__, Processor::kSimple},
  }));
  CAPTURE(line);
  BatchedProvider parent(kind);
  // Stopped and joined however the test ends.
  struct BusyThreads {
    ~BusyThreads() {
      stop = true;
      for (auto& thread : threads) thread.join();
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
  } busy;
  for (int t = 0; t < 3; ++t) {
    busy.threads.emplace_back([&] {
      while (!busy.stop.load(std::memory_order_relaxed)) {
        parent.spans(50, "busy");
        (void)parent.provider->get_tracer("busy");
      }
    });
  }
  // Forks a few times while the threads run (they may be half-way through
  // pushing, reclaiming, allocating or getting a tracer at each fork).
  for (int round = 0; round < 5; ++round) {
    ForkedChild child([&](const ForkedChild& self) {
      const std::size_t before = parent.exporter->names().size();
      (void)parent.provider->get_tracer("child");
      parent.spans(kSpansEach, "child");
      const bool flushed = parent.provider->force_flush(kShutdownTimeout);
      const std::vector<std::string> exported = parent.exporter->names();
      const auto children = static_cast<std::size_t>(
          std::count(exported.begin() + static_cast<std::ptrdiff_t>(before),
                     exported.end(), "child"));
      const bool shut_down = parent.provider->shutdown(kShutdownTimeout);
      parent.tracer.reset();
      parent.provider.reset();
      self.write_line("flushed " + std::to_string(flushed) + " children " +
                      std::to_string(children) + " shut down " +
                      std::to_string(shut_down));
      return flushed && shut_down && children == kSpansEach ? 0 : 1;
    });
    REQUIRE(child.started());
    const std::optional<int> code = child.wait_exit(kChildDeadline);
    INFO(child.output());
    REQUIRE(code == 0);
  }
  busy.stop = true;
  for (auto& thread : busy.threads) thread.join();
  busy.threads.clear();
  REQUIRE(parent.provider->shutdown(kShutdownTimeout));
  const weft::sdk::TracerStats stats = parent.provider->stats();
  CHECK(stats.spans_exported + stats.spans_dropped == stats.spans_ended);
}

TEST_CASE(
    "a child forked while the parent's exporter is busy for over a second "
    "never calls it, drops its spans with one warning and exits at once",
    "[fork][no_tsan]") {
  BatchedProvider parent;
  // The worker is held inside the exporter: fork() waits a second for it,
  // then forks anyway.
  parent.exporter->close_gate();
  parent.spans(512, "parent");  // a full batch
  REQUIRE(parent.exporter->wait_until(
      [](FakeExporterState& s) { return s.exports_started == 1; }));

  ForkedChild child([&](const ForkedChild& self) {
    parent.spans(100, "child");
    const bool flushed = parent.provider->force_flush(kShutdownTimeout);
    const bool shut_down = parent.provider->shutdown(kShutdownTimeout);
    const weft::sdk::TracerStats stats = parent.provider->stats();
    const std::size_t warnings =
        parent.logger->count_containing({"forked", "dropped"});
    parent.tracer.reset();
    parent.provider.reset();  // never touches the exporter
    self.write_line("flushed " + std::to_string(flushed) + " shut down " +
                    std::to_string(shut_down) + " dropped " +
                    std::to_string(stats.spans_dropped) + " warnings " +
                    std::to_string(warnings));
    // The 512 being exported at the fork are the parent's: dropped here.
    return !shut_down && stats.spans_dropped == 612 && warnings == 1 ? 0 : 1;
  });
  REQUIRE(child.started());
  const std::optional<int> code = child.wait_exit(kChildDeadline);
  INFO(child.output());
  REQUIRE(code == 0);

  parent.exporter->open_gate();
  REQUIRE(parent.provider->shutdown(kShutdownTimeout));
  CHECK(parent.exporter->names() == std::vector<std::string>(512, "parent"));
}

TEST_CASE(
    "counter slots held by the parent's other threads are free again in a "
    "forked child",
    "[fork][no_tsan]") {
  // Every slot is taken by a thread of the parent that waits for the end.
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t claimed = 0;
  bool finish = false;
  std::vector<std::thread> holders;
  for (std::size_t i = 0; i < weft::sdk::kThreadSlots; ++i) {
    holders.emplace_back([&] {
      (void)weft::sdk::this_thread_slot();
      std::unique_lock<std::mutex> lock(mutex);
      ++claimed;
      changed.notify_all();
      changed.wait(lock, [&] { return finish; });
    });
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return claimed == weft::sdk::kThreadSlots; });
  }
  std::size_t in_parent = 0;
  std::thread([&] { in_parent = weft::sdk::this_thread_slot(); }).join();

  ForkedChild child([&](const ForkedChild& self) {
    std::size_t in_child = weft::sdk::kThreadSlots;
    std::thread([&] { in_child = weft::sdk::this_thread_slot(); }).join();
    self.write_line("slot " + std::to_string(in_child));
    return in_child < weft::sdk::kThreadSlots ? 0 : 1;
  });
  {
    std::lock_guard<std::mutex> lock(mutex);
    finish = true;
  }
  changed.notify_all();
  for (auto& holder : holders) holder.join();
  CHECK(in_parent == weft::sdk::kThreadSlots);  // all taken: the shared one
  REQUIRE(child.started());
  const std::optional<int> code = child.wait_exit(kChildDeadline);
  INFO(child.output());
  REQUIRE(code == 0);
}

TEST_CASE(
    "a child forked while another thread replaces the global provider can "
    "use the global provider and propagator",
    "[fork][no_tsan]") {
  // set_tracer_provider(nullptr) destroys the installed provider under the
  // global provider's lock, and that provider's shutdown waits for an
  // export held at the fake exporter's gate. fork() must wait for the lock:
  // forked while it is held, the child would hang in its first tracer().
  BatchedProvider installed;
  installed.exporter->close_gate();
  installed.spans(512, "held");  // a full batch, held in the exporter
  REQUIRE(installed.exporter->wait_until(
      [](FakeExporterState& s) { return s.exports_started == 1; }));
  weft::set_tracer_provider(installed.provider);
  installed.tracer.reset();
  installed.provider.reset();  // the global slot holds the last reference
  std::thread replacing([] { weft::set_tracer_provider(nullptr); });
  // Wait until the replacing thread holds the lock (it cannot finish while
  // the gate is closed).
  std::mutex& global = weft::detail::global_provider().mutex;
  const auto deadline = std::chrono::steady_clock::now() + kChildDeadline;
  while (global.try_lock()) {
    global.unlock();
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::yield();
  }
  // Opens the gate once fork() has had time to start waiting for the lock
  // (without the wait, the child forks with the lock held and hangs). The
  // delay only makes the race likely; the checks hold either way.
  FakeExporterState& exporter = *installed.exporter;
  std::thread opener([&exporter] {
    std::this_thread::sleep_for(milliseconds(300));
    exporter.open_gate();
  });
  ForkedChild child([](const ForkedChild& self) {
    auto tracer = weft::tracer("weft.fork.child");
    tracer->start_span("after-fork").end();
    std::map<std::string, std::string> headers;
    weft::inject_context(headers);  // the global propagator, no span
    weft::set_tracer_provider(nullptr);
    self.write_line("used the globals");
    return headers.empty() ? 0 : 1;
  });
  opener.join();
  replacing.join();
  REQUIRE(child.started());
  const std::optional<int> code = child.wait_exit(kChildDeadline);
  INFO(child.output());
  REQUIRE(code == 0);
  CHECK(child.output().find("used the globals") != std::string::npos);
}
