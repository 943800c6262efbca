// weft-w3c-service PORT: weft's service for the W3C trace-context test
// harness (github.com/w3c/trace-context, test/).
//
// Listens for HTTP POST on 127.0.0.1:PORT (any path). The body is a JSON
// array of {"url": ..., "arguments": [...]}; for each object, in order, the
// service extracts the context from the request's headers with weft's W3C
// propagator, starts a server span for the request and a client span per
// call under it, and POSTs `arguments` as JSON to `url` with the client span's
// context injected (one version-00 traceparent, and
// tracestate when not empty). It answers after every outgoing call completed
// (each has a 3 s budget), with a JSON array of the statuses they returned
// (0: no answer).
//
// PORT 0 picks a free port. Once listening, the service prints one line,
// "listening on 127.0.0.1:<port>", on stdout. SIGINT or SIGTERM stops it.
// HTTP is Debian's cpp-httplib, JSON nlohmann-json: tool dependencies only.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "text.h"
#include "weft/propagation.h"
#include "weft/provider.h"
#include "weft/sdk/sampler.h"
#include "weft/sdk/tracer_provider.h"

namespace {

constexpr auto kCallTimeout = std::chrono::seconds(3);

struct Url {
  std::string scheme_host_port;  // "http://127.0.0.1:7777"
  std::string path;              // "/0"
};

// Splits an http URL; nullopt for anything else.
std::optional<Url> split_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  const std::size_t slash = url.find('/', kScheme.size());
  Url out;
  out.scheme_host_port = std::string(url.substr(0, slash));
  out.path =
      slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (out.scheme_host_port.size() == kScheme.size()) return std::nullopt;
  return out;
}

// POSTs `body` to `url` with `headers`; the HTTP status, or 0.
int post(const std::string& url, const httplib::Headers& headers,
         const std::string& body) {
  const std::optional<Url> target = split_url(url);
  if (!target) return 0;
  httplib::Client client(target->scheme_host_port);
  client.set_connection_timeout(kCallTimeout);
  client.set_read_timeout(kCallTimeout);
  client.set_write_timeout(kCallTimeout);
  const httplib::Result result =
      client.Post(target->path.c_str(), headers, body, "application/json");
  return result ? result->status : 0;
}

class Service {
 public:
  explicit Service(std::shared_ptr<weft::Tracer> tracer)
      : tracer_(std::move(tracer)) {}

  void handle(const httplib::Request& request, httplib::Response& response) {
    const nlohmann::json calls = nlohmann::json::parse(
        request.body, nullptr, /*allow_exceptions=*/false);
    if (!calls.is_array()) {
      response.status = 400;
      response.set_content("expected a JSON array of {url, arguments}\n",
                           "text/plain");
      return;
    }
    // httplib's Headers compare names case-insensitively and keep repeated
    // headers in the order received.
    const auto carrier = weft::make_carrier_reader(
        [&request](std::string_view key, weft::ValueSink sink) {
          const auto range = request.headers.equal_range(std::string(key));
          for (auto it = range.first; it != range.second; ++it) {
            sink(it->second);
          }
        });
    // A server span for the request (child of the caller's span, or the
    // root of a new trace), and a client span per outgoing call under it.
    weft::Span server_span = tracer_->start_span(
        "POST " + request.path, weft::StartSpanOptions{}
                                    .with_parent(propagator_.extract(carrier))
                                    .with_kind(weft::SpanKind::kServer));
    const weft::Context parent(server_span.context());

    nlohmann::json statuses = nlohmann::json::array();
    for (const nlohmann::json& call : calls) {
      const auto url = call.find("url");
      if (!call.is_object() || url == call.end() || !url->is_string()) {
        statuses.push_back(0);
        continue;
      }
      const auto arguments = call.find("arguments");
      const std::string body =
          arguments == call.end() ? std::string("[]") : arguments->dump();
      weft::Span span = tracer_->start_span(
          "POST", weft::StartSpanOptions{}.with_parent(parent).with_kind(
                      weft::SpanKind::kClient));
      httplib::Headers headers;
      propagator_.inject(weft::Context(span.context()), headers);
      const int status = post(url->get<std::string>(), headers, body);
      span.set_attribute("http.response.status_code", status);
      span.end();
      statuses.push_back(status);
    }
    server_span.end();
    response.set_content(statuses.dump(), "application/json");
  }

 private:
  std::shared_ptr<weft::Tracer> tracer_;
  weft::TraceContextPropagator propagator_;
};

std::optional<int> parse_port(const char* text) {
  const std::optional<std::uint16_t> port =
      weft::sdk::parse_unsigned<std::uint16_t>(text);
  if (!port) return std::nullopt;
  return static_cast<int>(*port);
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<int> port =
      argc == 2 ? parse_port(argv[1]) : std::nullopt;
  if (!port) {
    std::cerr << "usage: weft-w3c-service PORT   (0 picks a free port)\n";
    return 2;
  }

  // Stop on SIGINT/SIGTERM: block them in every thread, wait in one.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // The SDK, so that each outgoing call has a new span id (a real child).
  weft::sdk::TracerProviderOptions options;
  options.service_name = "weft-w3c-service";
  options.sampler = weft::sdk::make_always_on_sampler();
  auto provider = weft::sdk::make_tracer_provider(std::move(options));
  if (!provider) {
    std::cerr << "weft-w3c-service: " << provider.error().message << "\n";
    return 1;
  }
  weft::set_tracer_provider(provider.value());
  Service service(weft::tracer("weft-w3c-service"));

  httplib::Server server;
  server.Post(".*", [&service](const httplib::Request& request,
                               httplib::Response& response) {
    service.handle(request, response);
  });
  const int bound =
      *port == 0 ? server.bind_to_any_port("127.0.0.1")
                 : (server.bind_to_port("127.0.0.1", *port) ? *port : -1);
  if (bound < 0) {
    std::cerr << "weft-w3c-service: cannot listen on 127.0.0.1:" << *port
              << "\n";
    return 1;
  }
  std::cout << "listening on 127.0.0.1:" << bound << std::endl;

  std::thread stopper([&server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server.stop();
  });
  const bool ok = server.listen_after_bind();
  if (!ok) {
    // listen_after_bind failed before any signal: wake the stopper.
    kill(getpid(), SIGTERM);
  }
  stopper.join();
  weft::set_tracer_provider(nullptr);
  provider.value()->shutdown(std::chrono::seconds(5));
  return 0;
}
