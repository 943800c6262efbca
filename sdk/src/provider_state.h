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

#include "builtin_fast_paths.h"
#include "rate_limited_log.h"
#include "sharded_counter.h"
#include "weft/sdk/fork.h"
#include "weft/sdk/tracer_provider.h"

namespace weft::sdk {

struct ProviderState {
  explicit ProviderState(TracerProviderConfig c)
      : config(std::move(c)),
        builtin_sampler(classify_sampler(*config.sampler())),
        builtin_ids(is_builtin_random_id_generator(*config.id_generator())) {}

  // Hands an ended, sampled span to every processor (the last one gets the
  // original, the others copies).
  void deliver(std::unique_ptr<SpanData> span) noexcept;

  // Counts a recording span as ended: the last thing a span's end() does
  // with its provider, which may be destroyed as soon as it returns (see
  // make_provider_state).
  void end_span() noexcept;

  const TracerProviderConfig config;
  // The configuration's sampler and ID generator when they are built-in
  // ones (see builtin_fast_paths.h).
  const BuiltinSampler builtin_sampler;
  const bool builtin_ids;
  // The identities (resource + scope) of the tracers handed out; spans point
  // at them, so they are declared before (destroyed after) the processors.
  std::mutex identities_mutex;
  std::vector<std::unique_ptr<TracerIdentity>> identities;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  std::atomic<bool> shut_down{false};
  // Set when the provider and its tracers are gone while spans still
  // record (see make_provider_state).
  std::atomic<bool> orphaned{false};

  ShardedCounter spans_started;  // recording spans
  ShardedCounter spans_ended;
  ShardedCounter spans_not_sampled;
  ShardedCounter links_dropped;
  ShardedCounter attributes_dropped;
  ShardedCounter events_dropped;
  // The warning of spans over their limits (see RecordingSpan::note_drop).
  RateLimitedLog drop_log;
};

// A ProviderState shared by a TracerProvider and its tracers. Spans hold a
// plain pointer to it, not a share of its ownership (a reference count
// changed twice per span cost 12-14 ns of W1's ~100): when the last owner
// lets go while spans are still recording, the state is not destroyed but
// orphaned, and the span whose end() brings the count of recording spans
// to zero destroys it. Every span's last access to the state is its
// spans_ended addition, a release store: a thread that sees the count
// complete knows that no span touches the state again. A span that ends
// while its state is being orphaned (it looked before the flag was set,
// and added after the count was taken) leaves the state for the next
// provider made or orphaned, which sweep the graveyard.
std::shared_ptr<ProviderState> make_provider_state(TracerProviderConfig config);

// The tracers a provider handed out, one per instrumentation scope. Held by
// the TracerProvider, not by ProviderState, because tracers hold the state.
// Its locks, and the state's identities_mutex (taken only under `mutex`, in
// get_tracer), are taken around fork() so that a child never finds them held.
struct TracerCache final : private ForkParticipant {
  explicit TracerCache(std::mutex& identities) : identities_mutex(identities) {
    add_fork_participant(*this);
  }
  ~TracerCache() { remove_fork_participant(*this); }

  void before_fork() noexcept override {
    mutex.lock();
    identities_mutex.lock();
  }
  void after_fork_in_parent() noexcept override { unlock(); }
  void after_fork_in_child() noexcept override { unlock(); }
  void unlock() noexcept {
    identities_mutex.unlock();
    mutex.unlock();
  }

  std::mutex& identities_mutex;  // the ProviderState's
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
