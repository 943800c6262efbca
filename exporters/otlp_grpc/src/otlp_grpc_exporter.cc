#include "weft/exporters/otlp_grpc_exporter.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <new>
#include <random>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "otlp_grpc_config.h"
#include "retry_policy.h"

namespace weft::exporters {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kExportMethod[] =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

struct SharedStats {
  mutable std::mutex mutex;
  OtlpExporterStats stats;
};

enum class DropReason { kNotRetryable, kTimeout, kShutdown, kEncoding };

std::string byte_buffer_text(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string text;
  if (!buffer.Dump(&slices).ok()) return text;
  for (const grpc::Slice& slice : slices) {
    text.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return text;
}

class OtlpGrpcExporterImpl final : public OtlpGrpcExporter {
 public:
  OtlpGrpcExporterImpl(otlp::OtlpGrpcConfig config,
                       std::shared_ptr<sdk::Logger> logger)
      : config_(std::move(config)),
        logger_(std::move(logger)),
        stats_(std::make_shared<SharedStats>()),
        random_(std::random_device{}()) {
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    if (config_.use_tls) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = config_.root_certificates_pem;
      ssl.pem_cert_chain = config_.client_certificate_pem;
      ssl.pem_private_key = config_.client_key_pem;
      credentials = grpc::SslCredentials(ssl);
    } else {
      credentials = grpc::InsecureChannelCredentials();
    }
    grpc::ChannelArguments arguments;
    arguments.SetUserAgentPrefix("weft-otlp-grpc/0.1");
    // A collector that comes back is found again within seconds, not the
    // two minutes gRPC's default reconnect backoff can reach.
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
    // weft retries itself, per the OTLP rules.
    arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    channel_ =
        grpc::CreateCustomChannel(config_.target, credentials, arguments);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  ~OtlpGrpcExporterImpl() override { shutdown(milliseconds(0)); }

  sdk::ExportResult export_spans(sdk::SpanBatch& spans) noexcept override {
    std::size_t count = 0;
    for (const auto& span : spans) count += span ? 1 : 0;
    if (count == 0) return sdk::ExportResult::kSuccess;
    bool shut_down = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shut_down = shutting_down_;
      exporting_ = !shut_down;
    }
    if (shut_down) {
      drop(count, DropReason::kShutdown, "the exporter was shut down");
      return sdk::ExportResult::kFailure;
    }
    const sdk::ExportResult result = export_locked_out(spans, count);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      exporting_ = false;
    }
    state_changed_.notify_all();
    return result;
  }

