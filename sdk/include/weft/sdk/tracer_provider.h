// TracerProvider: the SDK's entry point. It owns the resource, sampler, span
// limits, ID generator and processors, and hands out tracers that record
// spans into them.
//
// Create it once at start-up with make_tracer_provider(), install it with
// weft::set_tracer_provider(), and shut it down (or let it be destroyed)
// before exit so that queued spans are exported. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "weft/sdk/environment.h"
#include "weft/sdk/expected.h"
#include "weft/sdk/id_generator.h"
#include "weft/sdk/logger.h"
#include "weft/sdk/sampler.h"
#include "weft/sdk/span_data.h"
#include "weft/sdk/span_limits.h"
#include "weft/sdk/span_processor.h"
#include "weft/tracer.h"

namespace weft::sdk {

// What the application sets in code. The environment overrides it (see the
// README's configuration table); unset fields take the defaults.
struct TracerProviderOptions {
  std::string service_name;             // OTEL_SERVICE_NAME
  OwnedAttributes resource_attributes;  // OTEL_RESOURCE_ATTRIBUTES
  std::shared_ptr<Sampler> sampler;     // OTEL_TRACES_SAMPLER(_ARG)
  SpanLimits limits;                    // OTEL_*_LIMIT
  std::shared_ptr<IdGenerator> id_generator;
  std::vector<std::unique_ptr<SpanProcessor>> processors;
  std::shared_ptr<Logger> logger;  // null: the SDK-wide logger (logger.h)
  // Where variables are read from; null means the process environment.
  const Environment* environment = nullptr;
  // The clock of span timestamps (tests inject a fake one).
  Timestamp (*clock)() noexcept = nullptr;
};

// The validated configuration: only make_tracer_provider() creates one.
class TracerProviderConfig {
 public:
  const std::shared_ptr<const Resource>& resource() const { return resource_; }
  const std::shared_ptr<Sampler>& sampler() const { return sampler_; }
  const SpanLimits& limits() const { return limits_; }
  const std::shared_ptr<IdGenerator>& id_generator() const {
    return id_generator_;
  }
  const std::shared_ptr<Logger>& logger() const { return logger_; }
  Timestamp (*clock() const)() noexcept { return clock_; }
  // True unless TracerProviderOptions::clock was given: the SDK's own clock,
  // which gives a span's end and events its start plus the monotonic time
  // elapsed since (durations survive wall-clock steps).
  bool default_clock() const { return default_clock_; }
  // OTEL_SDK_DISABLED=true: every span is non-recording.
  bool disabled() const { return disabled_; }

 private:
  friend Expected<TracerProviderConfig> finalize_config(
      const TracerProviderOptions& options);
  TracerProviderConfig() = default;

  std::shared_ptr<const Resource> resource_;
  std::shared_ptr<Sampler> sampler_;
  SpanLimits limits_;
  std::shared_ptr<IdGenerator> id_generator_;
  std::shared_ptr<Logger> logger_;
  Timestamp (*clock_)() noexcept = nullptr;
  bool default_clock_ = true;
  bool disabled_ = false;
};

// Validates `options` against the environment (bad environment values are
// logged once and replaced by the code value or default).
Expected<TracerProviderConfig> finalize_config(
    const TracerProviderOptions& options);

// What the SDK did with spans so far.
struct TracerStats {
  std::uint64_t spans_started = 0;      // recording spans started
  std::uint64_t spans_ended = 0;        // recording spans ended
  std::uint64_t spans_not_sampled = 0;  // sampler said drop
  std::uint64_t spans_dropped = 0;      // processor queue was full
  std::uint64_t spans_exported = 0;
  std::uint64_t spans_export_failed = 0;
  std::uint64_t links_dropped = 0;       // over the link limit, all spans
  std::uint64_t attributes_dropped = 0;  // over attribute limits, all spans
  std::uint64_t events_dropped = 0;
};

struct ProviderState;
struct TracerCache;

class TracerProvider final : public weft::TracerProvider {
 public:
  explicit TracerProvider(std::shared_ptr<ProviderState> state) noexcept;
  ~TracerProvider() override;  // shuts down (30 s at most)

  std::shared_ptr<weft::Tracer> get_tracer(
      std::string_view name, std::string_view version = {},
      std::string_view schema_url = {}) noexcept override;

  // Exports everything ended so far; false when `timeout` ran out.
  bool force_flush(
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) noexcept;
  // Flushes and shuts down every processor once; spans started afterwards
  // are non-recording. False when `timeout` ran out. A later or concurrent
  // call waits for the first one (within its own timeout) and returns its
  // result.
  bool shutdown(
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) noexcept;
  TracerStats stats() const noexcept;
  const TracerProviderConfig& config() const noexcept;

 private:
  std::shared_ptr<ProviderState> state_;
  std::unique_ptr<TracerCache> tracers_;
};

// Finalizes the configuration and builds a provider.
Expected<std::shared_ptr<TracerProvider>> make_tracer_provider(
    TracerProviderOptions options);

}  // namespace weft::sdk
