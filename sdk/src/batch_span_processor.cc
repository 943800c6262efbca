#include "weft/sdk/batch_span_processor.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bounded_queue.h"
#include "deadline.h"
#include "fork_handlers.h"
#include "rate_limited_log.h"
#include "sharded_counter.h"

namespace weft::sdk {
namespace {

// Lock order: there is one lock, mutex_. It guards the worker's wake-up and
// flush bookkeeping only; the queue is lock-free, and the exporter is always
// called with mutex_ released. Around fork() the SDK's fork handlers take
// mutex_ (after their list of participants; see fork_handlers.h).
//
// After fork(), the child's processor starts a worker of its own (in the
// fork handler, before fork() returns). The spans the parent had queued
// and not yet exported stay the parent's, which exports them: the child
// forgets them (never frees, never exports them) and counts them as
// dropped, since its counters go on from the parent's. A processor that
// was shut down (or shutting down) in the parent stays shut down.
class BatchSpanProcessor final : public SpanProcessor, private ForkParticipant {
 public:
  BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter,
                     const BatchOptions& options)
      : exporter_(std::move(exporter)),
        options_(options),
        // Spare cells: a batch being exported, and exported spans not yet
        // reclaimed (see on_end).
        queue_(options.max_queue_size,
               options.max_export_batch_size +
                   2 * BoundedQueue<SpanData>::kReclaimAtOnce,
               options.max_export_batch_size),
        batch_(reserved<SpanBatch>(options.max_export_batch_size)),
        sent_(reserved<std::vector<SpanData*>>(options.max_export_batch_size)),
        left_(reserved<std::vector<SpanData*>>(options.max_export_batch_size)),
        worker_([this] { run(); }) {
    add_fork_participant(*this);
  }

  ~BatchSpanProcessor() override {
    remove_fork_participant(*this);
    shutdown(options_.export_timeout);
    if (worker_.joinable()) worker_.join();
    // A span whose on_end raced with shutdown's last drain: counted.
    free_left_over();
    if (abandoned_at_fork_) (void)exporter_.release();  // see after_fork
  }

  void on_end(std::unique_ptr<SpanData> span) noexcept override {
    if (!span->flags.sampled()) return;  // record-only: not for export
    std::uint64_t tail = 0;
    std::uint64_t head = 0;
    if (stopping_.load(std::memory_order_relaxed)) {
      note_dropped(1);
      return;  // `span` is freed here
    }
    // Exported spans are destroyed here, by the threads that start spans,
    // where their memory is reused (the worker never touches it again).
    if (queue_.unreclaimed() >= BoundedQueue<SpanData>::kReclaimAtOnce) {
      reclaim_exported();
    }
    if (!queue_.push(span.get(), tail, head)) {
      if (reclaim_exported() == 0 || !queue_.push(span.get(), tail, head)) {
        note_dropped(1);
        return;  // `span` is freed here
      }
    }
    span.release();  // the queue owns it now
    // Is a batch ready? One wake-up per full batch: the flag stays set
    // until the worker clears it (see run()). It is read before it is
    // written: while the worker exports, every push sees a full batch.
    if (tail - head < options_.max_export_batch_size ||
        wake_requested_.load(std::memory_order_relaxed)) {
      return;
    }
    // Which threads produce (see await_batch): recorded once per batch.
    const std::size_t slot = this_thread_slot();
    producers_.fetch_or(
        slot < kThreadSlots ? std::uint64_t{1} << slot : kUnslotted,
        std::memory_order_relaxed);
    // A worker that is not asleep (watching, exporting, or about to check
    // the queue before it sleeps; see run()) needs no notification: the
    // lock and the condition variable would cost this thread cache misses
    // on lines the worker last wrote. Dekker with the worker: tail_ was
    // written (seq_cst) above, asleep_ is read here; the worker writes
    // asleep_ and then reads tail_.
    if (!wake_requested_.exchange(true, std::memory_order_acq_rel) &&
        asleep_.load(std::memory_order_seq_cst)) {
      wake_worker();
    }
  }

