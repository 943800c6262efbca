// What every OTLP exporter shares, whatever its transport (gRPC in
// otlp_grpc_exporter.h, HTTP in otlp_http_exporter.h): the options set in
// code, the counters, and the OtlpExporter interface that reports them.
//
// Options are plain values (thread-compatible); an OtlpExporter's stats()
// and stats_reader() may be called from any thread at any time.
// This header includes no gRPC, HTTP-library or protobuf header.
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
#include "weft/sdk/logger.h"
#include "weft/sdk/span_exporter.h"

namespace weft::exporters {

enum class OtlpCompression { kNone, kGzip };

// The values of OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: `grpc`,
// `http/protobuf` and `http/json`.
enum class OtlpProtocol { kGrpc, kHttpProtobuf, kHttpJson };

// What the application sets in code for any OTLP exporter; unset fields fall
// back to the environment's general variable or the default (the
// environment wins over anything set here). Each transport's options derive
// from this one and add their own fields.
struct OtlpExporterOptions {
  // The collector's address: `http://host:port` (plaintext) or
  // `https://host:port` (TLS). Default per transport (gRPC:
  // http://localhost:4317).
  std::string endpoint;
  // PEM file of the CA(s) that verify the server; empty: the system roots.
  std::string certificate_file;
  // PEM files of the client certificate chain and its private key (mTLS);
  // both or neither.
  std::string client_certificate_file;
  std::string client_key_file;
  // Sent with every request (keys are lower-cased). An entry the transport
  // cannot carry (see its header) is dropped with one warning;
  // OTEL_EXPORTER_OTLP_(TRACES_)HEADERS entries of the same name replace
  // these.
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
  // The largest request sent, in bytes (before compression): a batch whose
  // request would be larger goes as several requests, and a span whose
  // request alone is larger is dropped and counted
  // (spans_dropped_too_large). Default 4 MiB, the receive limit of gRPC and
  // of the OpenTelemetry Collector; at least 1 KiB.
  std::size_t max_request_bytes = 4 << 20;
  // Reports bad variables, failed exports and partial successes; null: the
  // SDK-wide logger (weft/sdk/logger.h).
  std::shared_ptr<sdk::Logger> logger;
  // Where variables are read from; null means the process environment.
  const sdk::Environment* environment = nullptr;
};

// An OTLP exporter's counters since it was created. Spans counted as dropped
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
  // A span whose request alone exceeds max_request_bytes.
  std::uint64_t spans_dropped_too_large = 0;
  std::string last_error;  // the last failure, for humans

  std::uint64_t spans_dropped() const noexcept {
    return spans_dropped_not_retryable + spans_dropped_timeout +
           spans_dropped_shutdown + spans_dropped_encoding +
           spans_dropped_forked + spans_dropped_too_large;
  }
};

// An exporter that sends spans over OTLP, whatever the transport.
class OtlpExporter : public sdk::SpanExporter {
 public:
  // The counters so far.
  virtual OtlpExporterStats stats() const noexcept = 0;
  // A reader of the same counters that stays valid after the exporter was
  // moved into a processor, and after it was destroyed.
  virtual std::function<OtlpExporterStats()> stats_reader() const = 0;
};

// The counters of `exporter` when it is an OTLP exporter (any transport).
std::optional<OtlpExporterStats> otlp_exporter_stats(
    const sdk::SpanExporter& exporter) noexcept;

}  // namespace weft::exporters
