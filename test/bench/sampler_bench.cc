// Sampler benchmarks (S1): what the links-based sampler adds to a sampling
// decision. Each benchmark asks a sampler about a root span, as start_span
// does for a sampler that is not built in (builtin_fast_paths.h), with the
// links offered at start:
//   S1_parentbased_ratio                 parent_based(trace_id_ratio(0.1))
//   S1_parentbased_linksbased_ratio/N    parent_based(links_based(
//                                          trace_id_ratio(0.1))), N unsampled
//                                          links (0: the cost without links,
//                                          which should not be measurable)
//   S1_parentbased_linksbased_sampled    the same, one sampled link
//
// Run: build/test/bench/weft_bench --benchmark_filter=S1
// Sample run, 2026-12-05 01:20: Debian 12 VM, 2 vCPU Xeon 2.6 GHz, g++ 12
// -O2, medians of 3; CPU time (wall time was 8x that: a build shared the
// cores):
//   S1_parentbased_ratio                   5.35 ns
//   S1_parentbased_linksbased_ratio/0      6.55 ns
//   S1_parentbased_linksbased_ratio/1      6.97 ns
//   S1_parentbased_linksbased_ratio/32     18.4 ns
//   S1_parentbased_linksbased_sampled      3.47 ns
// Without links the links-based sampler adds about 1 ns (one virtual call
// and a loop over an empty list) to a span start of about 80 ns (W1).
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "weft/sdk/id_generator.h"
#include "weft/sdk/sampler.h"

namespace {

// `count` links to distinct contexts; only the first is sampled, and only
// when `first_sampled`.
std::vector<weft::Link> make_links(std::size_t count, bool first_sampled) {
  auto ids = weft::sdk::make_random_id_generator();
  std::vector<weft::Link> links;
  for (std::size_t i = 0; i < count; ++i) {
    const bool sampled = first_sampled && i == 0;
    links.push_back({weft::SpanContext(ids->new_trace_id(), ids->new_span_id(),
                                       weft::TraceFlags(sampled ? 1 : 0)),
                     {}});
  }
  return links;
}

void decide(benchmark::State& state, const weft::sdk::Sampler& sampler,
            const std::vector<weft::Link>& links) {
  auto ids = weft::sdk::make_random_id_generator();
  std::vector<weft::TraceId> trace_ids;
  for (int i = 0; i < 1024; ++i) trace_ids.push_back(ids->new_trace_id());
  const weft::SpanContext root;
  std::size_t next = 0;
  for (auto _ : state) {
    const weft::sdk::SamplingParameters parameters{
        root,        trace_ids[next++ & 1023],
        "operation", weft::SpanKind::kConsumer,
        {},          links};
    benchmark::DoNotOptimize(sampler.should_sample(parameters));
  }
}

void S1_parentbased_ratio(benchmark::State& state) {
  const auto sampler = weft::sdk::make_parent_based_sampler(
      weft::sdk::make_trace_id_ratio_sampler(0.1));
  decide(state, *sampler, {});
}
BENCHMARK(S1_parentbased_ratio);

void S1_parentbased_linksbased_ratio(benchmark::State& state) {
  const auto sampler =
      weft::sdk::make_parent_based_sampler(weft::sdk::make_links_based_sampler(
          weft::sdk::make_trace_id_ratio_sampler(0.1)));
  decide(state, *sampler,
         make_links(static_cast<std::size_t>(state.range(0)), false));
}
BENCHMARK(S1_parentbased_linksbased_ratio)->Arg(0)->Arg(1)->Arg(32);

void S1_parentbased_linksbased_sampled(benchmark::State& state) {
  const auto sampler =
      weft::sdk::make_parent_based_sampler(weft::sdk::make_links_based_sampler(
          weft::sdk::make_trace_id_ratio_sampler(0.1)));
  decide(state, *sampler, make_links(1, true));
}
BENCHMARK(S1_parentbased_linksbased_sampled);

}  // namespace
