// Tests of the batch span processor: a bounded queue that drops and counts
// without blocking, force_flush and shutdown that deliver everything queued,
// the schedule delay and batch size triggers, concurrent producers (this file
// also runs under TSan), the exporter's shutdown called once, and the
// OTEL_BSP_* variables.
//
// The FakeExporter's gate holds an export in progress, so that the queue
// fills deterministically; waits are on conditions with deadlines.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_environment.h"
#include "fake_exporter.h"
#include "fake_logger.h"
#include "weft/exporters/memory_exporter.h"
#include "weft/sdk/batch_span_processor.h"

namespace {

using std::chrono::milliseconds;
using weft::sdk::BatchOptions;
using weft::sdk::SpanData;
using weft::sdk::SpanProcessor;
using weft::testing::FakeEnvironment;
using weft::testing::FakeExporter;
using weft::testing::FakeExporterState;
using weft::testing::FakeLogger;

constexpr milliseconds kDeadline(10000);
constexpr auto kNever = std::chrono::hours(1);

std::unique_ptr<SpanData> make_span(const std::string& name) {
  auto span = std::make_unique<SpanData>();
  span->name = span->arena.copy(name);
  span->flags = weft::TraceFlags(weft::TraceFlags::kSampled);
  return span;
}

struct Batch {
  explicit Batch(BatchOptions options = quiet(),
                 const FakeEnvironment* environment = nullptr) {
    static const FakeEnvironment kEmpty;
    options.logger = logger;
    options.environment = environment ? environment : &kEmpty;
    auto made = weft::sdk::make_batch_processor(
        std::make_unique<FakeExporter>(exporter), options);
    REQUIRE(made.has_value());
    processor = std::move(made).value();
  }

  // Options under which only force_flush, shutdown or a full batch export.
  static BatchOptions quiet() {
    BatchOptions options;
    options.schedule_delay = kNever;
    return options;
  }

  void end_spans(int count, const std::string& prefix = "s") {
    for (int i = 0; i < count; ++i) {
      processor->on_end(make_span(prefix + std::to_string(i)));
    }
  }

  // Closes the exporter's gate and ends `count` spans (one full batch), so
  // that the worker is held in its first export; false if it never starts.
  bool hold_first_export(int count = 1, const std::string& prefix = "s") {
    exporter->close_gate();
    end_spans(count, prefix);
    return exporter->wait_until(
        [](FakeExporterState& s) { return s.exports_started == 1; });
  }

  std::shared_ptr<FakeExporterState> exporter =
      std::make_shared<FakeExporterState>();
  std::shared_ptr<FakeLogger> logger = std::make_shared<FakeLogger>();
  std::unique_ptr<SpanProcessor> processor;
};

std::vector<std::string> names(int count, const std::string& prefix = "s") {
  std::vector<std::string> result;
  for (int i = 0; i < count; ++i) result.push_back(prefix + std::to_string(i));
  return result;
}

// Runs `work` on another thread and reports whether it finished within the
// deadline (the caller then unblocks whatever it was waiting on).
template <class Work>
bool finishes_in_time(Work work, milliseconds deadline = kDeadline) {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::thread runner([&] {
    work();
    {
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
    }
    finished.notify_all();
  });
  bool in_time;
  {
    std::unique_lock<std::mutex> lock(mutex);
    in_time = finished.wait_for(lock, deadline, [&] { return done; });
  }
  runner.join();
  return in_time;
}

}  // namespace

TEST_CASE("10000 spans dropped by a full queue give one warning", "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_queue_size = 4;
  options.max_export_batch_size = 1;
  Batch batch(options);
  REQUIRE(batch.hold_first_export());
  for (int i = 0; i < 10004; ++i) batch.processor->on_end(make_span("d"));
  const auto dropped = batch.processor->stats().spans_dropped;
  batch.exporter->open_gate();
  CHECK(dropped == 10000);
  CHECK(batch.logger->count_containing({"queue is full"}) == 1);
  CHECK(batch.logger->size() == 1);
}

