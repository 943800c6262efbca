// ProviderState: what a TracerProvider shares with its tracers and with the
// spans they record. Internal to the SDK. Thread-safe: the configuration and
// processor list are fixed after construction; counters are atomic.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "sharded_counter.h"
#include "weft/sdk/tracer_provider.h"

namespace weft::sdk {

struct ProviderState {
  explicit ProviderState(TracerProviderConfig c) : config(std::move(c)) {}

  // Hands an ended, sampled span to every processor (the last one gets the
  // original, the others copies).
  void deliver(std::unique_ptr<SpanData> span) noexcept;

  const TracerProviderConfig config;
  // The identities (resource + scope) of the tracers handed out; spans point
  // at them, so they are declared before (destroyed after) the processors.
  std::mutex identities_mutex;
  std::vector<std::unique_ptr<TracerIdentity>> identities;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  std::atomic<bool> shut_down{false};

  ShardedCounter spans_started;
  ShardedCounter spans_ended;
  ShardedCounter spans_not_sampled;
  ShardedCounter links_dropped;
  ShardedCounter attributes_dropped;
  ShardedCounter events_dropped;
};

// A share in a ProviderState's lifetime. Each recording span holds one, so
// that a span ended after its provider was destroyed is still safe. A
// tracer hands out kShards of them, one per thread shard, each with its own
// reference count on its own cache line: threads starting and ending spans
// at once do not contend on one count.
struct alignas(64) ProviderLease {
  std::shared_ptr<ProviderState> state;
};

// The tracers a provider handed out, one per instrumentation scope. Held by
// the TracerProvider, not by ProviderState, because tracers hold the state.
struct TracerCache {
  std::mutex mutex;
  std::map<std::tuple<std::string, std::string, std::string>,
           std::shared_ptr<weft::Tracer>>
      tracers;
};

// What of a span lives in an arena: its strings and lists.
struct SpanContents {
  std::string_view name;
  std::string_view status_description;
  AttributeList attributes;
  ArenaList<EventData> events;
  ArenaList<LinkData> links;
};

// Deep copies of `span`'s contents in `arena`. With `copy_link_data` false,
// the links' tracestates and attributes are left where they are (only the
// list is copied). Check arena.exhausted() for a complete copy.
SpanContents copy_contents(const SpanData& span, Arena& arena,
                           bool copy_link_data = true) noexcept;

// Points `span` at `contents`.
void assign_contents(SpanData& span, const SpanContents& contents) noexcept;

// A deep copy of `span` (for the second and later processors).
std::unique_ptr<SpanData> clone_span_data(const SpanData& span);

}  // namespace weft::sdk
