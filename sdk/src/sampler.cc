#include "weft/sdk/sampler.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "builtin_fast_paths.h"

namespace weft::sdk {
namespace {

class AlwaysOnSampler final : public Sampler {
 public:
  SamplingResult should_sample(
      const SamplingParameters&) const noexcept override {
    return {SamplingDecision::kRecordAndSample, std::nullopt};
  }
  std::string description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOffSampler final : public Sampler {
 public:
  SamplingResult should_sample(
      const SamplingParameters&) const noexcept override {
    return {SamplingDecision::kDrop, std::nullopt};
  }
  std::string description() const override { return "AlwaysOffSampler"; }
};

// Compares the trace id's last 8 bytes (big-endian, shifted right by one) with
// ratio * 2^63, as the Go and Java SDKs do, so that services agree.
class TraceIdRatioSampler final : public Sampler {
 public:
  explicit TraceIdRatioSampler(double ratio)
      : ratio_(std::isnan(ratio) ? 0.0 : std::min(1.0, std::max(0.0, ratio))),
        bound_(ratio_ >= 1.0 ? UINT64_MAX
                             : static_cast<std::uint64_t>(
                                   ratio_ * 9223372036854775808.0)) {}

  SamplingResult should_sample(
      const SamplingParameters& parameters) const noexcept override {
    std::uint64_t value = 0;
    for (std::size_t i = 8; i < 16; ++i) {
      value = value << 8 | parameters.trace_id.bytes()[i];
    }
    const bool sampled = ratio_ >= 1.0 || (value >> 1) < bound_;
    return {
        sampled ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop,
        std::nullopt};
  }
  std::string description() const override {
    return "TraceIdRatioBased{" + std::to_string(ratio_) + "}";
  }

 private:
  double ratio_;
  std::uint64_t bound_;
};

template <class Kind>
bool is_a(const std::shared_ptr<Sampler>& sampler) noexcept {
  return dynamic_cast<const Kind*>(sampler.get()) != nullptr;
}

class ParentBasedSampler final : public Sampler {
 public:
  explicit ParentBasedSampler(ParentBasedSamplers samplers)
      : samplers_(std::move(samplers)) {
    if (!samplers_.root) samplers_.root = make_always_on_sampler();
    if (!samplers_.remote_parent_sampled) {
      samplers_.remote_parent_sampled = make_always_on_sampler();
    }
    if (!samplers_.remote_parent_not_sampled) {
      samplers_.remote_parent_not_sampled = make_always_off_sampler();
    }
    if (!samplers_.local_parent_sampled) {
      samplers_.local_parent_sampled = make_always_on_sampler();
    }
    if (!samplers_.local_parent_not_sampled) {
      samplers_.local_parent_not_sampled = make_always_off_sampler();
    }
  }

  SamplingResult should_sample(
      const SamplingParameters& parameters) const noexcept override {
    const SpanContext& parent = parameters.parent;
    if (!parent.is_valid()) return samplers_.root->should_sample(parameters);
    const Sampler& delegate =
        parent.is_remote()
            ? (parent.is_sampled() ? *samplers_.remote_parent_sampled
                                   : *samplers_.remote_parent_not_sampled)
            : (parent.is_sampled() ? *samplers_.local_parent_sampled
                                   : *samplers_.local_parent_not_sampled);
    return delegate.should_sample(parameters);
  }

  // True with the root and every delegate of their default kind.
  bool is_parent_based_always_on() const noexcept {
    return is_a<AlwaysOnSampler>(samplers_.root) &&
           is_a<AlwaysOnSampler>(samplers_.remote_parent_sampled) &&
           is_a<AlwaysOffSampler>(samplers_.remote_parent_not_sampled) &&
           is_a<AlwaysOnSampler>(samplers_.local_parent_sampled) &&
           is_a<AlwaysOffSampler>(samplers_.local_parent_not_sampled);
  }

  std::string description() const override {
    return "ParentBased{root=" + samplers_.root->description() +
           ",remoteParentSampled=" +
           samplers_.remote_parent_sampled->description() +
           ",remoteParentNotSampled=" +
           samplers_.remote_parent_not_sampled->description() +
           ",localParentSampled=" +
           samplers_.local_parent_sampled->description() +
           ",localParentNotSampled=" +
           samplers_.local_parent_not_sampled->description() + "}";
  }

 private:
  ParentBasedSamplers samplers_;
};

class LinksBasedSampler final : public Sampler {
 public:
  explicit LinksBasedSampler(std::shared_ptr<Sampler> delegate)
      : delegate_(delegate ? std::move(delegate) : make_always_off_sampler()) {}

  SamplingResult should_sample(
      const SamplingParameters& parameters) const noexcept override {
    for (const Link& link : parameters.links) {
      if (link.context.is_valid() && link.context.is_sampled()) {
        return {SamplingDecision::kRecordAndSample, std::nullopt};
      }
    }
    return delegate_->should_sample(parameters);
  }

  std::string description() const override {
    return "LinksBased{" + delegate_->description() + "}";
  }

 private:
  std::shared_ptr<Sampler> delegate_;
};

}  // namespace

BuiltinSampler classify_sampler(const Sampler& sampler) noexcept {
  if (dynamic_cast<const AlwaysOnSampler*>(&sampler) != nullptr) {
    return BuiltinSampler::kAlwaysOn;
  }
  const auto* parent_based = dynamic_cast<const ParentBasedSampler*>(&sampler);
  if (parent_based != nullptr && parent_based->is_parent_based_always_on()) {
    return BuiltinSampler::kParentBasedAlwaysOn;
  }
  return BuiltinSampler::kOther;
}

std::shared_ptr<Sampler> make_always_on_sampler() {
  static const auto sampler = std::make_shared<AlwaysOnSampler>();
  return sampler;
}

std::shared_ptr<Sampler> make_always_off_sampler() {
  static const auto sampler = std::make_shared<AlwaysOffSampler>();
  return sampler;
}

std::shared_ptr<Sampler> make_trace_id_ratio_sampler(double ratio) {
  return std::make_shared<TraceIdRatioSampler>(ratio);
}

std::shared_ptr<Sampler> make_parent_based_sampler(
    std::shared_ptr<Sampler> root) {
  ParentBasedSamplers samplers;
  samplers.root = std::move(root);
  return make_parent_based_sampler(std::move(samplers));
}

std::shared_ptr<Sampler> make_parent_based_sampler(
    ParentBasedSamplers samplers) {
  return std::make_shared<ParentBasedSampler>(std::move(samplers));
}

std::shared_ptr<Sampler> make_links_based_sampler(
    std::shared_ptr<Sampler> delegate) {
  return std::make_shared<LinksBasedSampler>(std::move(delegate));
}

}  // namespace weft::sdk
