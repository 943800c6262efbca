#include "weft/sdk/tracer_provider.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <tuple>
#include <utility>

#include "deadline.h"
#include "fork_handlers.h"
#include "log_level.h"
#include "provider_state.h"
#include "recording_span.h"
#include "weft/noop.h"

namespace weft::sdk {
namespace {

class SdkTracer final : public weft::Tracer {
 public:
  SdkTracer(std::shared_ptr<ProviderState> provider,
            const TracerIdentity* identity)
      : provider_(std::move(provider)), identity_(identity) {}

 protected:
  Span do_start_span(std::string_view name, const StartSpanOptions& options,
                     Attributes attributes) noexcept override {
    const TracerProviderConfig& config = provider_->config;
    const SpanContext& parent = options.resolve_parent();
    if (config.disabled() ||
        provider_->shut_down.load(std::memory_order_relaxed)) {
      return Span(parent);
    }
    const bool has_parent = parent.is_valid();
    TraceId trace_id = parent.trace_id();
    SpanId span_id;
    bool random_trace_id = true;
    if (provider_->builtin_ids) {
      new_random_ids(has_parent ? nullptr : &trace_id, span_id);
    } else {
      IdGenerator& ids = *config.id_generator();
      if (!has_parent) {
        trace_id = ids.new_trace_id();
        random_trace_id = ids.trace_ids_are_random();  // roots only
      }
      span_id = ids.new_span_id();
    }
    SamplingResult sampling;
    if (provider_->builtin_sampler != BuiltinSampler::kOther) {
      sampling.decision = builtin_samples(provider_->builtin_sampler, parent)
                              ? SamplingDecision::kRecordAndSample
                              : SamplingDecision::kDrop;
    } else {
      sampling = config.sampler()->should_sample(
          {parent, trace_id, name, options.kind, attributes, options.links()});
    }
    // The W3C random flag belongs to the trace id: children inherit it.
    TraceFlags flags =
        has_parent ? TraceFlags(parent.flags().bits() & TraceFlags::kRandom)
                   : TraceFlags().with_random(random_trace_id);
    flags = flags.with_sampled(sampling.decision ==
                               SamplingDecision::kRecordAndSample);
    SpanContext context(
        trace_id, span_id, flags,
        sampling.trace_state
            ? std::move(*sampling.trace_state)
            : (has_parent ? parent.trace_state() : TraceState()),
        false);
    if (sampling.decision == SamplingDecision::kDrop) {
      provider_->spans_not_sampled.add();
      return Span(std::move(context));
    }
    auto* span = new (std::nothrow) RecordingSpan(provider_.get(), identity_);
    if (span == nullptr) return Span(std::move(context));
    // Counted before the span can end (see make_provider_state).
    provider_->spans_started.add();
    span->begin(context, parent, name, options, attributes);
    for (const auto& processor : provider_->processors) {
      processor->on_start(*span);
    }
    return Span(SpanHeader::of(span), std::move(context));
  }

