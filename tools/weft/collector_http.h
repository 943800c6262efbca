// HttpReceiver: the OTLP/HTTP side of a Collector, a cpp-httplib server for
// POST /v1/traces with protobuf (application/x-protobuf) or OTLP/JSON
// (application/json) bodies, gzip or not, answering as the OTLP/HTTP
// specification says: 200 with an ExportTraceServiceResponse in the
// request's encoding; 400, 404, 405, 413 and 415 with a google.rpc.Status;
// the collector's faults as an HTTP status with Retry-After, a delay, a
// partial success. Internal to tools/weft (made by Collector::start).
// Thread-safe: httplib's pool threads serve requests; stop() from any other
// thread.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "collector.h"

namespace httplib {
class Server;
}

namespace weft::tools {

class HttpReceiver {
 public:
  // Listens on state->options.listen_http (with TLS when the options give a
  // certificate); an Error names what failed.
  static sdk::Expected<std::unique_ptr<HttpReceiver>> start(
      std::shared_ptr<Collector::State> state);
  ~HttpReceiver();

  // The address actually bound, e.g. "127.0.0.1:41236".
  const std::string& address() const noexcept { return address_; }
  int port() const noexcept { return port_; }
  // Stops listening and waits for the requests being served (and up to 2 s
  // for a client that keeps an idle connection open); idempotent.
  void stop();

 private:
  HttpReceiver() = default;

  std::shared_ptr<Collector::State> state_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  std::string address_;
  int port_ = 0;
};

}  // namespace weft::tools
