// OTLP translation benchmark: workload W8 of shared/BENCH.md.
//
// W8 translates 512 finished W3-shaped spans (32 links, each with 3
// attributes: string, int64, string) into one serialized
// ExportTraceServiceRequest, which is what the OTLP/gRPC exporter does for
// each batch before handing the bytes to gRPC. The spans are recorded once
// through the SDK before timing. Counters: `per_span` (time per span) and
// `bytes_per_span` (request size / 512).
//
// Run: weft_bench --benchmark_filter=W8 --benchmark_repetitions=5
// Sample run (Debian 12, 2 vCPU, g++ 12 -O3 Release): see the benchmark
// table of docs/performance.md.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "otlp_encoder.h"
#include "weft/exporters/memory_exporter.h"
#include "weft/sdk/simple_span_processor.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/weft.h"

namespace {

constexpr int kSpansPerRequest = 512;

// 512 finished spans, each with 32 links of 3 attributes, and the provider
// that owns their resource and scope (it must outlive them).
struct RecordedSpans {
  std::shared_ptr<weft::sdk::TracerProvider> provider;
  weft::sdk::SpanBatch spans;
};

RecordedSpans record_w3_spans() {
  auto store = std::make_shared<weft::exporters::InMemorySpanStore>();
  weft::sdk::TracerProviderOptions options;
  options.service_name = "w8";
  options.processors.push_back(weft::sdk::make_simple_processor(
      std::make_unique<weft::exporters::InMemoryExporter>(store)));
  auto provider = weft::sdk::make_tracer_provider(std::move(options));
  if (!provider) return {};
  auto tracer = provider.value()->get_tracer("weft.bench.w8", "1.0.0");
  auto ids = weft::sdk::make_random_id_generator();
  std::vector<weft::Link> links;
  for (std::int64_t i = 0; i < 32; ++i) {
    links.push_back(weft::Link{
        weft::SpanContext(ids->new_trace_id(), ids->new_span_id(),
                          weft::TraceFlags(weft::TraceFlags::kSampled)),
        {{"link.relationship", std::string("batch_member")},
         {"batch.item.index", i},
         {"original.item.id", "item-" + std::to_string(1000 + i)}}});
  }
  for (int i = 0; i < kSpansPerRequest; ++i) {
    tracer
        ->start_span(
            "batch.process",
            weft::StartSpanOptions().as_root().with_borrowed_links(links))
        .end();
  }
  provider.value()->shutdown();
  return RecordedSpans{provider.value(), store->take_all()};
}

void W8_otlp_translate_512_w3_spans(benchmark::State& state) {
  const RecordedSpans recorded = record_w3_spans();
  const weft::sdk::SpanBatch& spans = recorded.spans;
  if (spans.size() != kSpansPerRequest) {
    state.SkipWithError("could not record the spans");
    return;
  }
  weft::otlp::RequestEncoder encoder;
  std::string request;
  for (auto _ : state) {
    encoder.encode(spans, request);
    benchmark::DoNotOptimize(request.data());
    benchmark::ClobberMemory();
  }
  state.counters["per_span"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kSpansPerRequest,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["bytes_per_span"] =
      static_cast<double>(request.size()) / kSpansPerRequest;
}
BENCHMARK(W8_otlp_translate_512_w3_spans);

}  // namespace
