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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "weft/exporters/otlp_exporter.h"
#include "weft/sdk/expected.h"

namespace weft::exporters {

// What the application sets in code (the shared fields are in
// OtlpExporterOptions); unset fields fall back to the environment's general
// variable or the default (the environment wins over anything set here).
// endpoint: `http://host:port` (plaintext) or `https://host:port` (TLS);
// without a scheme, `insecure` decides; default http://localhost:4317.
// headers are sent as gRPC metadata: an entry gRPC cannot carry (key outside
// [0-9a-z_.-] or starting with "grpc-"; value outside printable ASCII unless
// the key ends in "-bin") is dropped with one warning.
struct OtlpGrpcExporterOptions : OtlpExporterOptions {
  // Plaintext when the endpoint has no scheme. Default false (TLS).
  std::optional<bool> insecure;
  // How many requests may be unfinished at once (see the top of this file);
  // code only, at least 1. 1: export_spans() returns each batch's final
  // result.
  std::uint32_t max_concurrent_exports = 2;
  // Encoded requests that wait for a free slot, in bytes (their sum): while
  // there is room, export_spans() queues its request and returns instead of
  // waiting. An encoded span takes about a third of the memory of a
  // finished span in the batch processor's queue. 0: no queue. Code only.
  std::size_t max_queued_bytes = 8 << 20;
};

class OtlpGrpcExporter : public OtlpExporter {
 public:
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

}  // namespace weft::exporters
