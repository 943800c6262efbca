// Core span benchmarks: workloads W0-W4, W6, W11 and W12 of shared/BENCH.md,
// plus W1 with a simple processor (no hand-off to a worker thread) for
// comparison.
//
// Each benchmark starts and ends spans through the public API with an
// always_on sampler, default limits (32 links) and a batch processor feeding
// an exporter that discards everything; W0 has no SDK installed. The
// `allocs/op` counter is heap allocations per span on the producing thread
// (global operator new is counted; weft's block pool gets its blocks from
// it, so a span served from the pool counts 0). The `dropped` counter is the
// share of spans the batch queue dropped.
//
// Run: tools/dev bench   (Release, medians of repetitions)
// Sample run, 2026-11-26 07:48 (tools/dev bench): Debian 12 VM, 2 vCPU
// Xeon, g++ 12 -O2 Release, glibc malloc:
//   W0_noop_start_end_median        2.54 ns   2.54 ns
//   W1_start_end_median             77.8 ns   77.3 ns  allocs=0 dropped=0.006
//   W1_simple_processor_median      73.2 ns   73.2 ns  allocs=0 dropped=0
//   W2_4_attributes_median           115 ns    115 ns  allocs=0 dropped=0.001
//   W3_32_links_median              1633 ns   1633 ns  allocs=0.09 dropped=0
//   W4_64_links_32_kept_median      1699 ns   1699 ns  allocs=0.09 dropped=0
//   W6_4_attributes_2_threads        169 ns    304 ns  dropped=0.066
//                                    items_per_second=5.93M/s
// (wall time, CPU time). The ranges over the day are in docs/performance.md.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "discarding_exporter.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/weft.h"

// The replaced operators below pair malloc with free on purpose.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {

std::atomic<std::uint64_t> g_allocations{0};

}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new[](std::size_t size, const std::nothrow_t& t) noexcept {
  return operator new(size, t);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace {

using weft::bench::DiscardingExporter;

enum class Processor { kBatch, kSimple };

// The BENCH.md set-up: always_on, default limits, batch processor with its
// default options, discarding exporter.
std::shared_ptr<weft::sdk::TracerProvider> make_provider(
    Processor processor = Processor::kBatch) {
  weft::sdk::TracerProviderOptions options;
  options.sampler = weft::sdk::make_always_on_sampler();
  auto exporter = std::make_unique<DiscardingExporter>();
  options.processors.push_back(
      processor == Processor::kBatch
          ? weft::sdk::make_batch_processor(std::move(exporter)).value()
          : weft::sdk::make_simple_processor(std::move(exporter)));
  return weft::sdk::make_tracer_provider(std::move(options)).value();
}

// Reports allocations per span and the dropped share, then shuts down.
void finish(benchmark::State& state, weft::sdk::TracerProvider& provider,
            std::uint64_t allocations_before) {
  const std::uint64_t allocations =
      g_allocations.load(std::memory_order_relaxed) - allocations_before;
  state.counters["allocs/op"] = benchmark::Counter(
      static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
  provider.force_flush();
  const weft::sdk::TracerStats stats = provider.stats();
  state.counters["dropped"] = stats.spans_ended == 0
                                  ? 0.0
                                  : static_cast<double>(stats.spans_dropped) /
                                        static_cast<double>(stats.spans_ended);
}

// 32 remembered SpanContexts linked with 3 attributes each (the batch
// pattern), built once before timing.
std::vector<weft::Link> make_links(std::size_t count) {
  std::vector<weft::Link> links;
  auto id_generator = weft::sdk::make_random_id_generator();
  for (std::size_t i = 0; i < count; ++i) {
    weft::SpanContext context(id_generator->new_trace_id(),
                              id_generator->new_span_id(),
                              weft::TraceFlags(weft::TraceFlags::kSampled));
    links.push_back(
        weft::Link{context,
                   {{"link.relationship", std::string("batch_member")},
                    {"batch.item.index", static_cast<std::int64_t>(i)},
                    {"original.item.id", "item-" + std::to_string(1000 + i)}}});
  }
  return links;
}

void W0_noop_start_end(benchmark::State& state) {
  weft::set_tracer_provider(nullptr);
  const std::shared_ptr<weft::Tracer> tracer = weft::tracer("bench");
  for (auto _ : state) {
    weft::Span span = tracer->start_span("operation");
    benchmark::DoNotOptimize(span);
  }
}
BENCHMARK(W0_noop_start_end);

void start_end(benchmark::State& state, Processor processor) {
  auto provider = make_provider(processor);
  auto tracer = provider->get_tracer("bench");
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    weft::Span span = tracer->start_span("operation");
    benchmark::DoNotOptimize(span);
  }
  finish(state, *provider, before);
}

void W1_start_end(benchmark::State& state) {
  start_end(state, Processor::kBatch);
}
BENCHMARK(W1_start_end);

// Not a BENCH.md workload: W1 on a tracer of weft::tracer() obtained before
// the provider is installed (a library's static), which delegates each span
// to the installed provider's tracer (weft/delegating_tracer.h). Set beside
// W1, it shows what following the global provider costs.
void W1_start_end_global_tracer(benchmark::State& state) {
  weft::set_tracer_provider(nullptr);
  const std::shared_ptr<weft::Tracer> tracer = weft::tracer("bench.global");
  auto provider = make_provider(Processor::kBatch);
  weft::set_tracer_provider(provider);
  tracer->start_span("resolve").end();  // the first span after installing
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    weft::Span span = tracer->start_span("operation");
    benchmark::DoNotOptimize(span);
  }
  finish(state, *provider, before);
  weft::set_tracer_provider(nullptr);
}
BENCHMARK(W1_start_end_global_tracer);

// Not a BENCH.md workload: W1 with the simple processor, which exports (and
// frees) each span on the thread that ends it. Set beside W1, it shows what
// handing spans to the batch worker on the other core costs.
void W1_simple_processor(benchmark::State& state) {
  start_end(state, Processor::kSimple);
}
BENCHMARK(W1_simple_processor);

void start_end_with_attributes(weft::Tracer& tracer) {
  weft::Span span = tracer.start_span("operation", {},
                                      {{"order.id", "ORD-0001"},
                                       {"order.quantity", std::int64_t{3}},
                                       {"order.total", 99.5},
                                       {"order.express", true}});
  benchmark::DoNotOptimize(span);
}

void W2_4_attributes(benchmark::State& state) {
  auto provider = make_provider();
  auto tracer = provider->get_tracer("bench");
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) start_end_with_attributes(*tracer);
  finish(state, *provider, before);
}
BENCHMARK(W2_4_attributes);