TEST_CASE(
    "a full queue drops spans and counts them without blocking the caller",
    "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_queue_size = 4;
  options.max_export_batch_size = 1;
  Batch batch(options);
  // The first span reaches the exporter, which holds it at the gate...
  REQUIRE(batch.hold_first_export());
  // ...so the next four fill the queue and the three after it are dropped.
  const bool returned = finishes_in_time([&] {
    for (int i = 1; i < 8; ++i) {
      batch.processor->on_end(make_span("s" + std::to_string(i)));
    }
  });
  const auto stats = batch.processor->stats();
  batch.exporter->open_gate();
  CHECK(returned);
  CHECK(stats.spans_dropped == 3);
  CHECK(stats.spans_exported == 0);
  CHECK(batch.logger->count_containing({"queue is full"}) == 1);

  REQUIRE(batch.processor->force_flush(kDeadline));
  CHECK(batch.exporter->names() == names(5));
  CHECK(batch.processor->stats().spans_exported == 5);
  CHECK(batch.processor->stats().spans_dropped == 3);
}

TEST_CASE("force_flush delivers every span ended before it, in order",
          "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_export_batch_size = 100;
  Batch batch(options);
  batch.end_spans(1000);
  CHECK(batch.processor->force_flush(kDeadline));
  CHECK(batch.exporter->names() == names(1000));
  for (std::size_t size : batch.exporter->sizes()) CHECK(size <= 100);
  CHECK(batch.exporter->force_flush_calls == 1);
  CHECK(batch.processor->stats().spans_exported == 1000);

  SECTION("and again for spans ended after the first flush") {
    batch.end_spans(3, "t");
    CHECK(batch.processor->force_flush(kDeadline));
    CHECK(batch.exporter->spans() == 1003);
  }
  SECTION("and an empty queue flushes at once") {
    CHECK(batch.processor->force_flush(kDeadline));
    CHECK(batch.exporter->spans() == 1000);
  }
}

TEST_CASE("force_flush returns false when the export does not finish in time",
          "[batch]") {
  Batch batch;
  batch.exporter->close_gate();
  batch.end_spans(2);
  CHECK_FALSE(batch.processor->force_flush(milliseconds(20)));
  batch.exporter->open_gate();
  CHECK(batch.processor->force_flush(kDeadline));
  CHECK(batch.exporter->spans() == 2);
}

TEST_CASE("force_flush reports the exporter's own flush result", "[batch]") {
  Batch batch;
  batch.exporter->force_flush_result = false;
  batch.end_spans(1);
  CHECK_FALSE(batch.processor->force_flush(kDeadline));
  CHECK(batch.exporter->spans() == 1);
}

TEST_CASE(
    "shutdown exports everything queued, shuts the exporter down once and is "
    "idempotent",
    "[batch]") {
  Batch batch;
  batch.end_spans(500);
  CHECK(batch.processor->shutdown(kDeadline));
  CHECK(batch.exporter->names() == names(500));
  CHECK(batch.exporter->shutdown_calls == 1);
  CHECK(batch.processor->stats().spans_exported == 500);
  CHECK(batch.processor->stats().spans_dropped == 0);

  CHECK(batch.processor->shutdown(kDeadline));
  CHECK(batch.processor->force_flush(kDeadline));
  batch.processor.reset();
  CHECK(batch.exporter->shutdown_calls == 1);
}

TEST_CASE("shutdown during an export waits for it and loses nothing queued",
          "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_export_batch_size = 1;
  Batch batch(options);
  REQUIRE(batch.hold_first_export());
  batch.processor->on_end(make_span("s1"));
  batch.processor->on_end(make_span("s2"));

  bool shut_down = false;
  std::thread closer([&] { shut_down = batch.processor->shutdown(kDeadline); });
  batch.exporter->open_gate();
  closer.join();
  CHECK(shut_down);
  CHECK(batch.exporter->names() == names(3));
  CHECK(batch.exporter->shutdown_calls == 1);
}

TEST_CASE("shutdown returns false when the exporter is stuck past the timeout",
          "[batch]") {
  Batch batch;
  batch.exporter->close_gate();
  batch.end_spans(1);
  CHECK_FALSE(batch.processor->shutdown(milliseconds(20)));
  CHECK(batch.exporter->shutdown_calls == 1);
  batch.exporter->open_gate();
}

