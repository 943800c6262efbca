// Collector: a small OTLP receiver, the engine of `weft collect` and the
// in-process collector of the integration tests: an OTLP/gRPC TraceService
// server, an OTLP/HTTP server (POST /v1/traces, protobuf or JSON), or both,
// sharing one set of counters, one request handler and one set of faults.
//
// It decodes every ExportTraceServiceRequest itself (so that a request it
// cannot decode gets a clear error), accepts gzip, and can act as a faulty
// collector: answer the first N requests with a chosen status code (with a
// RetryInfo delay or a Retry-After header if asked), delay its answers,
// report a partial success.
// Thread-safe: gRPC and HTTP threads deliver requests while any thread reads
// stats.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "weft/sdk/expected.h"

namespace weft::tools {

using ExportTraceServiceRequest =
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

struct CollectorOptions {
  // Where the OTLP/gRPC and OTLP/HTTP servers listen (host:port; port 0
  // picks one); empty: that server is not started. At least one is needed.
  std::string listen = "127.0.0.1:4317";
  std::string listen_http;
  // The largest OTLP/HTTP request body, as sent and once inflated; larger
  // ones are answered 413.
  std::size_t max_request_bytes = 4 * 1024 * 1024;
  // TLS for both servers: certificate chain and key (PEM files); with a
  // client CA, clients must present a certificate it signed (mTLS).
  std::string tls_certificate_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // Faults: the first `fail_first` requests get `fail_code` over gRPC (with
  // a RetryInfo of `retry_after` when set) and `fail_http_status` over HTTP
  // (with `Retry-After: <retry_after in seconds, rounded up>` when set).
  std::uint64_t fail_first = 0;
  grpc::StatusCode fail_code = grpc::StatusCode::UNAVAILABLE;
  int fail_http_status = 503;
  std::optional<std::chrono::milliseconds> retry_after;
  std::chrono::milliseconds delay{0};  // before every answer
  // Partial success on every accepted request.
  std::int64_t reject_spans = 0;
  std::string partial_message;
  // Keep every accepted request in memory (tests).
  bool keep_requests = false;
  // Told about each request that could not be decoded, or was refused for
  // its size or type (any gRPC or HTTP thread).
  std::function<void(const std::string& problem)> on_malformed;
};

// One request as it arrived.
struct ReceivedRequest {
  ExportTraceServiceRequest request;
  // gRPC client metadata, or the HTTP request headers (names lowercase).
  std::multimap<std::string, std::string> metadata;
  bool compressed = false;  // arrived gzip-compressed on the wire
  bool over_http = false;   // arrived over OTLP/HTTP, not gRPC
  std::size_t spans = 0;
};

struct CollectorStats {
  std::uint64_t requests = 0;           // every Export call or POST
  std::uint64_t requests_accepted = 0;  // answered OK
  std::uint64_t requests_failed_on_purpose = 0;
  // Not decoded; over HTTP also those refused for their size (413) or
  // content type or encoding (415).
  std::uint64_t requests_malformed = 0;
  std::uint64_t spans_accepted = 0;
  std::uint64_t spans_refused = 0;   // in requests failed on purpose
  std::uint64_t spans_rejected = 0;  // reported as rejected (partial success)
};

class HttpReceiver;

class Collector {
 public:
  // Called for each accepted request, on a gRPC or HTTP thread, one at a
  // time.
  using RequestHandler =
      std::function<void(const ExportTraceServiceRequest& request)>;

  // Starts listening; an Error names what failed (address in use, an
  // unreadable certificate file, ...).
  static sdk::Expected<std::unique_ptr<Collector>> start(
      CollectorOptions options, RequestHandler handler = nullptr);
  ~Collector();

  // The gRPC address actually bound, e.g. "127.0.0.1:41235"; empty and 0
  // without a gRPC server.
  const std::string& address() const noexcept { return address_; }
  int port() const noexcept { return port_; }
  // The same for the OTLP/HTTP server.
  const std::string& http_address() const noexcept { return http_address_; }
  int http_port() const noexcept { return http_port_; }

  CollectorStats stats() const;
  // Waits until `spans` spans were accepted; false on timeout.
  bool wait_for_spans(std::uint64_t spans,
                      std::chrono::milliseconds timeout) const;
  // Waits until `requests` Export calls or POSTs arrived; false on timeout.
  bool wait_for_requests(std::uint64_t requests,
                         std::chrono::milliseconds timeout) const;
  // The accepted requests so far (keep_requests only).
  std::vector<ReceivedRequest> requests() const;
  // Answers pending delayed requests, stops the server; idempotent.
  void stop();

  struct State;

 private:
  Collector();
  // Starts the gRPC server on state_->options.listen.
  std::optional<sdk::Error> start_grpc();

  std::shared_ptr<State> state_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  std::unique_ptr<HttpReceiver> http_;
  std::string http_address_;
  int http_port_ = 0;
};

// Decodes the bytes of one Export call as gRPC delivered them (possibly
// several slices) into `request`; false when they are not a request. This is
// the collector's whole parsing of untrusted input (fuzzed by
// test/fuzz/collect_request_fuzzer.cc).
bool decode_request(const grpc::ByteBuffer& bytes,
                    ExportTraceServiceRequest& request);

// The status code named `text` ("UNAVAILABLE", "unavailable" or "14").
std::optional<grpc::StatusCode> parse_status_code(std::string_view text);

}  // namespace weft::tools
