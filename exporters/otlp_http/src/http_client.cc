#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "text.h"

namespace weft::otlp {
namespace {

using Clock = HttpClient::Clock;

// curl_global_init() is not thread-safe in every libcurl: done once, before
// the first handle, by whichever thread gets here first.
bool curl_ready() noexcept {
  static const bool ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ready;
}

HttpResponse::Outcome outcome_of(CURLcode code) {
  using Outcome = HttpResponse::Outcome;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return Outcome::kCannotConnect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
      return Outcome::kTls;
    case CURLE_OPERATION_TIMEDOUT:
      return Outcome::kTimeout;
    default:
      return Outcome::kConnectionLost;
  }
}

bool starts_with_ignoring_case(std::string_view text, std::string_view start) {
  return text.size() >= start.size() &&
         sdk::to_lower_ascii(text.substr(0, start.size())) == start;
}

// The value of a header line "Name: value\r\n", without spaces around it.
std::string header_value(std::string_view line) {
  line.remove_prefix(std::min(line.size(), line.find(':') + 1));
  return std::string(sdk::trim(line.substr(0, line.find_first_of("\r\n"))));
}

}  // namespace

// The libcurl handles and what their callbacks write into.
struct HttpClient::Handles {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  HttpResponse* response = nullptr;  // of the attempt in progress
  std::size_t max_body = 0;

  // Leaves the handles to the process (after fork: they share the parent's
  // connection).
  void abandon() noexcept {
    easy = nullptr;
    multi = nullptr;
    headers = nullptr;
  }

  ~Handles() {
    if (multi != nullptr && easy != nullptr) {
      curl_multi_remove_handle(multi, easy);
    }
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    if (headers != nullptr) curl_slist_free_all(headers);
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count,
                             void* user) noexcept {
    auto* self = static_cast<Handles*>(user);
    const std::size_t bytes = size * count;
    if (self->response != nullptr) {
      std::string& body = self->response->body;
      const std::size_t room =
          self->max_body > body.size() ? self->max_body - body.size() : 0;
      try {
        body.append(data, std::min(room, bytes));
      } catch (const std::bad_alloc&) {
        return 0;  // ends the transfer (CURLE_WRITE_ERROR)
      }
    }
    return bytes;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count,
                               void* user) noexcept {
    auto* self = static_cast<Handles*>(user);
    const std::size_t bytes = size * count;
    if (self->response == nullptr) return bytes;
    const std::string_view line(data, bytes);
    try {
      if (starts_with_ignoring_case(line, "http/")) {
        // A new response (after an interim 1xx one): forget the last one's.
        self->response->retry_after.clear();
        self->response->content_type.clear();
        self->response->body.clear();
      } else if (starts_with_ignoring_case(line, "retry-after:")) {
        self->response->retry_after = header_value(line);
      } else if (starts_with_ignoring_case(line, "content-type:")) {
        self->response->content_type = header_value(line);
      }
    } catch (const std::bad_alloc&) {
      return 0;
    }
    return bytes;
  }
};

sdk::Expected<std::unique_ptr<HttpClient>> HttpClient::create(
    HttpClientOptions options) {
  if (!curl_ready()) {
    return sdk::Error{sdk::Error::kExporterSetupFailed,
                      "OTLP/HTTP exporter: libcurl failed to initialize"};
  }
  std::unique_ptr<HttpClient> client;
  try {
    client.reset(new HttpClient(std::move(options)));
  } catch (const std::bad_alloc&) {
    return sdk::Error{sdk::Error::kExporterSetupFailed,
                      "OTLP/HTTP exporter: out of memory"};
  }
  if (!client->make_handles()) {
    return sdk::Error{sdk::Error::kExporterSetupFailed,
                      "OTLP/HTTP exporter: libcurl refused the settings for " +
                          client->options_.url +
                          " (out of memory, or a libcurl without TLS "
                          "support)"};
  }
  return client;
}

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)),
      uses_tls_(starts_with_ignoring_case(options_.url, "https:")) {}

HttpClient::~HttpClient() = default;