TEST_CASE("spans ended after shutdown are dropped and counted", "[batch]") {
  Batch batch;
  batch.end_spans(2);
  REQUIRE(batch.processor->shutdown(kDeadline));
  batch.end_spans(5, "late");
  CHECK(batch.processor->stats().spans_dropped == 5);
  CHECK(batch.processor->stats().spans_exported == 2);
  CHECK(batch.exporter->spans() == 2);
  CHECK(batch.exporter->export_calls == 1);
  CHECK(batch.logger->count_containing({"dropped"}) >= 1);
}

TEST_CASE("the destructor flushes and shuts the exporter down once",
          "[batch]") {
  Batch batch;
  batch.end_spans(7);
  batch.processor.reset();
  CHECK(batch.exporter->names() == names(7));
  CHECK(batch.exporter->shutdown_calls == 1);
}

TEST_CASE("concurrent shutdowns shut the exporter down exactly once",
          "[batch]") {
  Batch batch;
  batch.end_spans(50);
  std::vector<std::thread> closers;
  std::atomic<int> succeeded{0};
  for (int i = 0; i < 4; ++i) {
    closers.emplace_back([&] {
      if (batch.processor->shutdown(kDeadline)) ++succeeded;
    });
  }
  for (auto& closer : closers) closer.join();
  CHECK(succeeded == 4);
  batch.processor.reset();
  CHECK(batch.exporter->shutdown_calls == 1);
  CHECK(batch.exporter->spans() == 50);
}

TEST_CASE("a second shutdown waits for the first and reports its result",
          "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_export_batch_size = 1;
  Batch batch(options);
  const bool exporting = batch.hold_first_export();
  std::atomic<bool> first_called{false};
  bool first = false;
  std::thread closer([&] {
    first_called = true;
    first = batch.processor->shutdown(kDeadline);
  });
  while (!first_called) std::this_thread::yield();
  // Whichever call comes first is stuck behind the export at the gate, so
  // a call with a short timeout cannot report success (it used to return
  // true at once when it came second).
  const bool second = batch.processor->shutdown(milliseconds(50));
  batch.exporter->open_gate();
  closer.join();
  CHECK(exporting);
  CHECK_FALSE(second);
  // Any later call reports the first one's result.
  CHECK(batch.processor->shutdown(kDeadline) == first);
  CHECK(batch.exporter->shutdown_calls == 1);
}

TEST_CASE(
    "spans from concurrent producers are each exported once or counted as "
    "dropped",
    "[batch]") {
  BatchOptions options;
  options.max_queue_size = 256;
  options.max_export_batch_size = 64;
  options.schedule_delay = milliseconds(2);
  Batch batch(options);
  constexpr int kThreads = 4;
  constexpr int kSpansPerThread = 5000;
  std::atomic<bool> go{false};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      batch.end_spans(kSpansPerThread, "t" + std::to_string(t) + "-");
    });
  }
  std::thread flusher([&] {
    while (!go.load()) std::this_thread::yield();
    for (int i = 0; i < 20; ++i) batch.processor->force_flush(kDeadline);
  });
  go = true;
  for (auto& producer : producers) producer.join();
  flusher.join();
  REQUIRE(batch.processor->shutdown(kDeadline));

  const auto stats = batch.processor->stats();
  CHECK(stats.spans_exported + stats.spans_dropped ==
        std::uint64_t{kThreads} * kSpansPerThread);
  CHECK(batch.exporter->spans() == stats.spans_exported);
  const auto exported = batch.exporter->names();
  const std::set<std::string> unique(exported.begin(), exported.end());
  CHECK(unique.size() == exported.size());
  for (std::size_t size : batch.exporter->sizes()) CHECK(size <= 64);
  CHECK(batch.exporter->shutdown_calls == 1);
}

TEST_CASE("the schedule delay exports queued spans without a flush",
          "[batch]") {
  BatchOptions options;
  options.schedule_delay = milliseconds(10);
  Batch batch(options);
  batch.end_spans(3);
  CHECK(batch.exporter->wait_until(
      [](FakeExporterState& s) { return s.span_names.size() == 3; }));
  CHECK(batch.exporter->force_flush_calls == 0);
}

