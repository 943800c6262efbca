// HttpClient: the OTLP/HTTP exporter's HTTP/1.1 client on libcurl. One
// client is one connection to one URL, kept alive and reused by every
// request (one curl easy handle in one multi handle, whose connection cache
// survives between requests); no thread of its own, no thread per request:
// post() runs on the caller's thread until the answer, the attempt's
// deadline, or abort_at().
//
// The multi interface rather than curl_easy_perform() because of shutdown:
// curl_easy_perform() can only be stopped from its progress callback, which
// libcurl calls about once a second while a silent server keeps the
// connection idle; here abort_at() wakes the waiting post()
// (curl_multi_wakeup) and it ends the attempt at once.
//
// TLS: with an https:// URL, the server is verified against the CA
// certificates given (PEM, in memory) or the system's; a client certificate
// and key (PEM) give mutual TLS.
//
// Used by the OTLP/HTTP exporter (and its tests). Thread-safety: post() is
// called by one thread at a time; abort_at() may be called from any thread
// at any time while the client exists.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weft/sdk/expected.h"

namespace weft::otlp {

struct HttpClientOptions {
  std::string url;  // http://host:port/path or https://...
  // Sent with every request, in order ("Name: value" each).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string ca_certificates_pem;  // empty: the system's CA store
  std::string client_certificate_pem;
  std::string client_key_pem;
  // At most this much of an answer's body is kept (the rest is read and
  // discarded), so that a misbehaving server cannot make the client grow.
  std::size_t max_response_body = 1 << 20;
};

struct HttpResponse {
  enum class Outcome {
    kAnswered,       // `status` holds the server's HTTP status
    kCannotConnect,  // refused, unreachable, or the host does not resolve
    kTls,            // handshake or certificate failure
    kTimeout,        // no (complete) answer before the attempt's deadline
    kAborted,        // abort_at() ended it
    kConnectionLost  // the connection broke, or the answer was not HTTP
  };
  Outcome outcome = Outcome::kConnectionLost;
  long status = 0;           // HTTP status when answered
  std::string retry_after;   // the Retry-After header's value, if any
  std::string content_type;  // the Content-Type header's value, if any
  std::string body;          // at most max_response_body bytes of it
  std::string error;         // libcurl's explanation when not answered
};

class HttpClient {
 public:
  using Clock = std::chrono::steady_clock;

  // Validates nothing but what libcurl refuses (e.g. out of memory).
  static sdk::Expected<std::unique_ptr<HttpClient>> create(
      HttpClientOptions options);

  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` (not copied; it must live until post() returns) and waits
  // for the whole answer until `deadline`.
  HttpResponse post(std::string_view body, Clock::time_point deadline);

  // Every attempt in progress or started later ends (kAborted) at `when` at
  // the latest; an earlier call's time wins. Thread-safe.
  void abort_at(Clock::time_point when) noexcept;

  // After fork(), in the child: the connection belongs to the parent too
  // (closing it would end the parent's TLS session), so the handles are
  // abandoned, not cleaned up, and new ones are made. One thread only (the
  // child's). False when new handles cannot be made (post() then fails).
  bool renew_after_fork() noexcept;

  const std::string& url() const noexcept { return options_.url; }

 private:
  struct Handles;
  explicit HttpClient(HttpClientOptions options);
  bool make_handles() noexcept;

  const HttpClientOptions options_;
  const bool uses_tls_;
  std::unique_ptr<Handles> handles_;
  // Clock::time_point::max() until abort_at(); its time since the epoch.
  std::atomic<Clock::rep> abort_at_{
      Clock::time_point::max().time_since_epoch().count()};
};

}  // namespace weft::otlp
