#include "weft/exporters/otlp_grpc_exporter.h"

#include <grpc/grpc.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backoff.h"
#include "deadline.h"
#include "export_failure.h"
#include "export_health.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp_encoder.h"
#include "otlp_grpc_config.h"
#include "retry_policy.h"
#include "text.h"
#include "weft/sdk/fork.h"

namespace weft::exporters {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kExportMethod[] =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

// While retries wait for a channel that is not connected, the retry thread
// watches the channel in slices this long (see watch_connection).
constexpr milliseconds kConnectionWatchSlice{100};

std::string byte_buffer_text(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string text;
  if (!buffer.Dump(&slices).ok()) return text;
  for (const grpc::Slice& slice : slices) {
    text.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return text;
}

// One encoded batch on its way: the bytes (kept for retries), its retry
// state and the attempt in flight. Shared by the exporter's list of
// unfinished requests, the attempt's completion callback, the retry thread
// and (max_concurrent_exports = 1) the export_spans() call waiting for it.
struct Request {
  Request(milliseconds initial, milliseconds maximum)
      : backoff(initial, maximum) {}

  grpc::ByteBuffer payload;
  std::size_t bytes = 0;
  std::size_t spans = 0;
  Clock::time_point export_deadline;
  otlp::Backoff backoff;  // guarded by the exporter's mutex_
  // Guarded by the exporter's mutex_:
  bool holds_slot = false;  // started: in flight or waiting for a retry
  // export_spans() returned kSuccess for it before delivery (pipelined).
  bool accepted_early = false;
  int attempts = 0;  // started so far
  Clock::time_point attempt_started;
  Clock::time_point attempt_deadline;
  Clock::duration last_attempt_took{};  // from start to answer
  Clock::time_point retry_at;
  bool server_delay = false;  // retry_at is the server's RetryInfo delay
  std::string last_answer;    // the collector's latest failure, for humans
  std::string last_failure;   // why it waits for a retry, for give_up()
  std::shared_ptr<grpc::ClientContext> context;  // of the latest attempt
  bool finished = false;
  sdk::ExportResult result = sdk::ExportResult::kFailure;
  // Written by gRPC before the attempt's callback runs.
  grpc::ByteBuffer response;
};

// After fork(), the child's copy of an exporter is left without gRPC's
// threads and without its retry thread: it never calls gRPC again. Nor does
// an exporter made later in that child, whose gRPC (1.51, with or without
// GRPC_ENABLE_FORK_SUPPORT) would wait for ever for answers that its
// threads, gone with the parent's, would have delivered. Such an exporter's
// export_spans() drops the child's spans, counted in spans_dropped_forked
// and said once in a warning; force_flush() and shutdown() return at once
// (false when spans were dropped); its destructor leaves the gRPC objects and
// the parent's requests alone (destroying them would wait for threads that
// do not exist). The same holds in a child whose parent had gRPC
// initialized at the fork without an exporter (one made and destroyed
// before, or the application's own gRPC): gRPC's threads, timers included,
// are gone, so a call's deadline never fires and the child would hang. Only
// a child whose parent had gRPC uninitialized at the fork uses gRPC.
//
// gRPC's public fork API (grpc/fork.h: grpc_prefork() before fork(), then
// grpc_postfork_parent() or grpc_postfork_child()) is deliberately not used.
// Tried with Debian's 1.51.1 and GRPC_ENABLE_FORK_SUPPORT=1: with the
// callback API used here, grpc_prefork() does nothing ("Other threads are
// currently calling into gRPC", the callback queue's threads); with a
// completion queue of the exporter's own it can deadlock inside
// grpc_prefork() itself, for ever, in the parent's fork() (an executor
// thread destroying a finished call waits for the fork to end; fixed in
// gRPC 1.52 by grpc/grpc#31969), in 10 to 35 % of forks; with epoll1 the
// parent also crashed (SIGSEGV in the poller) in 1 of 5 runs, and some
// children's calls never completed. A child that calls gRPC while the
// parent's gRPC is live (not prepared) shares its poller and connections
// and made the parent's own calls fail; so a child here never calls gRPC.
//
// Set in a forked child whose parent had an exporter, or gRPC initialized,
// at the fork.
std::atomic<bool> g_grpc_left_in_parent{false};

// Notes before every fork() whether gRPC is initialized, for the child.
// Registered once, at start-up, so that it sees forks that follow any use of
// gRPC; never destroyed. Reads and writes one flag on the forking thread.
class GrpcInitializedAtFork final : private sdk::ForkParticipant {
 public:
  static void watch() noexcept {
    static GrpcInitializedAtFork* const instance =
        new (std::nothrow) GrpcInitializedAtFork;
    (void)instance;
  }

 private:
  GrpcInitializedAtFork() noexcept { sdk::add_fork_participant(*this); }
  void before_fork() noexcept override {
    initialized_ = grpc_is_initialized() != 0;
  }
  void after_fork_in_parent() noexcept override {}
  void after_fork_in_child() noexcept override {
    if (initialized_) {
      g_grpc_left_in_parent.store(true, std::memory_order_relaxed);
    }
  }

  bool initialized_ = false;
};

[[maybe_unused]] const bool g_grpc_watched =
    (GrpcInitializedAtFork::watch(), true);

class OtlpGrpcExporterImpl final : public OtlpGrpcExporter,
                                   private sdk::ForkParticipant {
 public:
  OtlpGrpcExporterImpl(otlp::OtlpGrpcConfig config,
                       std::shared_ptr<sdk::Logger> logger)
      : config_(std::move(config)),
        logger_(std::move(logger)),
        stats_(std::make_shared<otlp::SharedStats>()),
        health_(config_.target, logger_, stats_),
        random_(std::random_device{}()) {
    if (g_grpc_left_in_parent.load(std::memory_order_relaxed)) {
      forked_ = true;
      sdk::add_fork_participant(*this);
      return;
    }
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
    // A collector that comes back is found again within about a second,
    // not the two minutes gRPC's default reconnect backoff can reach: while
    // it is down, one connection attempt a second at most (and only while
    // requests wait, see watch_connection).
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // weft retries itself, per the OTLP rules.
    arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    channel_ =
        grpc::CreateCustomChannel(config_.target, credentials, arguments);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
    retry_thread_ = std::thread([this] { run_retries(); });
    sdk::add_fork_participant(*this);
  }

  ~OtlpGrpcExporterImpl() override {
    sdk::remove_fork_participant(*this);
    if (forked_) {
      abandon_grpc();
      return;
    }
    shutdown(milliseconds(0));
    std::unique_lock<std::mutex> lock(mutex_);
    // Cancelled attempts answer promptly; their callbacks use this object.
    state_changed_.wait(lock, [this] { return unfinished_.empty(); });
    stop_retry_thread_ = true;
    state_changed_.notify_all();
    lock.unlock();
    retry_thread_.join();
  }

  sdk::ExportResult export_spans(sdk::SpanBatch& spans) noexcept override {
    std::size_t count = 0;
    for (const auto& span : spans) count += span ? 1 : 0;
    if (count == 0) return sdk::ExportResult::kSuccess;
    if (forked_) {
      drop_in_forked_child(count);
      return sdk::ExportResult::kFailure;
    }
    if (shutting_down()) {
      health_.drop(count, otlp::DropReason::kShutdown,
                   "the exporter was shut down");
      return sdk::ExportResult::kFailure;
    }
    try {
      encoder_.plan(spans, config_.max_request_bytes);
    } catch (const std::bad_alloc&) {
      health_.drop(count, otlp::DropReason::kEncoding,
                   "out of memory while encoding");
      return sdk::ExportResult::kFailure;
    }
    // A batch too large for one request goes as several, each started,
    // queued, retried and counted on its own.
    std::size_t lost = drop_too_large();
    std::size_t accepted = 0;
    for (std::size_t part = 0; part < encoder_.parts().size(); ++part) {
      const std::size_t part_spans = encoder_.parts()[part].spans;
      if (send_part(part) == sdk::ExportResult::kSuccess) {
        accepted += part_spans;
      } else {
        lost += part_spans;
      }
    }
    if (accepted == 0) return sdk::ExportResult::kFailure;
    // Part of the batch went through: the processor counts the batch as
    // exported, and learns here about the spans that did not.
    if (lost != 0) note_failed_after_acceptance(lost);
    return sdk::ExportResult::kSuccess;
  }

  bool force_flush(milliseconds timeout) noexcept override {
    if (forked_) return stats().spans_dropped_forked == 0;
    std::unique_lock<std::mutex> lock(mutex_);
    return state_changed_.wait_until(lock, sdk::deadline_after(timeout),
                                     [this] { return unfinished_.empty(); });
  }

  // True when every unfinished request was delivered (or failed on its
  // own) by the deadline; false when spans had to be given up on for it.
  bool shutdown(milliseconds timeout) noexcept override {
    if (forked_) return stats().spans_dropped_forked == 0;
    const std::uint64_t dropped_before = stats().spans_dropped_shutdown;
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point deadline = sdk::deadline_after(timeout);
    if (!shutting_down_) {
      shutting_down_ = true;
      shutdown_deadline_ = deadline;
    }
    state_changed_.notify_all();
    const bool finished = state_changed_.wait_until(
        lock, deadline, [this] { return unfinished_.empty(); });
    if (finished) {
      lock.unlock();
      health_.report_drops_at_shutdown();
      // Retries that could not fit before the deadline were given up early.
      return stats().spans_dropped_shutdown == dropped_before;
    }
    // Drop what is still queued, and give up on the attempts in flight:
    // their callbacks find no time left and count the spans as dropped.
    // Cancelling may run a callback on this thread, so mutex_ is released
    // first.
    std::deque<std::shared_ptr<Request>> never_sent;
    never_sent.swap(queued_);
    queued_bytes_ = 0;
    for (const auto& request : never_sent) {
      request->finished = true;
      unfinished_.remove(request);
      if (request->accepted_early) note_failed_after_acceptance(request->spans);
    }
    std::vector<std::shared_ptr<grpc::ClientContext>> in_flight;
    for (const auto& request : unfinished_) {
      if (request->context) in_flight.push_back(request->context);
    }
    state_changed_.notify_all();
    lock.unlock();
    for (const auto& request : never_sent) {
      health_.drop(
          request->spans, otlp::DropReason::kShutdown,
          "shutdown deadline reached before the request could be sent");
    }
    for (const auto& context : in_flight) context->TryCancel();
    lock.lock();
    state_changed_.wait_for(lock, milliseconds(100),
                            [this] { return unfinished_.empty(); });
    lock.unlock();
    health_.report_drops_at_shutdown();
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
  // Lock order as for every other use: mutex_, then stats_->mutex.
  void before_fork() noexcept override {
    mutex_.lock();
    stats_->mutex.lock();
  }
  void after_fork_in_parent() noexcept override {
    stats_->mutex.unlock();
    mutex_.unlock();
  }
  // The only thread of the child: gRPC's threads and the retry thread are
  // gone, and the requests in flight belong to the parent.
  void after_fork_in_child() noexcept override {
    forked_ = true;
    g_grpc_left_in_parent.store(true, std::memory_order_relaxed);
    new (&state_changed_) std::condition_variable();
    stats_->mutex.unlock();
    mutex_.unlock();
  }

  void drop_in_forked_child(std::size_t count) noexcept {
    {
      std::lock_guard<std::mutex> lock(stats_->mutex);
      ++stats_->stats.requests_failed;
      stats_->stats.spans_dropped_forked += count;
      stats_->stats.last_error = kForkedMessage;
    }
    if (!fork_warning_given_.exchange(true, std::memory_order_relaxed)) {
      sdk::log(logger_, sdk::LogLevel::kWarning,
               std::string("OTLP exporter to ") + config_.target + ": " +
                   kForkedMessage);
    }
  }

  // Encodes part `part` of the planned batch into a request and starts or
  // queues it (waiting for room if need be); with max_concurrent_exports = 1
  // waits for its final result.
  sdk::ExportResult send_part(std::size_t part) noexcept {
    const std::size_t spans = encoder_.parts()[part].spans;
    std::shared_ptr<Request> request;
    try {
      request = std::make_shared<Request>(config_.retry_initial_backoff,
                                          config_.retry_max_backoff);
      // Encoded straight into the slice that gRPC sends.
      grpc::Slice slice(encoder_.parts()[part].bytes);
      encoder_.write_part(part, reinterpret_cast<char*>(
                                    const_cast<std::uint8_t*>(slice.begin())));
      request->payload = grpc::ByteBuffer(&slice, 1);
    } catch (const std::bad_alloc&) {
      health_.drop(spans, otlp::DropReason::kEncoding,
                   "out of memory while encoding");
      return sdk::ExportResult::kFailure;
    }
    request->spans = spans;
    request->bytes = request->payload.Length();
    request->accepted_early = config_.max_concurrent_exports > 1;
    bool start_now = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Start now when a slot is free, else queue it when there is room;
      // else wait, while shutting down only until its deadline.
      while (true) {
        if (active_ < config_.max_concurrent_exports && queued_.empty()) {
          ++active_;
          request->holds_slot = true;
          start_now = true;
          break;
        }
        if (queued_bytes_ + request->bytes <= config_.max_queued_bytes) {
          queued_.push_back(request);
          queued_bytes_ += request->bytes;
          break;
        }
        if (shutting_down_) {
          if (Clock::now() >= shutdown_deadline_) {
            lock.unlock();
            health_.drop(
                spans, otlp::DropReason::kShutdown,
                "shutdown deadline reached before the request could be "
                "sent");
            return sdk::ExportResult::kFailure;
          }
          state_changed_.wait_until(lock, shutdown_deadline_);
        } else {
          state_changed_.wait(lock);
        }
      }
      unfinished_.push_back(request);
    }
    if (start_now) start_attempt(request);
    if (config_.max_concurrent_exports > 1) return sdk::ExportResult::kSuccess;
    std::unique_lock<std::mutex> lock(mutex_);
    state_changed_.wait(lock, [&request] { return request->finished; });
    return request->result;
  }

  // Counts the spans of the planned batch too large for any request as
  // dropped; the first is logged (once per exporter). Returns their number.
  std::size_t drop_too_large() noexcept {
    const std::vector<otlp::TooLargeSpan>& too_large = encoder_.too_large();
    if (too_large.empty()) return 0;
    const bool log =
        !too_large_warning_given_.exchange(true, std::memory_order_relaxed);
    std::string why;
    try {
      const otlp::TooLargeSpan& first = too_large.front();
      why = "span '" + sdk::printable(first.span->name) +
            "' needs a request of " + std::to_string(first.bytes) +
            " bytes, over max_request_bytes (" +
            std::to_string(config_.max_request_bytes) + ")";
      if (log) {
        sdk::log(logger_, sdk::LogLevel::kWarning,
                 "OTLP export to " + config_.target + ": dropped " + why +
                     ". Later spans too large are counted in the exporter's "
                     "stats (spans_dropped_too_large), not logged");
      }
    } catch (const std::bad_alloc&) {
      why.clear();  // out of memory while logging: the stats still tell
    }
    std::lock_guard<std::mutex> lock(stats_->mutex);
    stats_->stats.spans_dropped_too_large += too_large.size();
    if (!why.empty()) stats_->stats.last_error.swap(why);
    return too_large.size();
  }

  // In a forked child's destructor: what needs gRPC's threads is never
  // destroyed (a channel, calls in flight) and the retry thread is not
  // joined.
  void abandon_grpc() noexcept {
    struct Abandoned {
      std::shared_ptr<grpc::Channel> channel;
      std::unique_ptr<grpc::GenericStub> stub;
      std::list<std::shared_ptr<Request>> unfinished;
      std::deque<std::shared_ptr<Request>> queued;
      std::list<std::shared_ptr<Request>> retry_waiting;
    };
    auto* abandoned = new (std::nothrow)
        Abandoned{std::move(channel_), std::move(stub_), std::move(unfinished_),
                  std::move(queued_), std::move(retry_waiting_)};
    (void)abandoned;
    new (&retry_thread_) std::thread();
  }

  static constexpr char kForkedMessage[] =
      "this process was forked from one that had gRPC in use (an OTLP/gRPC "
      "exporter, or gRPC initialized), and gRPC cannot work in such a child: "
      "its spans are dropped and counted (to export from forked processes, "
      "create the exporter in each child, with gRPC not in use in the parent "
      "at fork())";

  bool shutting_down() {
    std::lock_guard<std::mutex> lock(mutex_);
    return shutting_down_;
  }

  // mutex_ held.
  Clock::time_point effective_deadline(Clock::time_point export_deadline) {
    return shutting_down_ ? std::min(export_deadline, shutdown_deadline_)
                          : export_deadline;
  }

  // Starts one attempt of `request`; its answer arrives in on_answer() on a
  // gRPC thread (possibly this one). mutex_ is not held: gRPC may run the
  // callback inline.
  void start_attempt(const std::shared_ptr<Request>& request) noexcept {
    std::shared_ptr<grpc::ClientContext> context;
    try {
      context = std::make_shared<grpc::ClientContext>();
    } catch (const std::bad_alloc&) {
      give_up(request, "out of memory while starting a request");
      return;
    }
    for (const auto& [key, value] : config_.headers) {
      context->AddMetadata(key, value);
    }
    if (config_.compression == OtlpCompression::kGzip) {
      context->set_compression_algorithm(GRPC_COMPRESS_GZIP);
    }
    bool retry = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const Clock::time_point now = Clock::now();
      Clock::time_point deadline = effective_deadline(request->export_deadline);
      if (request->attempts == 0) {
        // The export timeout counts from the first attempt, not from
        // when the request was queued.
        request->export_deadline = sdk::deadline_after(config_.timeout, now);
        deadline = effective_deadline(request->export_deadline);
      }
      if (now < deadline) {
        context->set_deadline(
            sdk::deadline_after<std::chrono::system_clock>(deadline - now));
        retry = request->attempts++ > 0;
        request->attempt_started = now;
        request->attempt_deadline = deadline;
        request->context = context;
        request->response.Clear();
      } else {
        context.reset();
      }
    }
    if (!context) {
      give_up(request, request->last_failure.empty()
                           ? std::string("no time left for an attempt")
                           : request->last_failure);
      return;
    }
    if (retry) {
      std::lock_guard<std::mutex> lock(stats_->mutex);
      ++stats_->stats.retries;
    }
    stub_->UnaryCall(
        context.get(), kExportMethod, grpc::StubOptions(), &request->payload,
        &request->response,
        [this, request](grpc::Status status) { on_answer(request, status); });
  }

  // The answer to an attempt (a gRPC thread, or the thread that started or
  // cancelled it).
  void on_answer(const std::shared_ptr<Request>& request,
                 const grpc::Status& status) noexcept {
    if (status.ok()) {
      health_.note_delivered();
      accept(request->spans, request->response);
      finish(request, sdk::ExportResult::kSuccess);
      return;
    }
    const otlp::RetryDecision decision = otlp::classify(status);
    const otlp::ExportFailure described = otlp::describe_failure(
        status, channel_->GetState(false) == GRPC_CHANNEL_READY);
    std::string answer = described.description;
    if (!decision.retryable) {
      health_.drop(request->spans, otlp::DropReason::kNotRetryable,
                   answer + " (not retryable)", /*failed_attempt=*/true);
      finish(request, sdk::ExportResult::kFailure);
      return;
    }
    // Cancelled by shutdown: shutdown's drop tells, not this attempt.
    if (!(status.error_code() == grpc::StatusCode::CANCELLED &&
          shutting_down())) {
      health_.note_failure(/*failed_attempt=*/true, 0, [&] {
        return answer + "; retried within the export timeout (" +
               std::to_string(config_.timeout.count()) + " ms)";
      });
    }
    std::string failure;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const Clock::time_point now = Clock::now();
      // DEADLINE_EXCEEDED at the deadline weft set is not the collector's
      // answer: report the last answer it did give.
      const bool ran_out =
          status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
          now >= request->attempt_deadline;
      if (ran_out && !request->last_answer.empty()) {
        failure = request->last_answer + "; the last attempt ran out of time";
      } else {
        failure = answer;
        if (!ran_out) request->last_answer = std::move(answer);
      }
      failure +=
          " (retried " + std::to_string(request->attempts - 1) + " times)";
      request->last_attempt_took = now - request->attempt_started;
      const milliseconds delay = decision.server_delay
                                     ? *decision.server_delay
                                     : request->backoff.next(random_);
      const Clock::time_point wake = now + delay;
      // A retry with less time left than this attempt took would most
      // likely run out of time before the collector answers.
      if (wake + request->last_attempt_took <
          effective_deadline(request->export_deadline)) {
        request->retry_at = wake;
        request->server_delay = decision.server_delay.has_value();
        request->last_failure = std::move(failure);
        retry_waiting_.push_back(request);
        state_changed_.notify_all();
        return;
      }
    }
    give_up(request, failure);
  }