TEST_CASE("a full batch is exported before the schedule delay", "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_export_batch_size = 10;
  Batch batch(options);
  batch.end_spans(25);
  CHECK(batch.exporter->wait_until(
      [](FakeExporterState& s) { return s.span_names.size() >= 20; }));
  CHECK(batch.exporter->force_flush_calls == 0);
  for (std::size_t size : batch.exporter->sizes()) CHECK(size <= 10);
}

TEST_CASE(
    "a batch filled while the worker exports wakes it again once it sleeps",
    "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_export_batch_size = 4;
  options.max_queue_size = 64;
  Batch batch(options);
  REQUIRE(batch.hold_first_export(4, "a"));
  // A full batch while the worker is busy: its wake-up is not heard.
  batch.end_spans(4, "b");
  batch.exporter->open_gate();
  REQUIRE(batch.exporter->wait_until(
      [](FakeExporterState& s) { return s.span_names.size() == 8; }));
  // The worker sleeps again; the next full batch must wake it, long before
  // the schedule delay (an hour).
  batch.end_spans(4, "c");
  CHECK(batch.exporter->wait_until(
      [](FakeExporterState& s) { return s.span_names.size() == 12; }));
  CHECK(batch.exporter->force_flush_calls == 0);
  CHECK(batch.processor->stats().spans_dropped == 0);
}

TEST_CASE("every full batch wakes the worker, whatever it was doing",
          "[batch]") {
  // A producer that finds a full batch notifies the worker only when it is
  // asleep (or going to sleep); otherwise the worker sees the batch itself.
  // Batches here arrive while it exports, watches, decides to sleep and
  // sleeps: a lost wake-up would leave a batch for the schedule delay (an
  // hour) and fail the wait.
  BatchOptions options = Batch::quiet();
  options.max_export_batch_size = 4;
  options.max_queue_size = 64;
  Batch batch(options);
  for (std::size_t round = 1; round <= 300; ++round) {
    batch.end_spans(4);
    REQUIRE(batch.exporter->wait_until([&](FakeExporterState& s) {
      return s.span_names.size() == 4 * round;
    }));
    // Vary the moment of the next batch against the worker's watching
    // (a few hundred microseconds after its last export).
    const auto pause = std::chrono::microseconds(round % 7 * 50);
    const auto until = std::chrono::steady_clock::now() + pause;
    while (std::chrono::steady_clock::now() < until) {
    }
  }
  CHECK(batch.exporter->force_flush_calls == 0);
  CHECK(batch.processor->stats().spans_dropped == 0);
}

TEST_CASE("a batch never exceeds the queue size", "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_queue_size = 4;
  options.max_export_batch_size = 100;
  Batch batch(options);
  batch.end_spans(4);
  // Four queued spans are a full batch: exported without a flush.
  CHECK(batch.exporter->wait_until(
      [](FakeExporterState& s) { return s.span_names.size() == 4; }));
  CHECK(batch.processor->stats().spans_dropped == 0);
}

TEST_CASE("export failures are counted and logged", "[batch]") {
  Batch batch;
  batch.exporter->result = weft::sdk::ExportResult::kFailure;
  batch.end_spans(10);
  batch.processor->force_flush(kDeadline);
  CHECK(batch.processor->stats().spans_export_failed == 10);
  CHECK(batch.processor->stats().spans_exported == 0);
  CHECK(batch.logger->count_containing({"failed", "10 spans"}) == 1);
}

TEST_CASE("make_batch_processor rejects a missing exporter and zero sizes",
          "[batch]") {
  const FakeEnvironment environment;
  BatchOptions options;
  options.environment = &environment;
  SECTION("no exporter") {
    auto made = weft::sdk::make_batch_processor(nullptr, options);
    REQUIRE_FALSE(made.has_value());
    CHECK(made.error().code == weft::sdk::Error::kMissingComponent);
  }
  SECTION("a zero queue size in code") {
    options.max_queue_size = 0;
    auto made = weft::sdk::make_batch_processor(
        std::make_unique<FakeExporter>(), options);
    REQUIRE_FALSE(made.has_value());
    CHECK(made.error().code == weft::sdk::Error::kInvalidOption);
    CHECK(made.error().message.find("max_queue_size") != std::string::npos);
  }
  SECTION("a zero batch size in code") {
    options.max_export_batch_size = 0;
    auto made = weft::sdk::make_batch_processor(
        std::make_unique<FakeExporter>(), options);
    REQUIRE_FALSE(made.has_value());
    CHECK(made.error().code == weft::sdk::Error::kInvalidOption);
  }
}

