// FakeSampler: a weft::sdk::Sampler that returns a fixed decision and
// records a copy of every SamplingParameters it was asked about (including
// the links offered at start). Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "weft/sdk/sampler.h"

namespace weft::testing {

struct FakeSampler final : public sdk::Sampler {
  struct Call {
    SpanContext parent;
    TraceId trace_id;
    std::string name;
    SpanKind kind;
    std::vector<std::string> attribute_keys;
    std::vector<Link> links;
  };

  explicit FakeSampler(
      sdk::SamplingDecision d = sdk::SamplingDecision::kRecordAndSample)
      : decision(d) {}

  sdk::SamplingResult should_sample(
      const sdk::SamplingParameters& parameters) const noexcept override {
    try {
      Call call{parameters.parent,
                parameters.trace_id,
                std::string(parameters.name),
                parameters.kind,
                {},
                {}};
      for (const KeyValue& attribute : parameters.attributes) {
        call.attribute_keys.emplace_back(attribute.key);
      }
      call.links.assign(parameters.links.begin(), parameters.links.end());
      std::lock_guard<std::mutex> lock(mutex);
      calls.push_back(std::move(call));
    } catch (...) {
    }
    return {decision, trace_state};
  }

  std::string description() const override { return "FakeSampler"; }

  std::vector<Call> recorded() const {
    std::lock_guard<std::mutex> lock(mutex);
    return calls;
  }

  sdk::SamplingDecision decision;
  std::optional<TraceState> trace_state;
  mutable std::mutex mutex;
  mutable std::vector<Call> calls;
};

}  // namespace weft::testing