  bool shutdown(milliseconds timeout) noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point deadline = Clock::now() + timeout;
    if (!shutting_down_) {
      shutting_down_ = true;
      shutdown_deadline_ = deadline;
    }
    state_changed_.notify_all();
    const bool finished = state_changed_.wait_until(
        lock, deadline, [this] { return !exporting_; });
    if (finished) return true;
    // Give up on the request in flight; the exporting thread then counts
    // its spans as dropped and returns.
    if (in_flight_ != nullptr) in_flight_->TryCancel();
    state_changed_.wait_for(lock, milliseconds(100),
                            [this] { return !exporting_; });
    return false;
  }

  OtlpExporterStats stats() const noexcept override {
    std::lock_guard<std::mutex> lock(stats_->mutex);
    return stats_->stats;
  }

  std::function<OtlpExporterStats()> stats_reader() const override {
    return [stats = stats_] {
      std::lock_guard<std::mutex> lock(stats->mutex);
      return stats->stats;
    };
  }

  const std::string& target() const noexcept override { return config_.target; }
  bool uses_tls() const noexcept override { return config_.use_tls; }

 private:
  // One export with its retries; `exporting_` is set by the caller.
  sdk::ExportResult export_locked_out(sdk::SpanBatch& spans,
                                      std::size_t count) noexcept {
    grpc::ByteBuffer request;
    try {
      encoder_.encode(spans, buffer_);
      grpc::Slice slice(buffer_);
      request = grpc::ByteBuffer(&slice, 1);
    } catch (const std::bad_alloc&) {
      drop(count, DropReason::kEncoding, "out of memory while encoding");
      return sdk::ExportResult::kFailure;
    }

    const Clock::time_point export_deadline = Clock::now() + config_.timeout;
    otlp::Backoff backoff(config_.retry_initial_backoff,
                          config_.retry_max_backoff);
    for (int attempt = 0;; ++attempt) {
      const Clock::time_point deadline = effective_deadline(export_deadline);
      if (Clock::now() >= deadline) {
        return give_up(count, export_deadline, "no time left for an attempt");
      }
      grpc::ByteBuffer response;
      const grpc::Status status = call(request, response, deadline);
      if (status.ok()) {
        accept(count, response);
        return sdk::ExportResult::kSuccess;
      }
      const otlp::RetryDecision decision = otlp::classify(status);
      const std::string failure =
          "the collector at " + config_.target + " answered " +
          otlp::status_code_name(status.error_code()) +
          (status.error_message().empty() ? std::string()
                                          : ": " + status.error_message());
      if (!decision.retryable) {
        drop(count, DropReason::kNotRetryable, failure + " (not retryable)");
        return sdk::ExportResult::kFailure;
      }
      const milliseconds delay = decision.server_delay ? *decision.server_delay
                                                       : backoff.next(random_);
      if (!wait_before_retry(delay, export_deadline)) {
        return give_up(
            count, export_deadline,
            failure + " (retried " + std::to_string(attempt) + " times)");
      }
      std::lock_guard<std::mutex> lock(stats_->mutex);
      ++stats_->stats.retries;
    }
  }

  Clock::time_point effective_deadline(Clock::time_point export_deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    return shutting_down_ ? std::min(export_deadline, shutdown_deadline_)
                          : export_deadline;
  }

  // One attempt; blocks this (the processor's) thread until it completes.
  grpc::Status call(const grpc::ByteBuffer& request, grpc::ByteBuffer& response,
                    Clock::time_point deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         (deadline - Clock::now()));
    for (const auto& [key, value] : config_.headers) {
      context.AddMetadata(key, value);
    }
    if (config_.compression == OtlpCompression::kGzip) {
      context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      in_flight_ = &context;
    }
    std::mutex done_mutex;
    std::condition_variable done_signal;
    bool done = false;
    grpc::Status result;
    stub_->UnaryCall(&context, kExportMethod, grpc::StubOptions(), &request,
                     &response, [&](grpc::Status status) {
                       std::lock_guard<std::mutex> lock(done_mutex);
                       result = std::move(status);
                       done = true;
                       done_signal.notify_one();
                     });
    {
      std::unique_lock<std::mutex> lock(done_mutex);
      done_signal.wait(lock, [&] { return done; });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    in_flight_ = nullptr;
    return result;
  }

  // Waits `delay` unless that would pass the deadline (false) or shutdown
  // ends the wait first and leaves no time (false).
  bool wait_before_retry(milliseconds delay,
                         Clock::time_point export_deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point wake = Clock::now() + delay;
    while (true) {
      const Clock::time_point deadline =
          shutting_down_ ? std::min(export_deadline, shutdown_deadline_)
                         : export_deadline;
      if (wake >= deadline) return false;
      if (Clock::now() >= wake) return true;
      state_changed_.wait_until(lock, wake);
    }
  }

  sdk::ExportResult give_up(std::size_t count,
                            Clock::time_point export_deadline,
                            const std::string& why) {
    bool shutdown_first = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutdown_first = shutting_down_ && shutdown_deadline_ < export_deadline;
    }
    if (shutdown_first) {
      drop(count, DropReason::kShutdown, "shutdown deadline reached: " + why);
    } else {
      drop(count, DropReason::kTimeout,
           "export timeout of " + std::to_string(config_.timeout.count()) +
               " ms reached: " + why);
    }
    return sdk::ExportResult::kFailure;
  }

  void accept(std::size_t count, const grpc::ByteBuffer& response) {
    std::int64_t rejected = 0;
    std::string message;
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse
        decoded;
    if (response.Length() != 0 &&
        decoded.ParseFromString(byte_buffer_text(response)) &&
        decoded.has_partial_success()) {
      rejected =
          std::clamp<std::int64_t>(decoded.partial_success().rejected_spans(),
                                   0, static_cast<std::int64_t>(count));
      message = decoded.partial_success().error_message();
    }
    const bool partial = rejected != 0 || !message.empty();
    {
      std::lock_guard<std::mutex> lock(stats_->mutex);
      OtlpExporterStats& stats = stats_->stats;
      ++stats.requests_succeeded;
      stats.spans_sent += count - static_cast<std::size_t>(rejected);
      if (partial) {
        ++stats.partial_successes;
        stats.spans_rejected += static_cast<std::uint64_t>(rejected);
        stats.last_error = "partial success: " + message;
      }
    }
    if (partial) {
      sdk::log(logger_, sdk::LogLevel::kWarning,
               "OTLP export partially accepted by " + config_.target + ": " +
                   std::to_string(rejected) + " of " + std::to_string(count) +
                   " spans rejected" +
                   (message.empty() ? std::string() : ": " + message));
    }
  }

  void drop(std::size_t count, DropReason reason, const std::string& why) {
    {
      std::lock_guard<std::mutex> lock(stats_->mutex);
      OtlpExporterStats& stats = stats_->stats;
      ++stats.requests_failed;
      switch (reason) {
        case DropReason::kNotRetryable:
          stats.spans_dropped_not_retryable += count;
          break;
        case DropReason::kTimeout:
          stats.spans_dropped_timeout += count;
          break;
        case DropReason::kShutdown:
          stats.spans_dropped_shutdown += count;
          break;
        case DropReason::kEncoding:
          stats.spans_dropped_encoding += count;
          break;
      }
      stats.last_error = why;
    }
    sdk::log(logger_, sdk::LogLevel::kError,
             "OTLP export failed, " + std::to_string(count) +
                 " spans dropped: " + why);
  }

  const otlp::OtlpGrpcConfig config_;
  const std::shared_ptr<sdk::Logger> logger_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::shared_ptr<SharedStats> stats_;

  // Used by the exporting thread only.
  otlp::RequestEncoder encoder_;
  std::string buffer_;
  std::mt19937_64 random_;

  // Lock order: mutex_ before stats_->mutex; neither is held while calling
  // the logger or waiting for gRPC.
  std::mutex mutex_;
  std::condition_variable state_changed_;
  bool shutting_down_ = false;
  bool exporting_ = false;
  Clock::time_point shutdown_deadline_;
  grpc::ClientContext* in_flight_ = nullptr;
};

}  // namespace

sdk::Expected<std::unique_ptr<OtlpGrpcExporter>> make_otlp_grpc_exporter(
    OtlpGrpcExporterOptions options) {
  sdk::Expected<otlp::OtlpGrpcConfig> config =
      otlp::finalize_otlp_grpc_config(options);
  if (!config) return config.error();
  try {
    return std::unique_ptr<OtlpGrpcExporter>(
        std::make_unique<OtlpGrpcExporterImpl>(std::move(config.value()),
                                               options.logger));
  } catch (const std::exception& error) {
    return sdk::Error{sdk::Error::kExporterSetupFailed,
                      std::string("OTLP exporter: cannot create the gRPC "
                                  "channel: ") +
                          error.what()};
  }
}

std::optional<OtlpExporterStats> otlp_exporter_stats(
    const sdk::SpanExporter& exporter) noexcept {
  if (const auto* otlp = dynamic_cast<const OtlpGrpcExporter*>(&exporter)) {
    return otlp->stats();
  }
  return std::nullopt;
}

}  // namespace weft::exporters
