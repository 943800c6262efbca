// Samplers: decide at span start whether a span is recorded and exported.
//
// Built-ins: always_on, always_off, trace_id_ratio (deterministic on the trace
// id, so every service makes the same decision for a trace), parent_based and
// links_based (samples a span that links to a sampled span, so a consumer's
// trace is kept whenever its producer's was). Samplers see the links offered
// at start. Implementations are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "weft/attribute.h"
#include "weft/link.h"
#include "weft/span.h"
#include "weft/span_context.h"

namespace weft::sdk {

enum class SamplingDecision {
  kDrop,             // not recorded, not exported
  kRecordOnly,       // recorded, not sampled: processors see it, no export
  kRecordAndSample,  // recorded and exported
};

struct SamplingParameters {
  const SpanContext& parent;  // invalid for a root span
  const TraceId& trace_id;
  std::string_view name;
  SpanKind kind;
  Attributes attributes;
  // The links as offered at start, including any the span will not keep:
  // links that are not recordable (Link::is_recordable; make_link's empty
  // link for a missing context) and those over the link limit. Filtering
  // them would copy the list for every span; a sampler that weighs links
  // should skip those with an invalid context.
  ArrayView<Link> links;
};

struct SamplingResult {
  SamplingDecision decision = SamplingDecision::kDrop;
  // Replaces the tracestate inherited from the parent when set.
  std::optional<TraceState> trace_state;
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingResult should_sample(
      const SamplingParameters& parameters) const noexcept = 0;
  // E.g. "ParentBased{root=TraceIdRatioBased{0.25}}".
  virtual std::string description() const = 0;
};

std::shared_ptr<Sampler> make_always_on_sampler();
std::shared_ptr<Sampler> make_always_off_sampler();
// Samples `ratio` (clamped to [0, 1]) of traces, by trace id.
std::shared_ptr<Sampler> make_trace_id_ratio_sampler(double ratio);

struct ParentBasedSamplers {
  std::shared_ptr<Sampler> root;
  std::shared_ptr<Sampler> remote_parent_sampled;      // default always_on
  std::shared_ptr<Sampler> remote_parent_not_sampled;  // default always_off
  std::shared_ptr<Sampler> local_parent_sampled;       // default always_on
  std::shared_ptr<Sampler> local_parent_not_sampled;   // default always_off
};
// Follows the parent's sampled flag; `root` decides for root spans.
std::shared_ptr<Sampler> make_parent_based_sampler(
    std::shared_ptr<Sampler> root);
std::shared_ptr<Sampler> make_parent_based_sampler(
    ParentBasedSamplers samplers);

// Samples (RecordAndSample) a span when any link offered at start points to a
// sampled context (links with an invalid context are skipped); otherwise
// `delegate` decides (null: always_off). Links added after start come too
// late to count. Costs one loop over an empty list when there are no links.
//
// Composed as parent_based(links_based(trace_id_ratio(r))), the one
// OTEL_TRACES_SAMPLER=parentbased_linksbased_traceidratio builds: a child
// follows its parent; a root with a sampled link is sampled, so a consumer's
// trace is kept whenever its producer's trace was; a root without one is
// sampled at ratio r. Described as "LinksBased{<delegate's description>}".
std::shared_ptr<Sampler> make_links_based_sampler(
    std::shared_ptr<Sampler> delegate);

}  // namespace weft::sdk