bool HttpClient::make_handles() noexcept {
  auto handles = std::unique_ptr<Handles>(new (std::nothrow) Handles);
  if (!handles) return false;
  Handles& h = *handles;
  h.easy = curl_easy_init();
  h.multi = curl_multi_init();
  if (h.easy == nullptr || h.multi == nullptr) return false;
  h.max_body = options_.max_response_body;

  try {
    // No "Expect: 100-continue" (libcurl adds it to large bodies): it costs
    // a round trip, or a second's wait with servers that ignore it.
    std::vector<std::string> lines = {"Expect:"};
    for (const auto& [name, value] : options_.headers) {
      lines.push_back(name + ": " + value);
    }
    for (const std::string& line : lines) {
      curl_slist* appended = curl_slist_append(h.headers, line.c_str());
      if (appended == nullptr) return false;
      h.headers = appended;
    }
  } catch (const std::bad_alloc&) {
    return false;
  }

  bool ok = true;
  const auto set = [&](CURLoption option, auto value) {
    ok = ok && curl_easy_setopt(h.easy, option, value) == CURLE_OK;
  };
  set(CURLOPT_URL, options_.url.c_str());
  set(CURLOPT_POST, 1L);
  set(CURLOPT_HTTPHEADER, h.headers);
  set(CURLOPT_USERAGENT, "weft-otlp-http/0.1");
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM: other threads run
  set(CURLOPT_TCP_NODELAY, 1L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_ERRORBUFFER, h.error);
  set(CURLOPT_WRITEFUNCTION, &Handles::on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&h));
  set(CURLOPT_HEADERFUNCTION, &Handles::on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&h));
  if (!options_.ca_certificates_pem.empty()) {
    curl_blob blob{const_cast<char*>(options_.ca_certificates_pem.data()),
                   options_.ca_certificates_pem.size(), CURL_BLOB_COPY};
    set(CURLOPT_CAINFO_BLOB, &blob);
    // These CAs only, as with the gRPC exporter: not the system's too.
    set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  }
  if (!options_.client_certificate_pem.empty()) {
    curl_blob certificate{
        const_cast<char*>(options_.client_certificate_pem.data()),
        options_.client_certificate_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(options_.client_key_pem.data()),
                  options_.client_key_pem.size(), CURL_BLOB_COPY};
    set(CURLOPT_SSLCERT_BLOB, &certificate);
    set(CURLOPT_SSLCERTTYPE, "PEM");
    set(CURLOPT_SSLKEY_BLOB, &key);
    set(CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (!ok) return false;
  handles_ = std::move(handles);
  return true;
}

bool HttpClient::renew_after_fork() noexcept {
  if (handles_) {
    handles_->abandon();
    (void)handles_.release();  // deliberately leaked: see the header
  }
  return make_handles();
}

void HttpClient::abort_at(Clock::time_point when) noexcept {
  const Clock::rep wanted = when.time_since_epoch().count();
  Clock::rep current = abort_at_.load();
  while (wanted < current &&
         !abort_at_.compare_exchange_weak(current, wanted)) {
  }
  if (handles_ && handles_->multi != nullptr) {
    curl_multi_wakeup(handles_->multi);
  }
}

HttpResponse HttpClient::post(std::string_view body,
                              Clock::time_point deadline) {
  using Outcome = HttpResponse::Outcome;
  HttpResponse response;
  if (!handles_) {
    response.error = "no HTTP client (libcurl could not be set up)";
    return response;
  }
  Handles& h = *handles_;
  const auto abort_time = [this] {
    return Clock::time_point(Clock::duration(abort_at_.load()));
  };
  Clock::time_point now = Clock::now();
  Clock::time_point end = std::min(deadline, abort_time());
  if (now >= end) {
    response.outcome =
        abort_time() <= deadline ? Outcome::kAborted : Outcome::kTimeout;
    return response;
  }
  const auto remaining = [&now, &end] {
    return std::max<long>(
        1, static_cast<long>(std::min<std::chrono::milliseconds::rep>(
               std::chrono::ceil<std::chrono::milliseconds>(end - now).count(),
               1L << 30)));
  };
  h.error[0] = '\0';
  curl_easy_setopt(h.easy, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h.easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h.easy, CURLOPT_TIMEOUT_MS, remaining());
  h.response = &response;
  if (curl_multi_add_handle(h.multi, h.easy) != CURLM_OK) {
    h.response = nullptr;
    response.error = "libcurl could not start the request";
    return response;
  }

  bool ended_here = false;
  while (true) {
    int running = 0;
    if (curl_multi_perform(h.multi, &running) != CURLM_OK) {
      response.error = "libcurl failed while sending";
      ended_here = true;
      break;
    }
    if (running == 0) break;
    now = Clock::now();
    const Clock::time_point abort = abort_time();
    end = std::min(deadline, abort);
    if (now >= end) {
      response.outcome =
          abort <= deadline ? Outcome::kAborted : Outcome::kTimeout;
      if (response.outcome == Outcome::kTimeout) {
        response.error = "no answer before the deadline";
      }
      ended_here = true;
      break;
    }
    curl_multi_poll(h.multi, nullptr, 0,
                    static_cast<int>(std::min(remaining(), 1000L)), nullptr);
  }

  if (!ended_here) {
    int left = 0;
    CURLcode result = CURLE_OK;
    bool done = false;
    while (CURLMsg* message = curl_multi_info_read(h.multi, &left)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == h.easy) {
        result = message->data.result;
        done = true;
      }
    }
    if (!done) {
      response.outcome = Outcome::kConnectionLost;
      response.error = "libcurl ended the request without a result";
    } else if (result == CURLE_OK) {
      response.outcome = Outcome::kAnswered;
      curl_easy_getinfo(h.easy, CURLINFO_RESPONSE_CODE, &response.status);
    } else {
      response.outcome = outcome_of(result);
      response.error = h.error[0] != '\0' ? std::string(h.error)
                                          : curl_easy_strerror(result);
      // curl 7.88 says "Couldn't connect to server" for a refused
      // connection too: the system's reason tells which.
      long os_error = 0;
      curl_easy_getinfo(h.easy, CURLINFO_OS_ERRNO, &os_error);
      if (os_error != 0) {
        response.error.append(" (")
            .append(std::strerror(static_cast<int>(os_error)))
            .append(")");
      }
      // A new TLS connection that broke before any answer: the handshake
      // failed, or the server hung up right after it, as a TLS 1.3 server
      // does when it wants a client certificate; libcurl then reports a
      // read or write error, not a TLS one.
      long new_connections = 0;
      long status = 0;
      curl_easy_getinfo(h.easy, CURLINFO_NUM_CONNECTS, &new_connections);
      curl_easy_getinfo(h.easy, CURLINFO_RESPONSE_CODE, &status);
      if (response.outcome == Outcome::kConnectionLost && uses_tls_ &&
          new_connections > 0 && status == 0) {
        response.outcome = Outcome::kTls;
      }
    }
  }
  // Removing an unfinished transfer closes its connection; a finished one's
  // stays in the cache for the next request.
  curl_multi_remove_handle(h.multi, h.easy);
  h.response = nullptr;
  return response;
}

}  // namespace weft::otlp