 private:
  std::shared_ptr<ProviderState> provider_;
  const TracerIdentity* identity_;  // owned by the provider state
};

// States whose owners are gone while spans still record (see
// make_provider_state). Never destroyed: spans may end during exit.
struct Graveyard {
  std::mutex mutex;
  std::vector<ProviderState*> states;
};

Graveyard& graveyard() noexcept {
  static Graveyard* const instance = [] {
    register_fork_handlers();  // fork() must not find `mutex` held
    return new Graveyard;
  }();
  return *instance;
}

// True when every recording span of `state` has ended. spans_started no
// longer grows once the state has no owner; ended spans are seen (acquire)
// with everything their threads did before.
bool all_spans_ended(const ProviderState& state) noexcept {
  return state.spans_ended.load() >= state.spans_started.load();
}

// Destroys the states of the graveyard whose spans have all ended (spans
// that ended while their state was being orphaned leave it there).
void sweep_graveyard() noexcept {
  std::vector<ProviderState*> finished;
  {
    Graveyard& yard = graveyard();
    std::lock_guard<std::mutex> lock(yard.mutex);
    auto& states = yard.states;
    const auto ended = std::stable_partition(
        states.begin(), states.end(),
        [](const ProviderState* state) { return !all_spans_ended(*state); });
    try {
      finished.assign(ended, states.end());
    } catch (...) {
      return;  // out of memory: the next sweep takes them
    }
    states.erase(ended, states.end());
  }
  for (ProviderState* done : finished) delete done;
}

// The deleter of a ProviderState's shared_ptr: destroys it, or leaves it in
// the graveyard while spans still record.
void orphan(ProviderState* state) noexcept {
  sweep_graveyard();
  {
    Graveyard& yard = graveyard();
    std::lock_guard<std::mutex> lock(yard.mutex);
    state->orphaned.store(true, std::memory_order_seq_cst);
    if (!all_spans_ended(*state)) {
      try {
        yard.states.push_back(state);
      } catch (...) {
        // Out of memory: the state stays alive; its last span frees it.
      }
      return;
    }
  }
  delete state;
}

}  // namespace

std::shared_ptr<ProviderState> make_provider_state(
    TracerProviderConfig config) {
  // Orphaned states whose last spans ended while they were being orphaned
  // wait for the next orphaning or for this.
  register_fork_handlers();
  sweep_graveyard();
  auto* state = new ProviderState(std::move(config));
  try {
    return std::shared_ptr<ProviderState>(state, &orphan);
  } catch (...) {
    delete state;
    throw;
  }
}

namespace fork_hooks {

// States orphaned with spans recording on the parent's other threads stay
// in the child's graveyard for good (those spans never end there).
void lock_graveyard() noexcept { graveyard().mutex.lock(); }
void unlock_graveyard() noexcept { graveyard().mutex.unlock(); }

}  // namespace fork_hooks

void ProviderState::end_span() noexcept {
  if (!orphaned.load(std::memory_order_acquire)) {
    // The state's owners let go after this load, if at all: orphan() then
    // sees this addition or counts this span as still recording.
    spans_ended.add();
    return;
  }
  // The state is in the graveyard (it had this span recording when it was
  // orphaned): the span that ends last destroys it.
  Graveyard& yard = graveyard();
  std::unique_lock<std::mutex> lock(yard.mutex);
  spans_ended.add();
  if (!all_spans_ended(*this)) return;
  auto& states = yard.states;
  states.erase(std::remove(states.begin(), states.end(), this), states.end());
  lock.unlock();
  delete this;
}

SpanContents copy_contents(const SpanData& span, Arena& arena,
                           bool copy_link_data) noexcept {
  SpanContents copy;
  copy.name = arena.copy(span.name);
  copy.status_description = arena.copy(span.status_description);
  copy.attributes = copy_attributes(arena, span.attributes);
  copy.events.reserve(arena, span.events.size());
  for (EventData event : span.events) {
    event.name = arena.copy(event.name);
    event.attributes = copy_attributes(arena, event.attributes);
    copy.events.push_back(arena, event);
  }
  // Keep the capacity: a span that keeps its latest links reuses it.
  copy.links.reserve(arena, span.links.capacity());
  for (LinkData link : span.links) {
    if (copy_link_data) {
      link.trace_state = arena.copy(link.trace_state);
      link.attributes = copy_attributes(arena, link.attributes);
    }
    copy.links.push_back(arena, link);
  }
  return copy;
}

void assign_contents(SpanData& span, const SpanContents& contents) noexcept {
  span.name = contents.name;
  span.status_description = contents.status_description;
  span.attributes = contents.attributes;
  span.events = contents.events;
  span.links = contents.links;
}

std::unique_ptr<SpanData> clone_span_data(const SpanData& span) {
  auto copy = std::make_unique<SpanData>();
  copy->trace_id = span.trace_id;
  copy->span_id = span.span_id;
  copy->parent_span_id = span.parent_span_id;
  copy->flags = span.flags;
  copy->trace_state = span.trace_state;
  copy->parent_is_remote = span.parent_is_remote;
  copy->kind = span.kind;
  copy->status_code = span.status_code;
  copy->start_time = span.start_time;
  copy->end_time = span.end_time;
  assign_contents(*copy, copy_contents(span, copy->arena));
  copy->dropped_attributes_count = span.dropped_attributes_count;
  copy->dropped_events_count = span.dropped_events_count;
  copy->dropped_links_count = span.dropped_links_count;
  copy->tracer = span.tracer;
  return copy;
}

void ProviderState::deliver(std::unique_ptr<SpanData> span) noexcept {
  if (processors.empty()) return;
  for (std::size_t i = 0; i + 1 < processors.size(); ++i) {
    try {
      processors[i]->on_end(clone_span_data(*span));
    } catch (...) {
      // Out of memory: this processor misses the span.
    }
  }
  processors.back()->on_end(std::move(span));
}

TracerProvider::TracerProvider(std::shared_ptr<ProviderState> state) noexcept
    : state_(std::move(state)),
      tracers_(new (std::nothrow) TracerCache(state_->identities_mutex)) {}

TracerProvider::~TracerProvider() { shutdown(); }

std::shared_ptr<weft::Tracer> TracerProvider::get_tracer(
    std::string_view name, std::string_view version,
    std::string_view schema_url) noexcept {
  try {
    if (!tracers_)
      return NoopTracerProvider().get_tracer(name, version, schema_url);
    std::lock_guard<std::mutex> lock(tracers_->mutex);
    auto key = std::make_tuple(std::string(name), std::string(version),
                               std::string(schema_url));
    auto found = tracers_->tracers.find(key);
    if (found != tracers_->tracers.end()) return found->second;
    auto identity = std::make_unique<TracerIdentity>();
    identity->resource = state_->config.resource();
    identity->scope = {std::string(name), std::string(version),
                       std::string(schema_url)};
    const TracerIdentity* stored = identity.get();
    {
      std::lock_guard<std::mutex> identities_lock(state_->identities_mutex);
      state_->identities.push_back(std::move(identity));
    }
    auto tracer = std::make_shared<SdkTracer>(state_, stored);
    tracers_->tracers.emplace(std::move(key), tracer);
    return tracer;
  } catch (...) {
    return NoopTracerProvider().get_tracer(name, version, schema_url);
  }
}

namespace {

// Calls `step(processor, time left)` on every processor within one deadline;
// true when every step completed.
template <class Step>
bool within_deadline(const ProviderState& state,
                     std::chrono::milliseconds timeout, Step step) noexcept {
  const auto deadline = deadline_after(timeout);
  bool complete = true;
  for (const auto& processor : state.processors) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    complete &= step(*processor, std::max(left, std::chrono::milliseconds(0)));
  }
  return complete;
}

}  // namespace

