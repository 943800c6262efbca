#include "weft/exporters/otlp_http_exporter.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>
#include <random>
#include <string>
#include <utility>

#include "backoff.h"
#include "deadline.h"
#include "export_health.h"
#include "gzip.h"
#include "http_client.h"
#include "http_failure.h"
#include "http_retry_policy.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "otlp_http_config.h"
#include "otlp_json.h"
#include "response_body.h"
#include "weft/sdk/fork.h"

namespace weft::exporters {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Headers the exporter sets itself (lowercased names): a configured one of
// these is left out, with a warning, rather than sent twice.
bool is_exporter_header(const std::string& name) {
  return name == "content-type" || name == "content-encoding" ||
         name == "content-length" || name == "transfer-encoding" ||
         name == "host" || name == "expect";
}

void warn_about_exporter_headers(const otlp::OtlpHttpConfig& config,
                                 const std::shared_ptr<sdk::Logger>& logger) {
  for (const auto& header : config.common.headers) {
    if (is_exporter_header(header.first)) {
      sdk::log(logger, sdk::LogLevel::kWarning,
               "OTLP/HTTP exporter: ignoring the configured header '" +
                   header.first +
                   "': the exporter sets it itself (from the protocol and "
                   "the compression)");
    }
  }
}

otlp::HttpClientOptions client_options(const otlp::OtlpHttpConfig& config) {
  otlp::HttpClientOptions options;
  options.url = config.url;
  options.headers.emplace_back("Content-Type",
                               config.protocol == OtlpProtocol::kHttpJson
                                   ? "application/json"
                                   : "application/x-protobuf");
  if (config.common.compression == OtlpCompression::kGzip) {
    options.headers.emplace_back("Content-Encoding", "gzip");
  }
  for (const auto& header : config.common.headers) {
    if (!is_exporter_header(header.first)) options.headers.push_back(header);
  }
  options.ca_certificates_pem = config.common.root_certificates_pem;
  options.client_certificate_pem = config.common.client_certificate_pem;
  options.client_key_pem = config.common.client_key_pem;
  return options;
}

class OtlpHttpExporterImpl final : public OtlpHttpExporter,
                                   private sdk::ForkParticipant {
 public:
  OtlpHttpExporterImpl(otlp::OtlpHttpConfig config,
                       std::unique_ptr<otlp::HttpClient> client,
                       std::shared_ptr<sdk::Logger> logger)
      : config_(std::move(config)),
        logger_(std::move(logger)),
        client_(std::move(client)),
        stats_(std::make_shared<otlp::SharedStats>()),
        health_(config_.url, logger_, stats_),
        random_(std::random_device{}()) {
    sdk::add_fork_participant(*this);
  }

  ~OtlpHttpExporterImpl() override { sdk::remove_fork_participant(*this); }

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
      health_.drop(count, otlp::DropReason::kShutdown,
                   "the exporter was shut down");
      return sdk::ExportResult::kFailure;
    }
    if (renew_client_) {
      renew_client_ = false;
      client_->renew_after_fork();
    }
    const sdk::ExportResult result = send_batch(spans, count);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      exporting_ = false;
      state_changed_.notify_all();
    }
    return result;
  }

  // export_spans() returns each batch's final result: nothing is left to
  // flush but a call in progress on another thread.
  bool force_flush(milliseconds timeout) noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    return state_changed_.wait_until(lock, sdk::deadline_after(timeout),
                                     [this] { return !exporting_; });
  }

  // True when nothing had to be given up for the deadline.
  bool shutdown(milliseconds timeout) noexcept override {
    const std::uint64_t dropped_before = stats().spans_dropped_shutdown;
    std::unique_lock<std::mutex> lock(mutex_);
    if (!shutting_down_) {
      shutting_down_ = true;
      shutdown_deadline_ = sdk::deadline_after(timeout);
    }
    const Clock::time_point deadline = shutdown_deadline_;
    state_changed_.notify_all();
    lock.unlock();
    // An attempt in flight ends at the deadline at the latest, even when
    // the collector stays silent.
    client_->abort_at(deadline);
    lock.lock();
    const bool finished = state_changed_.wait_until(
        lock, deadline, [this] { return !exporting_; });
    lock.unlock();
    if (!finished) return false;
    health_.report_drops_at_shutdown();
    return stats().spans_dropped_shutdown == dropped_before;
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

  std::uint64_t spans_failed_after_acceptance() const noexcept override {
    return failed_after_acceptance_.load(std::memory_order_relaxed);
  }

  const std::string& url() const noexcept override { return config_.url; }
  OtlpProtocol protocol() const noexcept override { return config_.protocol; }

 private:
  // Lock order as for every other use: mutex_, then stats_->mutex.
  void before_fork() noexcept override {
    mutex_.lock();
    stats_->mutex.lock();
  }
  void after_fork_in_parent() noexcept override {
    stats_->mutex.unlock();
    mutex_.unlock();
  }
  // The only thread of the child: an export the parent's worker had in
  // progress is the parent's, and so is the connection; the child's next
  // export opens its own.
  void after_fork_in_child() noexcept override {
    new (&state_changed_) std::condition_variable();
    exporting_ = false;
    renew_client_ = true;
    stats_->mutex.unlock();
    mutex_.unlock();
  }

  // The batch as requests of at most max_request_bytes, one after the
  // other, within one export timeout. kSuccess when any span was
  // delivered: the spans of the other requests are then reported through
  // spans_failed_after_acceptance(), so that the processor counts exactly
  // what was lost.
  sdk::ExportResult send_batch(const sdk::SpanBatch& spans,
                               std::size_t count) noexcept {
    std::size_t planned = 0;
    try {
      encoder_.plan(spans, request_limit());
      for (const otlp::RequestPart& part : encoder_.parts()) {
        planned += part.spans;
      }
    } catch (const std::bad_alloc&) {
      health_.drop(count, otlp::DropReason::kEncoding,
                   "out of memory while encoding");
      return sdk::ExportResult::kFailure;
    }
    std::size_t lost = count - planned;
    if (!encoder_.too_large().empty()) drop_too_large();
    const Clock::time_point export_deadline =
        sdk::deadline_after(config_.common.timeout);
    for (std::size_t i = 0; i < encoder_.parts().size(); ++i) {
      const std::size_t part_spans = encoder_.parts()[i].spans;
      if (!encode_part(i, part_spans) ||
          send(part_spans, export_deadline) != sdk::ExportResult::kSuccess) {
        lost += part_spans;
      }
    }
    if (lost == count) return sdk::ExportResult::kFailure;
    if (lost > 0) {
      failed_after_acceptance_.fetch_add(lost, std::memory_order_relaxed);
    }
    return sdk::ExportResult::kSuccess;
  }

  // The limit the encoder plans with: OTLP/JSON takes up to about three
  // times the bytes of protobuf (hex ids, field names, numbers as text).
  std::size_t request_limit() const noexcept {
    return config_.protocol == OtlpProtocol::kHttpJson
               ? std::max<std::size_t>(config_.common.max_request_bytes / 3,
                                       otlp::kMinRequestBytes)
               : config_.common.max_request_bytes;
  }

  // Spans whose request alone is over the limit: counted, and said once.
  void drop_too_large() noexcept {
    std::size_t spans = 0;
    std::size_t largest = 0;
    for (const otlp::TooLargeSpan& span : encoder_.too_large()) {
      ++spans;
      largest = std::max(largest, span.bytes);
    }
    try {
      const std::string why =
          std::to_string(spans) + " spans dropped: each alone makes a " +
          "request larger than max_request_bytes (" +
          std::to_string(request_limit()) + " bytes; the largest takes " +
          std::to_string(largest) +
          "); fewer or shorter attributes, events or links would fit";
      {
        std::lock_guard<std::mutex> lock(stats_->mutex);
        stats_->stats.spans_dropped_too_large += spans;
        stats_->stats.last_error = why;
      }
      if (!too_large_said_.exchange(true, std::memory_order_relaxed)) {
        sdk::log(logger_, sdk::LogLevel::kWarning,
                 "OTLP export to " + config_.url + ": " + why +
                     " (said once; counted in spans_dropped_too_large)");
      }
    } catch (...) {
    }
  }

  // Encodes part `part` of the plan into body_ (then payload() is what is
  // sent); false, with the drop counted, when that fails.
  bool encode_part(std::size_t part, std::size_t count) noexcept {
    try {
      encoder_.encode_part(part, body_);
      if (config_.protocol == OtlpProtocol::kHttpJson) {
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest
            request;
        if (!request.ParseFromString(body_)) {
          health_.drop(count, otlp::DropReason::kEncoding,
                       "the request could not be turned into OTLP/JSON");
          return false;
        }
        body_ = otlp::to_otlp_json(request);
        if (body_.empty()) {
          health_.drop(count, otlp::DropReason::kEncoding,
                       "the request could not be turned into OTLP/JSON");
          return false;
        }
      }
      if (config_.common.compression == OtlpCompression::kGzip &&
          !otlp::gzip_compress(body_, compressed_)) {
        health_.drop(count, otlp::DropReason::kEncoding,
                     "gzip compression failed");
        return false;
      }
    } catch (const std::bad_alloc&) {
      health_.drop(count, otlp::DropReason::kEncoding,
                   "out of memory while encoding");
      return false;
    }
    return true;
  }

  std::string_view payload() const noexcept {
    return config_.common.compression == OtlpCompression::kGzip
               ? std::string_view(compressed_)
               : std::string_view(body_);
  }

  otlp::BodyEncoding request_encoding() const noexcept {
    return config_.protocol == OtlpProtocol::kHttpJson
               ? otlp::BodyEncoding::kJson
               : otlp::BodyEncoding::kProtobuf;
  }

  // Sends payload(), a request of `count` spans, until it is delivered,
  // refused, or out of time.
  sdk::ExportResult send(std::size_t count,
                         Clock::time_point export_deadline) noexcept {
    otlp::Backoff backoff(config_.common.retry_initial_backoff,
                          config_.common.retry_max_backoff);
    std::string last_failure;
    int attempts = 0;
    while (true) {
      const Clock::time_point deadline = effective_deadline(export_deadline);
      if (Clock::now() >= deadline) {
        return give_up(count, export_deadline, last_failure);
      }
      if (attempts++ > 0) {
        std::lock_guard<std::mutex> lock(stats_->mutex);
        ++stats_->stats.retries;
      }
      const Clock::time_point started = Clock::now();
      otlp::HttpResponse response;
      try {
        response = client_->post(payload(), deadline);
      } catch (const std::bad_alloc&) {
        response.outcome = otlp::HttpResponse::Outcome::kConnectionLost;
        response.error = "out of memory while reading the answer";
      }
      if (response.outcome == otlp::HttpResponse::Outcome::kAnswered &&
          response.status >= 200 && response.status < 300) {
        health_.note_delivered();
        accept(count, response);
        return sdk::ExportResult::kSuccess;
      }
      const auto decision =
          otlp::classify(response, std::chrono::system_clock::now());
      const otlp::HttpFailure failure =
          otlp::describe_failure(response, request_encoding());
      if (failure.kind == otlp::HttpFailureKind::kAborted) {
        return give_up(count, export_deadline, last_failure);
      }
      if (!decision.retryable) {
        health_.drop(count, otlp::DropReason::kNotRetryable,
                     failure.description + " (not retryable)",
                     /*failed_attempt=*/true);
        return sdk::ExportResult::kFailure;
      }
      health_.note_failure(/*failed_attempt=*/true, 0, [&] {
        return failure.description + "; retried within the export timeout (" +
               std::to_string(config_.common.timeout.count()) + " ms)";
      });
      // An attempt cut short by the deadline is not the collector's answer:
      // the last one it gave tells more.
      if (failure.kind != otlp::HttpFailureKind::kTimeout ||
          last_failure.empty()) {
        last_failure = failure.description;
      }
      last_failure += " (retried " + std::to_string(attempts - 1) + " times)";
      const Clock::time_point now = Clock::now();
      const milliseconds delay = decision.server_delay ? *decision.server_delay
                                                       : backoff.next(random_);
      // A retry with less time left than this attempt took would most
      // likely run out of time before the collector answers.
      const Clock::duration took = now - started;
      std::unique_lock<std::mutex> lock(mutex_);
      const auto fits = [&] {
        return now + delay + took < effective_deadline_locked(export_deadline);
      };
      if (!fits()) {
        lock.unlock();
        return give_up(count, export_deadline, last_failure);
      }
      // Until the retry is due, or a shutdown whose deadline it misses.
      const Clock::time_point wake = now + delay;
      state_changed_.wait_until(lock, wake, [&] { return !fits(); });
      if (!fits()) {
        lock.unlock();
        return give_up(count, export_deadline, last_failure);
      }
    }
  }

  Clock::time_point effective_deadline(Clock::time_point export_deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    return effective_deadline_locked(export_deadline);
  }

  // mutex_ held.
  Clock::time_point effective_deadline_locked(
      Clock::time_point export_deadline) const {
    return shutting_down_ ? std::min(export_deadline, shutdown_deadline_)
                          : export_deadline;
  }

  // Out of time: the export timeout's, or the shutdown's when that came
  // first.
  sdk::ExportResult give_up(std::size_t count,
                            Clock::time_point export_deadline,
                            const std::string& why) {
    bool shutdown_first = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutdown_first = shutting_down_ && shutdown_deadline_ < export_deadline;
    }
    const std::string reason =
        why.empty() ? std::string("no answer in time") : why;
    if (shutdown_first) {
      health_.drop(count, otlp::DropReason::kShutdown,
                   "shutdown deadline reached: " + reason);
    } else {
      health_.drop(count, otlp::DropReason::kTimeout,
                   "export timeout of " +
                       std::to_string(config_.common.timeout.count()) +
                       " ms reached: " + reason);
    }
    return sdk::ExportResult::kFailure;
  }

  void accept(std::size_t count, const otlp::HttpResponse& response) {
    std::int64_t rejected = 0;
    std::string message;
    if (const auto partial = otlp::decode_partial_success(
            response.body,
            otlp::body_encoding(response.content_type, request_encoding()))) {
      rejected = std::clamp<std::int64_t>(partial->rejected_spans, 0,
                                          static_cast<std::int64_t>(count));
      message = partial->error_message;
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
               "OTLP export partially accepted by " + config_.url + ": " +
                   std::to_string(rejected) + " of " + std::to_string(count) +
                   " spans rejected" +
                   (message.empty() ? std::string() : ": " + message));
    }
  }

  const otlp::OtlpHttpConfig config_;
  const std::shared_ptr<sdk::Logger> logger_;
  const std::unique_ptr<otlp::HttpClient> client_;
  const std::shared_ptr<otlp::SharedStats> stats_;
  otlp::ExportHealth health_;

  // Used by the exporting thread only.
  otlp::RequestEncoder encoder_;
  std::string body_;        // the encoded request
  std::string compressed_;  // body_ gzipped, when compressing
  std::mt19937_64 random_;
  bool renew_client_ = false;  // set in a forked child
  // Spans of batches reported as kSuccess that were partly lost.
  std::atomic<std::uint64_t> failed_after_acceptance_{0};
  std::atomic<bool> too_large_said_{false};

  // Lock order: mutex_ before stats_->mutex; health_ takes its own
  // mutex and stats_->mutex one at a time, never with stats_->mutex held.
  // None is held while calling the logger or libcurl.
  std::mutex mutex_;
  std::condition_variable state_changed_;  // any change below
  bool exporting_ = false;                 // export_spans() is running
  bool shutting_down_ = false;
  Clock::time_point shutdown_deadline_;
};

}  // namespace

sdk::Expected<std::unique_ptr<OtlpHttpExporter>> make_otlp_http_exporter(
    OtlpHttpExporterOptions options) {
  sdk::Expected<otlp::OtlpHttpConfig> config =
      otlp::finalize_otlp_http_config(options);
  if (!config) return config.error();
  warn_about_exporter_headers(config.value(), options.logger);
  auto client = otlp::HttpClient::create(client_options(config.value()));
  if (!client) return client.error();
  try {
    return std::unique_ptr<OtlpHttpExporter>(
        std::make_unique<OtlpHttpExporterImpl>(std::move(config.value()),
                                               std::move(client.value()),
                                               options.logger));
  } catch (const std::bad_alloc&) {
    return sdk::Error{sdk::Error::kExporterSetupFailed,
                      "OTLP/HTTP exporter: out of memory"};
  }
}

}  // namespace weft::exporters