TEST_CASE("OTEL_BSP_* variables override the options", "[batch]") {
  SECTION("OTEL_BSP_MAX_QUEUE_SIZE bounds the queue") {
    const FakeEnvironment environment{{"OTEL_BSP_MAX_QUEUE_SIZE", "2"},
                                      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "1"}};
    BatchOptions options = Batch::quiet();
    options.max_queue_size = 100;
    Batch batch(options, &environment);
    REQUIRE(batch.hold_first_export());
    batch.end_spans(4, "more");
    CHECK(batch.processor->stats().spans_dropped == 2);
    batch.exporter->open_gate();
  }
  SECTION("OTEL_BSP_MAX_EXPORT_BATCH_SIZE bounds each export") {
    const FakeEnvironment environment{{"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "3"}};
    Batch batch(Batch::quiet(), &environment);
    batch.end_spans(10);
    REQUIRE(batch.processor->force_flush(kDeadline));
    const auto sizes = batch.exporter->sizes();
    CHECK(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}) == 10);
    for (std::size_t size : sizes) CHECK(size <= 3);
  }
  SECTION("OTEL_BSP_SCHEDULE_DELAY sets the schedule delay") {
    const FakeEnvironment environment{{"OTEL_BSP_SCHEDULE_DELAY", "10"}};
    Batch batch(Batch::quiet(), &environment);
    batch.end_spans(2);
    CHECK(batch.exporter->wait_until(
        [](FakeExporterState& s) { return s.span_names.size() == 2; }));
  }
}

// Resident memory of this process, from /proc/self/statm (pages).
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0;
  std::size_t resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

TEST_CASE(
    "a queue size above the maximum is clamped with a warning and its memory "
    "is not taken at start-up",
    "[batch]") {
  // 1e9 made the process resident at 8 GiB; 4294967295 failed with
  // bad_alloc. Clamped to 2^20, the ring is 2^21 cells (16 MiB) of which
  // only what spans reach is ever made resident.
  const auto [line, value] = GENERATE(table<int, std::string>({
      {__LINE__, "1000000000"},
      {__LINE__, "4294967295"},
      {__LINE__, "1048577"},
  }));
  CAPTURE(line, value);
  const FakeEnvironment environment{{"OTEL_BSP_MAX_QUEUE_SIZE", value}};
  const std::size_t before = resident_bytes();
  Batch batch(Batch::quiet(), &environment);
  CHECK(resident_bytes() - std::min(before, resident_bytes()) < (8u << 20));
  CHECK(batch.logger->count_containing(
            {"above the maximum", "OTEL_BSP_MAX_QUEUE_SIZE", "1048576"}) == 1);
  batch.end_spans(1000);
  REQUIRE(batch.processor->force_flush(kDeadline));
  CHECK(batch.exporter->spans() == 1000);
}

TEST_CASE("a queue size above the maximum set in code is clamped too",
          "[batch]") {
  BatchOptions options = Batch::quiet();
  options.max_queue_size = 4294967295u;
  Batch batch(options);
  CHECK(batch.logger->count_containing({"above the maximum", "1048576"}) == 1);
  batch.end_spans(10);
  REQUIRE(batch.processor->force_flush(kDeadline));
  CHECK(batch.exporter->spans() == 10);
}

TEST_CASE(
    "the in-memory exporter may be shut down from another thread while it "
    "exports",
    "[batch]") {
  // The batch processor shuts its exporter down from the caller's thread and
  // may do so while a late worker still exports (SpanExporter's contract).
  auto store = std::make_shared<weft::exporters::InMemorySpanStore>();
  weft::exporters::InMemoryExporter exporter(store);
  std::atomic<bool> exporting{false};
  std::thread worker([&] {
    for (int i = 0; i < 200; ++i) {
      weft::sdk::SpanBatch batch;
      batch.push_back(make_span("s"));
      exporting = true;
      if (exporter.export_spans(batch) != weft::sdk::ExportResult::kSuccess) {
        return;
      }
    }
  });
  while (!exporting) std::this_thread::yield();
  CHECK(exporter.shutdown(milliseconds(10)));
  worker.join();
  weft::sdk::SpanBatch late;
  late.push_back(make_span("late"));
  CHECK(exporter.export_spans(late) == weft::sdk::ExportResult::kFailure);
  CHECK(store->size() <= 200);
}

