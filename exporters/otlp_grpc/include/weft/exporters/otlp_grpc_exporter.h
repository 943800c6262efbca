// OtlpGrpcExporter: sends finished spans to any OpenTelemetry-compatible
// backend (OpenTelemetry Collector, Jaeger, Tempo, vendors) as OTLP/gRPC
// ExportTraceServiceRequests.
//
// Create it with make_otlp_grpc_exporter() and hand it to a batch processor:
// only the processor's worker thread calls export_spans(), so the application
// never waits for the network. Every setting comes from the code
// (OtlpGrpcExporterOptions) or from the standard OTEL_EXPORTER_OTLP_* and
// OTEL_EXPORTER_OTLP_TRACES_* variables (traces-specific over general,
// environment over code over defaults; see the README). Failed exports are
// retried per the OTLP specification within the export timeout; spans that
// still cannot be delivered are dropped and counted with their reason.
// Diagnostics: the first failure is logged once (error) with its reason
// (the collector cannot be reached, TLS failed, the collector rejected the
// export with a status code and message, or it did not answer in time);
// later failures are only counted until a request is delivered again, which
// is logged once (warning) with the failed attempts and dropped spans. While
// requests wait for a retry and the channel is not connected, the exporter
// watches it and retries as soon as it connects (gRPC reconnects at least
// once a second), so delivery resumes within about a second of the
// collector's return.
//
// Requests in flight (max_concurrent_exports, default 2) and queued
// (max_queued_bytes, default 8 MiB): export_spans() encodes the batch and
// returns kSuccess as soon as its request is started (when fewer than
// max_concurrent_exports requests are in flight or waiting for a retry) or
// queued (when the encoded requests waiting for a slot leave room for it),
// without waiting for the collector's answer; otherwise it first waits.
// A finished request's slot goes straight to the first queued one, started
// from gRPC's thread. Encoding thus overlaps the collector decoding, and the
// batch processor's queue drains into the exporter's, where a span takes
// about a third of the memory. kSuccess then means "accepted for delivery":
// a request that fails later (not retryable, export timeout, shutdown) has
// its spans counted as dropped in stats() with the reason and logged,
// exactly as a failure inside export_spans() is; the batch processor's own
// "exported" counter does not see it. force_flush() waits for every
// unfinished request (true when none is left within its timeout);
// shutdown() waits for them until its deadline, then drops what is still
// queued, cancels what is in flight and drops what waits for a retry. With
// max_concurrent_exports = 1, export_spans() waits for its request and
// returns the batch's final result. Memory held: max_concurrent_exports
// requests, max_queued_bytes of queued ones, and the one being encoded.
//
// Thread-safety: export_spans() is called by one thread at a time;
// force_flush(), shutdown() and stats() may be called from any thread at
// any time. Answers are handled on gRPC's threads and retries are started
// by one thread of the exporter's own.
// This header includes no gRPC or protobuf header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "weft/sdk/environment.h"
#include "weft/sdk/expected.h"
#include "weft/sdk/logger.h"
#include "weft/sdk/span_exporter.h"