bool TracerProvider::force_flush(std::chrono::milliseconds timeout) noexcept {
  return within_deadline(
      *state_, timeout,
      [](SpanProcessor& processor, std::chrono::milliseconds left) {
        return processor.force_flush(left);
      });
}

bool TracerProvider::shutdown(std::chrono::milliseconds timeout) noexcept {
  // Every call goes to the processors: a second one waits for the first.
  state_->shut_down.store(true);
  // The count of limit warnings suppressed since the last one written.
  state_->drop_log.flush(state_->config.logger(), LogLevel::kWarning, [] {
    return std::string(
        "more spans were over their limits after the last such warning");
  });
  return within_deadline(
      *state_, timeout,
      [](SpanProcessor& processor, std::chrono::milliseconds left) {
        return processor.shutdown(left);
      });
}

TracerStats TracerProvider::stats() const noexcept {
  TracerStats stats;
  stats.spans_started = state_->spans_started.load();
  stats.spans_ended = state_->spans_ended.load();
  stats.spans_not_sampled = state_->spans_not_sampled.load();
  stats.links_dropped = state_->links_dropped.load();
  stats.attributes_dropped = state_->attributes_dropped.load();
  stats.events_dropped = state_->events_dropped.load();
  for (const auto& processor : state_->processors) {
    const ProcessorStats processed = processor->stats();
    stats.spans_dropped += processed.spans_dropped;
    stats.spans_exported += processed.spans_exported;
    stats.spans_export_failed += processed.spans_export_failed;
  }
  return stats;
}

const TracerProviderConfig& TracerProvider::config() const noexcept {
  return state_->config;
}

Expected<std::shared_ptr<TracerProvider>> make_tracer_provider(
    TracerProviderOptions options) {
  Expected<TracerProviderConfig> config = finalize_config(options);
  if (!config) return config.error();
  for (const auto& processor : options.processors) {
    if (!processor) {
      return Error{Error::kMissingComponent,
                   "TracerProviderOptions::processors holds a null processor"};
    }
  }
  route_api_diagnostics();
  auto state = make_provider_state(std::move(config).value());
  state->processors = std::move(options.processors);
  return std::make_shared<TracerProvider>(std::move(state));
}

}  // namespace weft::sdk