  bool force_flush(std::chrono::milliseconds timeout) noexcept override {
    const auto deadline = deadline_after(timeout);
    std::unique_lock<std::mutex> lock(mutex_);
    if (worker_exited_) return queue_.size() == 0;
    const std::uint64_t ticket = ++flush_requested_;
    requests_.fetch_add(1, std::memory_order_release);
    wake_requested_.store(true, std::memory_order_release);
    wake_.notify_one();
    const bool flushed = flushed_.wait_until(lock, deadline, [&] {
      return flush_completed_ >= ticket || worker_exited_;
    });
    if (!flushed) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return call_exporter(lock, [&] {
      return exporter_->force_flush(
          std::max(left, std::chrono::milliseconds(0)));
    });
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    const auto deadline = deadline_after(timeout);
    std::unique_lock<std::mutex> lock(mutex_);
    if (shutdown_started_) {
      // Another call is shutting down: wait for it (within this call's
      // timeout) and report its result.
      const bool finished = flushed_.wait_until(
          lock, deadline, [&] { return shutdown_finished_; });
      return finished && shutdown_result_;
    }
    shutdown_started_ = true;
    stop_requested_ = true;
    requests_.fetch_add(1, std::memory_order_release);
    wake_requested_.store(true, std::memory_order_release);
    wake_.notify_one();
    const bool drained =
        flushed_.wait_until(lock, deadline, [&] { return worker_exited_; });
    lock.unlock();
    // New spans are refused from here on; whatever the worker could not send
    // in time is dropped and counted.
    stopping_.store(true, std::memory_order_relaxed);
    if (drained) {
      // The worker (the only consumer) has exited: spans that raced with its
      // last drain are counted, not silently freed, and exported spans are
      // freed here (producers no longer reclaim them: stopping_).
      free_left_over();
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    lock.lock();
    // Shutting the exporter down also cancels an export still in flight.
    const bool exporter_done = !abandoned_at_fork_ && call_exporter(lock, [&] {
      return exporter_->shutdown(std::max(left, std::chrono::milliseconds(0)));
    });
    lock.unlock();
    report_drops();
    const bool result = drained && exporter_done;
    lock.lock();
    shutdown_finished_ = true;
    shutdown_result_ = result;
    lock.unlock();
    flushed_.notify_all();
    return result;
  }

  ProcessorStats stats() const noexcept override {
    // After the worker's last drain, whatever is still queued will never be
    // exported: it counts as dropped already.
    const std::uint64_t stranded =
        worker_done_.load(std::memory_order_acquire) ? queue_.size() : 0;
    const std::uint64_t forgotten =
        forgotten_at_fork_.load(std::memory_order_relaxed);
    const std::uint64_t exported = exported_.load(std::memory_order_relaxed);
    const std::uint64_t late =
        abandoned_at_fork_
            ? 0
            : std::min(exported, exporter_->spans_failed_after_acceptance());
    return {dropped_.load(std::memory_order_relaxed) + stranded + forgotten,
            exported - late, failed_.load(std::memory_order_relaxed) + late};
  }

 private:
  void wake_worker() noexcept {
    // Taking the lock orders this wake-up after the worker's predicate check,
    // so it cannot be lost.
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_one();
  }

  // While batches arrive faster than this, the worker watches for the next
  // one instead of waiting to be woken: waking a sleeping thread costs the
  // producer that finds a full batch several microseconds (a futex call,
  // and on a virtual machine an interrupt to an idle CPU), about 20 ns a
  // span at a few million spans a second. Slower producers never see it.
  static constexpr std::chrono::microseconds kWatchFor{200};
  // How the worker watches when the CPUs are all taken.
  static constexpr std::chrono::microseconds kNap{50};
  // How long the worker remembers which threads produced.
  static constexpr std::chrono::milliseconds kRemembered{100};

  // Watches until a batch is ready or force_flush or shutdown asks for the
  // worker, or until `deadline`; false when it timed out. It reads
  // wake_requested_, which producers set once per full batch, and looks at
  // the queue only then: producers pay nothing for the watching. With a
  // CPU to spare (`spin`) it spins; otherwise it naps between looks, since
  // a spinning worker would take the producers' CPU and then, preempted,
  // lose its turn while the queue fills, where one that sleeps and wakes
  // gets the CPU first.
  bool await_batch(std::chrono::steady_clock::time_point deadline,
                   bool spin) noexcept {
    const std::uint64_t requests = requests_.load(std::memory_order_acquire);
    while (true) {
      if (wake_requested_.load(std::memory_order_acquire)) {
        if (queue_.size() >= options_.max_export_batch_size ||
            requests_.load(std::memory_order_acquire) != requests) {
          return true;
        }
        // Set early (a producer saw the head before the last export
        // published it): the next producer to see a full batch sets it
        // again.
        wake_requested_.store(false, std::memory_order_relaxed);
      }
      if (std::chrono::steady_clock::now() >= deadline) return false;
      if (spin) {
        for (int i = 0; i < 16; ++i) pause();
      } else {
        std::this_thread::sleep_for(kNap);
      }
    }
  }

  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  // True when the worker and the threads that filled batches lately (in
  // the last kRemembered) fit on the CPUs. `last_seen` is when each counter
  // slot's thread last filled one. A time, not a count of rounds: with the
  // CPUs taken, producers run in turns of a few milliseconds each.
  using LastSeen = std::chrono::steady_clock::time_point[kThreadSlots + 1];
  bool cpu_to_spare(LastSeen& last_seen,
                    std::chrono::steady_clock::time_point now) noexcept {
    const std::uint64_t seen =
        producers_.exchange(0, std::memory_order_relaxed);
    unsigned producers = 0;
    for (std::size_t slot = 0; slot <= kThreadSlots; ++slot) {
      const bool filled =
          slot < kThreadSlots ? (seen >> slot & 1) != 0 : seen == kUnslotted;
      if (filled) last_seen[slot] = now;
      if (now - last_seen[slot] < kRemembered) ++producers;
    }
    return producers + 1 <= cpus_;
  }

  // An empty vector with room for `size` elements (the worker's scratch
  // vectors never grow while it exports).
  template <class Vector>
  static Vector reserved(std::size_t size) {
    Vector vector;
    vector.reserve(size);
    return vector;
  }

  // The worker allocates nothing of its own: its scratch vectors are
  // reserved before it starts (by the constructor, or by the fork handler
  // in a child), so that a fork() never finds it inside malloc.
  void run() noexcept {
    SpanBatch& batch = batch_;
    std::unique_lock<std::mutex> lock(mutex_);
    worker_started_ = true;  // see before_fork
    flushed_.notify_all();
    bool busy = false;  // did the last batch come soon after an export?
    bool spin = false;
    LastSeen last_seen = {};
    while (true) {
      const auto idle_since = std::chrono::steady_clock::now();
      if (busy) {
        lock.unlock();
        busy = await_batch(idle_since + kWatchFor, spin);
        lock.lock();
      }
      wake_.wait_until(lock, deadline_after(options_.schedule_delay), [&] {
        // Set before the queue is looked at (see on_end): a producer that
        // then finds asleep_ clear has pushed a batch that the check below
        // sees.
        asleep_.store(true, std::memory_order_seq_cst);
        // Cleared before the queue is looked at, under the lock: a producer
        // that set the flag while the worker was exporting (its notify went
        // unheard) is seen here through the queue size, and the next
        // producer to find a full batch wakes the worker again. Clearing it
        // anywhere else left the worker asleep for a whole schedule delay
        // while the queue filled and dropped spans.
        wake_requested_.exchange(false, std::memory_order_acq_rel);
        return stop_requested_ || flush_requested_ > flush_completed_ ||
               queue_.size(std::memory_order_seq_cst) >=
                   options_.max_export_batch_size;
      });
      asleep_.store(false, std::memory_order_relaxed);
      const bool stop = stop_requested_;
      const std::uint64_t flush_ticket = flush_requested_;
      call_exporter(lock, [&] {
        const auto woken = std::chrono::steady_clock::now();
        if (!busy) busy = woken - idle_since < kWatchFor;
        spin = cpu_to_spare(last_seen, woken);
        export_queued(batch);
        return true;
      });
      flush_completed_ = flush_ticket;
      if (stop) break;
      flushed_.notify_all();
    }
    // Spans that arrive after the final drain are refused and counted.
    stopping_.store(true, std::memory_order_relaxed);
    call_exporter(lock, [&] {
      export_queued(batch);
      return true;
    });
    worker_exited_ = true;
    worker_done_.store(true, std::memory_order_release);
    flushed_.notify_all();
  }

  // Runs `call` (which calls the exporter) with mutex_ released, counted in
  // exporter_calls_ (see before_fork); `lock` holds mutex_ before and after.
  template <class Call>
  bool call_exporter(std::unique_lock<std::mutex>& lock, Call call) noexcept {
    ++exporter_calls_;
    lock.unlock();
    const bool result = call();
    lock.lock();
    if (--exporter_calls_ == 0) flushed_.notify_all();
    return result;
  }

  // Exports everything in the queue now, in batches; mutex_ is not held.
  void export_queued(SpanBatch& batch) noexcept {
    while (true) {
      batch.clear();
      while (batch.size() < options_.max_export_batch_size) {
        SpanData* span = queue_.pop();
        if (span == nullptr) break;
        batch.emplace_back(span);  // capacity was reserved
      }
      queue_.publish_popped();
      if (batch.empty()) return;
      const std::size_t count = batch.size();
      sent_.clear();
      for (const auto& span : batch) sent_.push_back(span.get());
      const ExportResult result = exporter_->export_spans(batch);
      hand_back(batch);
      // Counted before they are released: a child forked in between counts
      // them neither twice nor not at all (see forget_all()).
      (result == ExportResult::kSuccess ? exported_ : failed_)
          .fetch_add(count, std::memory_order_relaxed);
      queue_.release_popped();
      if (result != ExportResult::kSuccess) {
        export_failed_log_.log(
            options_.logger, LogLevel::kError, steady_now(), [count] {
              return "batch span processor: the exporter failed; " +
                     std::to_string(count) + " spans were not delivered";
            });
      }
    }
  }

  // After an export of the spans `sent_` (popped last, in order): what the
  // exporter left in `batch` stays in the queue's cells until a thread that
  // starts spans reclaims it (see on_end); cells of spans it took are
  // marked. The exporter may also have reordered, removed or (oddly) added
  // spans: spans it added are destroyed here.
  void hand_back(SpanBatch& batch) noexcept {
    const std::uint64_t first = queue_.next() - sent_.size();
    bool untouched = batch.size() == sent_.size();
    for (std::size_t i = 0; untouched && i < batch.size(); ++i) {
      untouched = batch[i].get() == sent_[i];
    }
    if (!untouched) {
      // left_ holds what remains, sorted; sent_ is sorted after its use.
      left_.clear();
      for (auto& span : batch) {
        if (span != nullptr) left_.push_back(span.get());
      }
      std::sort(left_.begin(), left_.end());
      for (std::size_t i = 0; i < sent_.size(); ++i) {
        if (!std::binary_search(left_.begin(), left_.end(), sent_[i])) {
          queue_.mark_taken(first + i);
        }
      }
      std::sort(sent_.begin(), sent_.end());
      for (auto& span : batch) {
        if (span != nullptr &&
            !std::binary_search(sent_.begin(), sent_.end(), span.get())) {
          span.reset();  // not from the queue: nobody would reclaim it
        }
      }
    }
    for (auto& span : batch) span.release();
  }

  // Once the worker has exited: frees and counts as dropped what is still
  // queued (its cells are marked, so that reclaiming skips them).
  void drop_queued() noexcept {
    while (SpanData* span = queue_.pop()) {
      queue_.mark_taken(queue_.next() - 1);
      delete span;
      note_dropped(1);
    }
    queue_.release_popped();
  }

  // Once the worker has exited: what is still queued is dropped (and
  // counted), and the exported spans waiting for a producer are destroyed.
  void free_left_over() noexcept {
    drop_queued();
    while (reclaim_exported() != 0) {
    }
  }

  // Destroys a chunk of exported spans; how many queue cells it freed.
  std::size_t reclaim_exported() noexcept {
    return queue_.reclaim([](SpanData* span) { delete span; });
  }

  // Called on the application's thread for each span dropped, at the
  // application's rate when the queue is full: one atomic addition, and on
  // the first drop and every 1024th a look at the clock for the warning
  // (written at most once per interval, never formatted otherwise). W1 with
  // a clock read per drop cost 15-20 ns more per span.
  void note_dropped(std::uint64_t count) noexcept {
    if (abandoned_at_fork_ &&
        !fork_warning_given_.exchange(true, std::memory_order_relaxed)) {
      log(options_.logger, LogLevel::kWarning,
          "batch span processor: this process was forked while its "
          "exporter was busy in the parent, so the child cannot use it; "
          "the child's spans are dropped and counted");
    }
    const std::uint64_t before =
        dropped_.fetch_add(count, std::memory_order_relaxed);
    if (abandoned_at_fork_) return;  // said above, once
    if (before != 0 && (before >> 10) == ((before + count) >> 10)) return;
    if (!log_enabled(options_.logger, LogLevel::kWarning)) return;
    std::uint64_t checks_suppressed = 0;
    if (!drop_log_.allow(steady_now().count(), checks_suppressed)) return;
    const std::uint64_t total = before + count;
    const std::uint64_t told =
        dropped_told_.exchange(total, std::memory_order_relaxed);
    try {
      std::string message = "batch span processor: the queue is full (" +
                            std::to_string(queue_.capacity()) +
                            " spans) or shut down; spans are being dropped "
                            "and counted";
      if (told != 0) {
        message += " (" + std::to_string(total - told) +
                   " more since the last warning, " + std::to_string(total) +
                   " in all)";
      }
      log(options_.logger, LogLevel::kWarning, message);
    } catch (...) {
      // Out of memory while logging: the counters still tell.
    }
  }

  static std::chrono::nanoseconds steady_now() noexcept {
    return std::chrono::steady_clock::now().time_since_epoch();
  }

  // How long fork() waits for a call into the exporter to return.
  static constexpr std::chrono::seconds kForkWaitsForExporter{1};

  // Takes mutex_ once no thread is inside the exporter and the worker has
  // started (or after kForkWaitsForExporter): an exporter left half-way
  // through a call would stay half-way in the child, its locks held for
  // good, and so would a thread still starting (a sanitizer's thread
  // registry, for one, is locked while a thread starts).
  void before_fork() noexcept override {
    std::unique_lock<std::mutex> lock(mutex_);
    flushed_.wait_for(lock, kForkWaitsForExporter, [&] {
      return exporter_calls_ == 0 && (worker_started_ || worker_exited_);
    });
    lock.release();
  }

  void after_fork_in_parent() noexcept override { mutex_.unlock(); }

  // The only thread of the child, mutex_ held (before_fork). The parent's
  // worker, and any thread that was flushing or shutting down, are gone:
  // the worker's handle is forgotten, not joined (that would wait for
  // ever), the condition variables (whose waiters are gone) and the
  // worker's scratch vectors (it may have been changing them) are made
  // anew, and the queue is emptied without touching the parent's spans.
  void after_fork_in_child() noexcept override {
    new (&worker_) std::thread();
    new (&wake_) std::condition_variable();
    new (&flushed_) std::condition_variable();
    new (&batch_) SpanBatch();
    new (&sent_) std::vector<SpanData*>();
    new (&left_) std::vector<SpanData*>();
    forgotten_at_fork_.fetch_add(queue_.forget_all(),
                                 std::memory_order_relaxed);
    flush_completed_ = flush_requested_;
    wake_requested_.store(false, std::memory_order_relaxed);
    asleep_.store(true, std::memory_order_relaxed);
    producers_.store(0, std::memory_order_relaxed);
    // An exporter that was busy at the fork is never called (nor destroyed)
    // in the child: the processor shuts down, its spans dropped and counted.
    abandoned_at_fork_ = exporter_calls_ != 0;
    exporter_calls_ = 0;
    bool running =
        !shutdown_started_ && !stop_requested_ && !abandoned_at_fork_;
    if (running) {
      try {
        batch_.reserve(options_.max_export_batch_size);
        sent_.reserve(options_.max_export_batch_size);
        left_.reserve(options_.max_export_batch_size);
        worker_started_ = false;
        worker_ = std::thread([this] { run(); });
      } catch (...) {
        running = false;  // no memory or thread: shut down, spans dropped
      }
    }
    if (!running) {
      stop_requested_ = true;
      worker_exited_ = true;
      worker_done_.store(true, std::memory_order_relaxed);
      stopping_.store(true, std::memory_order_relaxed);
      if (shutdown_started_ && !shutdown_finished_) {
        // The thread shutting down is gone: its result is the child's.
        shutdown_finished_ = true;
        shutdown_result_ = false;
      }
    }
    mutex_.unlock();
  }

  void report_drops() noexcept {
    export_failed_log_.flush(options_.logger, LogLevel::kError, [] {
      return std::string("batch span processor: the exporter failed again");
    });
    const std::uint64_t dropped = dropped_.load(std::memory_order_relaxed);
    if (dropped == 0) return;
    log(options_.logger, LogLevel::kWarning,
        "batch span processor: " + std::to_string(dropped) +
            " spans were dropped because the queue was full or shut down");
  }

  // What every on_end reads, written rarely.
  std::unique_ptr<SpanExporter> exporter_;
  const BatchOptions options_;
  std::atomic<bool> stopping_{false};
  BoundedQueue<SpanData> queue_;

  std::mutex mutex_;
  std::condition_variable wake_;     // wakes the worker
  std::condition_variable flushed_;  // wakes force_flush and shutdown
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_completed_ = 0;
  bool stop_requested_ = false;
  bool worker_started_ = false;  // run() has begun (before_fork waits)
  bool worker_exited_ = false;
  bool shutdown_started_ = false;
  bool shutdown_finished_ = false;
  bool shutdown_result_ = false;
  // Threads calling the exporter (the worker, force_flush, shutdown).
  int exporter_calls_ = 0;
  // In a forked child whose parent was calling the exporter at the fork:
  // written before the child has other threads, then only read.
  bool abandoned_at_fork_ = false;
  std::atomic<bool> fork_warning_given_{false};

  // Written about once per batch, on a cache line of its own.
  alignas(64) std::atomic<bool> wake_requested_{false};
  // The worker is in (or entering) its wait on wake_: a producer that
  // finds a full batch must notify it.
  std::atomic<bool> asleep_{true};
  // force_flush and shutdown calls so far (ends the worker's watching).
  std::atomic<std::uint64_t> requests_{0};
  // Bit i: a thread of counter slot i filled a batch since the worker last
  // looked; kUnslotted: a thread without a slot of its own did.
  static_assert(kThreadSlots == 64, "one bit per counter slot");
  static constexpr std::uint64_t kUnslotted = ~std::uint64_t{0};
  std::atomic<std::uint64_t> producers_{0};
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
  RateLimitedLog drop_log_;  // the queue-full warning (see note_dropped)
  std::atomic<std::uint64_t> dropped_told_{0};  // dropped_ at the last one
  RateLimitedLog export_failed_log_;
  std::atomic<bool> worker_done_{false};  // worker_exited_, readable lock-free
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> failed_{0};
  // In a forked child: the parent's spans it found queued (see the class
  // comment).
  std::atomic<std::uint64_t> forgotten_at_fork_{0};

  // The worker's: the spans of the export in progress, and what the
  // exporter left of them (see hand_back).
  SpanBatch batch_;
  std::vector<SpanData*> sent_;
  std::vector<SpanData*> left_;
  const unsigned cpus_ = std::max(1u, std::thread::hardware_concurrency());
  std::thread worker_;  // last: starts after every member above exists
};

}  // namespace

Expected<std::unique_ptr<SpanProcessor>> make_batch_processor(
    std::unique_ptr<SpanExporter> exporter, BatchOptions options) {
  if (!exporter) {
    return Error{Error::kMissingComponent,
                 "make_batch_processor: the exporter is null"};
  }
  const Environment& environment =
      options.environment ? *options.environment : Environment::process();
  const EnvironmentReader env(environment, options.logger);
  // A size of 0 from the environment is out of range: it is reported and
  // the code value kept, like any other bad value (zero in code is an error).
  const auto size = [&](std::string_view name, std::uint32_t& field) {
    if (auto value = env.count(name)) {
      if (*value == 0) {
        env.report_invalid(name, "0", "a whole number from 1 to 4294967295");
      } else {
        field = *value;
      }
    }
  };
  size("OTEL_BSP_MAX_QUEUE_SIZE", options.max_queue_size);
  if (auto value = env.milliseconds("OTEL_BSP_SCHEDULE_DELAY")) {
    options.schedule_delay = *value;
  }
  if (auto value = env.milliseconds("OTEL_BSP_EXPORT_TIMEOUT")) {
    options.export_timeout = *value;
  }
  size("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", options.max_export_batch_size);
  if (options.max_queue_size == 0 || options.max_export_batch_size == 0) {
    return Error{Error::kInvalidOption,
                 "batch processor: max_queue_size (" +
                     std::to_string(options.max_queue_size) +
                     ") and max_export_batch_size (" +
                     std::to_string(options.max_export_batch_size) +
                     ") must be at least 1"};
  }
  if (options.max_queue_size > kMaxBatchQueueSize) {
    log(options.logger, LogLevel::kWarning,
        "batch processor: a queue of " +
            std::to_string(options.max_queue_size) +
            " spans is above the maximum (OTEL_BSP_MAX_QUEUE_SIZE or "
            "BatchOptions::max_queue_size); using " +
            std::to_string(kMaxBatchQueueSize));
    options.max_queue_size = kMaxBatchQueueSize;
  }
  if (options.schedule_delay.count() <= 0) {
    options.schedule_delay = std::chrono::milliseconds(1);
  }
  // OpenTelemetry: a batch never exceeds the queue.
  options.max_export_batch_size =
      std::min(options.max_export_batch_size, options.max_queue_size);
  try {
    return std::unique_ptr<SpanProcessor>(
        std::make_unique<BatchSpanProcessor>(std::move(exporter), options));
  } catch (const std::exception& error) {
    return Error{Error::kInvalidOption,
                 std::string("batch processor: cannot start: ") + error.what()};
  }
}

}  // namespace weft::sdk