namespace weft::exporters {

enum class OtlpCompression { kNone, kGzip };

// What the application sets in code; unset fields fall back to the
// environment's general variable or the default (the environment wins over
// anything set here).
struct OtlpGrpcExporterOptions {
  // `http://host:port` (plaintext) or `https://host:port` (TLS); without a
  // scheme, `insecure` decides. Default http://localhost:4317.
  std::string endpoint;
  // Plaintext when the endpoint has no scheme. Default false (TLS).
  std::optional<bool> insecure;
  // PEM file of the CA(s) that verify the server; empty: the system roots.
  std::string certificate_file;
  // PEM files of the client certificate chain and its private key (mTLS);
  // both or neither.
  std::string client_certificate_file;
  std::string client_key_file;
  // Sent as gRPC metadata with every request (keys are lower-cased). An
  // entry gRPC cannot carry (key outside [0-9a-z_.-] or starting with
  // "grpc-"; value outside printable ASCII unless the key ends in "-bin") is
  // dropped with one warning; OTEL_EXPORTER_OTLP_(TRACES_)HEADERS entries of
  // the same name replace these.
  std::vector<std::pair<std::string, std::string>> headers;
  // The most one batch may take, retries included, counted from when its
  // request is started (after any wait for a free slot). Default 10 s;
  // milliseconds::max() means no limit.
  std::optional<std::chrono::milliseconds> timeout;
  // Default none.
  std::optional<OtlpCompression> compression;
  // First retry delay and cap (exponential with jitter); code only.
  std::chrono::milliseconds retry_initial_backoff{1000};
  std::chrono::milliseconds retry_max_backoff{5000};
  // How many requests may be unfinished at once (see the top of this file);
  // code only, at least 1. 1: export_spans() returns each batch's final
  // result.
  std::uint32_t max_concurrent_exports = 2;
  // Encoded requests that wait for a free slot, in bytes (their sum): while
  // there is room, export_spans() queues its request and returns instead of
  // waiting. An encoded span takes about a third of the memory of a
  // finished span in the batch processor's queue. 0: no queue. Code only.
  std::size_t max_queued_bytes = 8 << 20;
  // Reports bad variables, failed exports and partial successes; null: the
  // SDK-wide logger (weft/sdk/logger.h).
  std::shared_ptr<sdk::Logger> logger;
  // Where variables are read from; null means the process environment.
  const sdk::Environment* environment = nullptr;
};

// The exporter's counters since it was created. Spans counted as dropped
// were not delivered; `spans_rejected` were delivered but refused by the
// server (partial success).
struct OtlpExporterStats {
  std::uint64_t requests_succeeded = 0;  // requests the server accepted
  std::uint64_t requests_failed = 0;     // requests given up on
  std::uint64_t retries = 0;             // attempts after the first
  std::uint64_t spans_sent = 0;          // accepted (minus rejected ones)
  std::uint64_t spans_rejected = 0;      // partial success: rejected_spans
  std::uint64_t partial_successes = 0;   // responses with partial_success
  std::uint64_t spans_dropped_not_retryable = 0;  // e.g. INVALID_ARGUMENT
  std::uint64_t spans_dropped_timeout = 0;        // retries ran out of time
  std::uint64_t spans_dropped_shutdown = 0;       // exporter shut down first
  std::uint64_t spans_dropped_encoding = 0;       // could not be serialized
  std::uint64_t spans_dropped_forked = 0;  // in a fork() child (see README)
  std::string last_error;                  // the last failure, for humans

  std::uint64_t spans_dropped() const noexcept {
    return spans_dropped_not_retryable + spans_dropped_timeout +
           spans_dropped_shutdown + spans_dropped_encoding +
           spans_dropped_forked;
  }
};

class OtlpGrpcExporter : public sdk::SpanExporter {
 public:
  // The counters so far.
  virtual OtlpExporterStats stats() const noexcept = 0;
  // A reader of the same counters that stays valid after the exporter was
  // moved into a processor, and after it was destroyed.
  virtual std::function<OtlpExporterStats()> stats_reader() const = 0;
  // The endpoint the exporter connects to, after the environment applied
  // (e.g. "localhost:4317"), and whether it uses TLS.
  virtual const std::string& target() const noexcept = 0;
  virtual bool uses_tls() const noexcept = 0;
};

// Validates `options` against the environment and builds an exporter. Bad
// environment values are logged (naming the variable and the value) and the
// code value or default is used; an Error comes back when the exporter
// cannot work (an unreadable certificate file, a client certificate without
// its key, an invalid endpoint set in code).
sdk::Expected<std::unique_ptr<OtlpGrpcExporter>> make_otlp_grpc_exporter(
    OtlpGrpcExporterOptions options = {});

// The counters of `exporter` when it is an OTLP/gRPC exporter.
std::optional<OtlpExporterStats> otlp_exporter_stats(
    const sdk::SpanExporter& exporter) noexcept;

}  // namespace weft::exporters