TEST_CASE(
    "spans an exporter accepted and later lost count as failed, not "
    "exported",
    "[batch]") {
  Batch batch;
  batch.end_spans(10);
  REQUIRE(batch.processor->force_flush(kDeadline));
  CHECK(batch.processor->stats().spans_exported == 10);
  {
    std::lock_guard<std::mutex> lock(batch.exporter->mutex);
    batch.exporter->failed_after_acceptance = 4;
  }
  const weft::sdk::ProcessorStats stats = batch.processor->stats();
  CHECK(stats.spans_exported == 6);
  CHECK(stats.spans_export_failed == 4);
}

namespace {

// Keeps every other span it exports (takes it out of the batch, which it
// also reverses and shrinks) and counts the spans destroyed, through a
// destructor of their own.
struct KeepingExporter final : weft::sdk::SpanExporter {
  struct Counted final : SpanData {
    explicit Counted(std::atomic<int>& destroyed) : destroyed(destroyed) {}
    ~Counted() override { destroyed.fetch_add(1); }
    std::atomic<int>& destroyed;
  };

  weft::sdk::ExportResult export_spans(
      weft::sdk::SpanBatch& spans) noexcept override {
    std::lock_guard<std::mutex> lock(mutex);
    // Reorders and shrinks the batch too: what the processor gets back is
    // a permutation of part of what it sent.
    std::reverse(spans.begin(), spans.end());
    for (std::size_t i = 0; i < spans.size(); i += 2) {
      kept.push_back(std::move(spans[i]));
    }
    spans.erase(std::remove(spans.begin(), spans.end(), nullptr), spans.end());
    return weft::sdk::ExportResult::kSuccess;
  }
  bool shutdown(std::chrono::milliseconds) noexcept override { return true; }

  std::mutex mutex;
  weft::sdk::SpanBatch kept;
};

}  // namespace

TEST_CASE(
    "spans an exporter keeps stay its own, and the rest are destroyed by "
    "producers",
    "[batch]") {
  auto owned = std::make_unique<KeepingExporter>();
  KeepingExporter& exporter = *owned;
  BatchOptions options = Batch::quiet();
  options.max_queue_size = 64;
  options.max_export_batch_size = 16;
  auto processor =
      weft::sdk::make_batch_processor(std::move(owned), options).value();
  std::atomic<int> destroyed{0};
  constexpr int kSpans = 4000;  // many laps of the queue's cells
  int produced = 0;
  for (int i = 0; i < kSpans; ++i) {
    auto span = std::make_unique<KeepingExporter::Counted>(destroyed);
    span->name = "kept or not";
    span->flags = weft::TraceFlags(weft::TraceFlags::kSampled);
    processor->on_end(std::move(span));
    ++produced;
    // Let the worker keep up now and then, so that few are dropped.
    if (i % 32 == 31) REQUIRE(processor->force_flush(kDeadline));
  }
  REQUIRE(processor->force_flush(kDeadline));
  const auto stats = processor->stats();
  CHECK(stats.spans_exported + stats.spans_dropped == kSpans);
  std::size_t kept = 0;
  {
    std::lock_guard<std::mutex> lock(exporter.mutex);
    kept = exporter.kept.size();
    // Still alive and intact (ASan would see them freed).
    for (const auto& span : exporter.kept) CHECK(span->name == "kept or not");
  }
  CHECK(kept * 2 >= stats.spans_exported);  // half of each batch, rounded up
  CHECK(kept <= stats.spans_exported);
  REQUIRE(processor->shutdown(kDeadline));
  // Shutdown frees what waited to be reclaimed: every span not kept was
  // destroyed exactly once.
  CHECK(destroyed.load() == produced - static_cast<int>(kept));
  processor.reset();
  // The kept ones go with the exporter, which the processor owned.
  CHECK(destroyed.load() == produced);
}
