// The SDK's own sampler and ID generator, decided without virtual calls.
// Internal to the SDK.
//
// Starting a span asks the sampler and the ID generator through their
// interfaces: three virtual calls for the ids (trace id, span id, whether
// trace ids are random) and one for the sampler, with its parameters built
// and its result (an optional tracestate) destroyed. For the built-in ones,
// which most applications use, the provider recognizes them once and
// start_span takes these shortcuts; they decide exactly what the virtual
// calls would.
#pragma once

#include "weft/ids.h"
#include "weft/sdk/id_generator.h"
#include "weft/sdk/sampler.h"
#include "weft/span_context.h"

namespace weft::sdk {

// True when `generator` is the one make_random_id_generator() returns.
bool is_builtin_random_id_generator(const IdGenerator& generator) noexcept;

// What the built-in random generator gives a new span: a trace id when
// `trace_id` is not null (a root span), then a span id; never all zero.
// Its trace ids are random (the W3C random flag).
void new_random_ids(TraceId* trace_id, SpanId& span_id) noexcept;

enum class BuiltinSampler {
  kOther,                // ask the sampler
  kAlwaysOn,             // always record and sample
  kParentBasedAlwaysOn,  // the default: a root is sampled, a child
                         // follows its parent's sampled flag
};

BuiltinSampler classify_sampler(const Sampler& sampler) noexcept;

// The decision of a kAlwaysOn or kParentBasedAlwaysOn sampler (neither sets
// a tracestate).
inline bool builtin_samples(BuiltinSampler sampler,
                            const SpanContext& parent) noexcept {
  return sampler == BuiltinSampler::kAlwaysOn || !parent.is_valid() ||
         parent.is_sampled();
}

}  // namespace weft::sdk