void start_end_with_links(benchmark::State& state, std::size_t offered) {
  auto provider = make_provider();
  auto tracer = provider->get_tracer("bench");
  const std::vector<weft::Link> links = make_links(offered);
  weft::StartSpanOptions options;
  options.with_borrowed_links(links);  // the batch pattern: offered, not copied
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    weft::Span span = tracer->start_span("process-batch", options);
    benchmark::DoNotOptimize(span);
  }
  finish(state, *provider, before);
}

void W3_32_links(benchmark::State& state) { start_end_with_links(state, 32); }
BENCHMARK(W3_32_links);

void W4_64_links_32_kept(benchmark::State& state) {
  start_end_with_links(state, 64);
}
BENCHMARK(W4_64_links_32_kept);

// W6: W2 on two threads at once; items_per_second is the total. The
// provider is made before the threads start and destroyed after they end.
std::shared_ptr<weft::sdk::TracerProvider> g_shared_provider;

void make_shared_provider(const benchmark::State&) {
  g_shared_provider = make_provider();
}
void destroy_shared_provider(const benchmark::State&) {
  g_shared_provider.reset();
}

void W6_4_attributes_2_threads(benchmark::State& state) {
  auto tracer = g_shared_provider->get_tracer("bench");
  for (auto _ : state) start_end_with_attributes(*tracer);
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    g_shared_provider->force_flush();
    const weft::sdk::TracerStats stats = g_shared_provider->stats();
    state.counters["dropped"] =
        static_cast<double>(stats.spans_dropped) /
        static_cast<double>(std::max<std::uint64_t>(1, stats.spans_ended));
  }
}
BENCHMARK(W6_4_attributes_2_threads)
    ->Threads(2)
    ->UseRealTime()
    ->Setup(make_shared_provider)
    ->Teardown(destroy_shared_provider);