  // The exporter's own thread: starts each retry when it is due, and gives
  // up on those whose time runs out first (export timeout or shutdown).
  void run_retries() noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    std::vector<std::shared_ptr<Request>> due;
    std::vector<std::shared_ptr<Request>> expired;
    while (true) {
      if (stop_retry_thread_ && retry_waiting_.empty()) return;
      const Clock::time_point now = Clock::now();
      Clock::time_point earliest = Clock::time_point::max();
      for (auto it = retry_waiting_.begin(); it != retry_waiting_.end();) {
        const std::shared_ptr<Request>& request = *it;
        if (request->retry_at + request->last_attempt_took >=
            effective_deadline(request->export_deadline)) {
          expired.push_back(request);
        } else if (request->retry_at <= now) {
          due.push_back(request);
        } else {
          earliest = std::min(earliest, request->retry_at);
          ++it;
          continue;
        }
        it = retry_waiting_.erase(it);
      }
      if (due.empty() && expired.empty()) {
        if (earliest == Clock::time_point::max()) {
          state_changed_.wait(lock);
        } else if (!watch_connection(lock, earliest)) {
          state_changed_.wait_until(lock, earliest);
        }
        continue;
      }
      lock.unlock();
      for (const auto& request : expired)
        give_up(request, request->last_failure);
      for (const auto& request : due) start_attempt(request);
      expired.clear();
      due.clear();
      lock.lock();
    }
  }

  // Retries wait (the earliest is due at `earliest`): when the channel is
  // not connected, waits up to one slice for it to connect, and makes every
  // waiting retry due at once if it did (except those that wait for the
  // server's RetryInfo delay). Delivery thus resumes within about a second
  // of the collector's return (gRPC's reconnect backoff is at most 1 s)
  // rather than at the next backoff step. False, without waiting, when the
  // channel is connected. mutex_ is released while gRPC is asked.
  bool watch_connection(std::unique_lock<std::mutex>& lock,
                        Clock::time_point earliest) {
    lock.unlock();
    grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
    const bool watched = state != GRPC_CHANNEL_READY;
    if (watched) {
      const Clock::time_point now = Clock::now();
      const Clock::duration wait =
          std::min<Clock::duration>(earliest - now, kConnectionWatchSlice);
      if (wait > Clock::duration::zero()) {
        channel_->WaitForStateChange(state,
                                     std::chrono::system_clock::now() + wait);
        state = channel_->GetState(false);
      }
    }
    lock.lock();
    if (watched && state == GRPC_CHANNEL_READY) {
      const Clock::time_point now = Clock::now();
      for (const auto& request : retry_waiting_) {
        if (!request->server_delay) {
          request->retry_at = std::min(request->retry_at, now);
        }
      }
    }
    return watched;
  }

  // The request is over: delivered, or dropped and counted. Its slot goes
  // to the first queued request, started here.
  void finish(const std::shared_ptr<Request>& request,
              sdk::ExportResult result) {
    std::shared_ptr<Request> next;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      request->finished = true;
      request->result = result;
      request->context.reset();
      unfinished_.remove(request);
      if (result != sdk::ExportResult::kSuccess && request->accepted_early) {
        note_failed_after_acceptance(request->spans);
      }
      if (request->holds_slot) {
        request->holds_slot = false;
        --active_;
        if (!queued_.empty() && active_ < config_.max_concurrent_exports) {
          next = std::move(queued_.front());
          queued_.pop_front();
          queued_bytes_ -= next->bytes;
          next->holds_slot = true;
          ++active_;
        }
      }
      // Notified with mutex_ held: the destructor may run as soon as it is
      // released.
      state_changed_.notify_all();
    }
    if (next) start_queued(this, std::move(next));
  }

  // Starts a request that waited in the queue. Starting may finish it on
  // this thread (no time left, or gRPC answering inline), which hands its
  // slot to the next one: a loop here, not a recursion as deep as the
  // queue. The exporter is part of each entry because gRPC may run another
  // exporter's callbacks on this thread too.
  static void start_queued(OtlpGrpcExporterImpl* exporter,
                           std::shared_ptr<Request> request) noexcept {
    using Entry = std::pair<OtlpGrpcExporterImpl*, std::shared_ptr<Request>>;
    thread_local std::vector<Entry>* starting = nullptr;
    try {
      if (starting != nullptr) {
        starting->emplace_back(exporter, std::move(request));
        return;
      }
      std::vector<Entry> entries;
      entries.emplace_back(exporter, std::move(request));
      starting = &entries;
      while (!entries.empty()) {
        Entry entry = std::move(entries.back());
        entries.pop_back();
        entry.first->start_attempt(entry.second);
      }
      starting = nullptr;
    } catch (const std::bad_alloc&) {
      // Only emplace_back can throw, before `starting` changed.
      exporter->give_up(request, "out of memory while starting a request");
    }
  }

  void give_up(const std::shared_ptr<Request>& request,
               const std::string& why) {
    bool shutdown_first = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutdown_first =
          shutting_down_ && shutdown_deadline_ < request->export_deadline;
    }
    if (shutdown_first) {
      health_.drop(request->spans, otlp::DropReason::kShutdown,
                   "shutdown deadline reached: " + why);
    } else {
      health_.drop(request->spans, otlp::DropReason::kTimeout,
                   "export timeout of " +
                       std::to_string(config_.timeout.count()) +
                       " ms reached: " + why);
    }
    finish(request, sdk::ExportResult::kFailure);
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

  void note_failed_after_acceptance(std::size_t spans) noexcept {
    failed_after_acceptance_.fetch_add(spans, std::memory_order_relaxed);
  }

 public:
  std::uint64_t spans_failed_after_acceptance() const noexcept override {
    return failed_after_acceptance_.load(std::memory_order_relaxed);
  }

 private:
  const otlp::OtlpGrpcConfig config_;
  const std::shared_ptr<sdk::Logger> logger_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  const std::shared_ptr<otlp::SharedStats> stats_;
  otlp::ExportHealth health_;

  // Used by the exporting thread only.
  otlp::RequestEncoder encoder_;

  // Lock order: mutex_ before stats_->mutex; health_ takes its own
  // mutex and stats_->mutex one at a time, never with stats_->mutex held.
  // None is held while calling the logger or gRPC (which may run a
  // completion callback inline).
  // Spans of requests accepted before delivery that then failed.
  std::atomic<std::uint64_t> failed_after_acceptance_{0};
  std::mutex mutex_;
  std::condition_variable state_changed_;  // any change below
  bool shutting_down_ = false;
  Clock::time_point shutdown_deadline_;
  std::list<std::shared_ptr<Request>> unfinished_;  // started or queued
  std::size_t active_ = 0;                          // requests holding a slot
  std::deque<std::shared_ptr<Request>> queued_;     // waiting for a slot
  std::size_t queued_bytes_ = 0;
  std::list<std::shared_ptr<Request>> retry_waiting_;
  std::mt19937_64 random_;
  bool stop_retry_thread_ = false;
  // Set in a forked child before it has other threads; then only read.
  bool forked_ = false;
  std::atomic<bool> fork_warning_given_{false};
  std::atomic<bool> too_large_warning_given_{false};
  std::thread retry_thread_;  // last: starts after every member above
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

}  // namespace weft::exporters
