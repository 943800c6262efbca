// OtlpHttpExporter: sends finished spans to any OpenTelemetry-compatible
// backend over OTLP/HTTP: POST {endpoint}/v1/traces with an
// ExportTraceServiceRequest in protobuf (`http/protobuf`, Content-Type
// application/x-protobuf, the default) or in OTLP/JSON (`http/json`,
// application/json). The port of OTLP/HTTP is 4318 (4317 is OTLP/gRPC).
//
// Create it with make_otlp_http_exporter() and hand it to a batch
// processor: export_spans() runs on the processor's worker thread, sends the
// batch (as several requests when it exceeds max_request_bytes) over one
// kept-alive connection, retries per the OTLP/HTTP specification (429, 502,
// 503 and 504, honouring Retry-After; not reaching the collector) with
// exponential backoff and jitter within the export timeout, and returns the
// batch's final result. Other 4xx and 5xx answers are final. Spans that
// cannot be delivered are dropped and counted in stats() with their reason;
// a 200 whose body carries a partial success is counted and logged.
// Diagnostics: the first failure is logged once (error) with a reason a user
// can act on (cannot connect, TLS, the HTTP status with the start of the
// collector's explanation, no answer in time); later ones are only counted
// until a request is delivered again, which is logged once (warning).
//
// Every setting comes from the code (OtlpHttpExporterOptions) or from the
// OTEL_EXPORTER_OTLP_* and OTEL_EXPORTER_OTLP_TRACES_* variables
// (traces-specific over general, environment over code over defaults; see
// docs/configuration.md). Endpoint rules of the specification:
// OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://collector:4318) gets /v1/traces
// appended; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the full URL, used as it
// is. libcurl's proxy variables (http_proxy, https_proxy, no_proxy) apply.
//
// shutdown() lets a request in flight finish until its deadline, then
// cancels it (even with a collector that accepted the connection and stays
// silent) and drops what was not delivered. After fork(), an exporter in the
// child opens a connection of its own and keeps exporting.
//
// Thread-safety: export_spans() is called by one thread at a time;
// force_flush(), shutdown() and stats() may be called from any thread at
// any time. This header includes no curl or protobuf header.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "weft/exporters/otlp_exporter.h"
#include "weft/sdk/expected.h"

namespace weft::exporters {

// What the application sets in code; unset fields fall back to the
// environment or the default (the environment wins over anything set here).
// `endpoint` is a URL: without a path (http://collector:4318) it gets
// /v1/traces appended, with one it is used as it is. Default
// http://localhost:4318/v1/traces.
struct OtlpHttpExporterOptions : OtlpExporterOptions {
  // OtlpProtocol::kHttpProtobuf (default) or kHttpJson; kGrpc is an error
  // (use the OTLP/gRPC exporter). OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL
  // overrides it when it names an HTTP protocol.
  std::optional<OtlpProtocol> protocol;
};

class OtlpHttpExporter : public OtlpExporter {
 public:
  // The URL requests go to, after the environment applied (e.g.
  // "http://localhost:4318/v1/traces").
  virtual const std::string& url() const noexcept = 0;
  // kHttpProtobuf or kHttpJson.
  virtual OtlpProtocol protocol() const noexcept = 0;
};

// Validates `options` against the environment and builds an exporter. Bad
// environment values are logged (naming the variable and the value) and the
// code value or default is used; an Error comes back when the exporter
// cannot work (an unreadable certificate file, a client certificate without
// its key, an invalid endpoint or protocol set in code).
sdk::Expected<std::unique_ptr<OtlpHttpExporter>> make_otlp_http_exporter(
    OtlpHttpExporterOptions options = {});

}  // namespace weft::exporters