// W11: inside a ScopedSpan, look up the current span and add an event with
// one attribute. A span keeps 128 events by default, so the ScopedSpan is
// replaced every 64 events, inside the timing: its start and end (~75 ns)
// add about 1.2 ns to each event.
void W11_current_span_add_event(benchmark::State& state) {
  auto provider = make_provider();
  auto tracer = provider->get_tracer("bench");
  std::optional<weft::ScopedSpan> scoped;
  std::int64_t item = 0;
  const std::uint64_t before = g_allocations.load();
  for (auto _ : state) {
    if (item++ % 64 == 0) {
      scoped.reset();
      scoped.emplace(tracer->start_span("job"));
    }
    weft::current_span().add_event("step", {{"item", item}});
  }
  scoped.reset();
  finish(state, *provider, before);
}
BENCHMARK(W11_current_span_add_event);

// W12: two threads add events (one attribute each) to one shared span.
// Thread 0 replaces the span every 16,384 of its events (a span keeps up to
// 65,536 here); each thread refreshes its reference every 1,024 events, so a
// few of its events may land on a span that already ended and are not
// recorded. events_per_second counts only the events the exporter received.
class EventCountingExporter final : public weft::sdk::SpanExporter {
 public:
  weft::sdk::ExportResult export_spans(
      weft::sdk::SpanBatch& spans) noexcept override {
    for (const auto& span : spans) events += span->events.size();
    return weft::sdk::ExportResult::kSuccess;
  }
  bool shutdown(std::chrono::milliseconds) noexcept override { return true; }
  std::atomic<std::uint64_t> events{0};
};

struct SharedSpanState {
  std::shared_ptr<weft::sdk::TracerProvider> provider;
  EventCountingExporter* exporter = nullptr;
  std::shared_ptr<weft::Tracer> tracer;
  std::mutex mutex;
  std::optional<weft::Span> span;
  std::chrono::steady_clock::time_point started;
};
SharedSpanState g_shared_span;

weft::SpanRef current_shared_span() {
  std::lock_guard<std::mutex> lock(g_shared_span.mutex);
  return *g_shared_span.span;
}

void replace_shared_span() {
  std::optional<weft::Span> old;
  {
    std::lock_guard<std::mutex> lock(g_shared_span.mutex);
    old = std::move(g_shared_span.span);
    g_shared_span.span.emplace(g_shared_span.tracer->start_span("shared"));
  }
}  // `old` ends here, outside the lock

void make_shared_span(const benchmark::State&) {
  weft::sdk::TracerProviderOptions options;
  options.sampler = weft::sdk::make_always_on_sampler();
  options.limits.event_count = 65536;
  auto exporter = std::make_unique<EventCountingExporter>();
  g_shared_span.exporter = exporter.get();
  options.processors.push_back(
      weft::sdk::make_batch_processor(std::move(exporter)).value());
  g_shared_span.provider =
      weft::sdk::make_tracer_provider(std::move(options)).value();
  g_shared_span.tracer = g_shared_span.provider->get_tracer("bench");
  replace_shared_span();
  g_shared_span.started = std::chrono::steady_clock::now();
}

void destroy_shared_span(const benchmark::State&) {
  g_shared_span.span.reset();
  g_shared_span.tracer.reset();
  g_shared_span.provider.reset();
}

void W12_2_threads_one_span(benchmark::State& state) {
  weft::SpanRef span = current_shared_span();
  std::int64_t item = 0;
  for (auto _ : state) {
    span.add_event("step", {{"item", item}});
    if (++item % 1024 == 0) {
      if (state.thread_index() == 0 && item % 16384 == 0) {
        replace_shared_span();
      }
      span = current_shared_span();
    }
  }
  span = weft::SpanRef();
  if (state.thread_index() == 0) {
    // Both threads have left the loop when the first one's counters are
    // read: Google Benchmark joins the threads before reporting, but the
    // last span ends in the teardown, so end it here to count it.
    {
      std::lock_guard<std::mutex> lock(g_shared_span.mutex);
      g_shared_span.span.reset();
    }
    g_shared_span.provider->force_flush();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                      g_shared_span.started)
            .count();
    state.counters["events_per_second"] =
        static_cast<double>(g_shared_span.exporter->events.load()) / seconds;
  }
}
BENCHMARK(W12_2_threads_one_span)
    ->Threads(2)
    ->UseRealTime()
    ->Setup(make_shared_span)
    ->Teardown(destroy_shared_span);

}  // namespace
