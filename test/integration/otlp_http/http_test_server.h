// HttpTestServer: an in-process stand-in for an OTLP/HTTP collector on a
// loopback port (cpp-httplib, plaintext or TLS, optionally requiring a
// client certificate). It records every POST (path, headers, body as
// decoded by httplib, i.e. gunzipped, and the client's port, which tells
// whether a connection was reused) and answers with the scripted answers in
// order, then with 200 and an empty body. hold() makes it a silent
// collector: answers wait until release() or the server stops.
//
// Thread-safe: httplib's threads handle requests while the test thread
// scripts and reads.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace weft::testing {

struct ReceivedRequest {
  std::string path;
  httplib::Headers headers;
  std::string body;
  int client_port = -1;
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

struct ScriptedAnswer {
  ScriptedAnswer(int status_code = 200, std::string retry_after_value = {},
                 std::string content_type_value = {},
                 std::string body_value = {})
      : status(status_code),
        retry_after(std::move(retry_after_value)),
        content_type(std::move(content_type_value)),
        body(std::move(body_value)) {}

  int status;
  std::string retry_after;
  std::string content_type;
  std::string body;
};

struct ServerTls {
  std::string certificate_file;
  std::string key_file;
  std::string client_ca_file;  // non-empty: clients must present a cert
};

class HttpTestServer {
 public:
  // `max_body`: larger requests get 413 (httplib's payload limit).
  explicit HttpTestServer(std::optional<ServerTls> tls = std::nullopt,
                          std::size_t max_body = 64 << 20) {
    if (tls) {
      server_ = std::make_unique<httplib::SSLServer>(
          tls->certificate_file.c_str(), tls->key_file.c_str(),
          tls->client_ca_file.empty() ? nullptr : tls->client_ca_file.c_str());
    } else {
      server_ = std::make_unique<httplib::Server>();
    }
    REQUIRE(server_->is_valid());
    server_->set_payload_max_length(max_body);
    server_->Post(".*", [this](const httplib::Request& request,
                               httplib::Response& response) {
      handle(request, response);
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() before the listening loop runs would not stop it.
    while (!server_->is_running()) std::this_thread::yield();
  }

  ~HttpTestServer() {
    release();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    server_->stop();
    thread_.join();
  }

  int port() const { return port_; }

  std::string url(const std::string& path = "/v1/traces",
                  const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }

  void script(std::vector<ScriptedAnswer> answers) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_.assign(answers.begin(), answers.end());
  }

  // Requests are then held unanswered until release().
  void hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    holding_ = true;
  }

  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      holding_ = false;
    }
    changed_.notify_all();
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

  // True when at least `count` requests arrived within `timeout`.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout =
                                                std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return received_.size() >= count; });
  }

 private:
  void handle(const httplib::Request& request, httplib::Response& response) {
    ScriptedAnswer answer;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      received_.push_back({request.path, request.headers, request.body,
                           request.remote_port,
                           std::chrono::steady_clock::now()});
      changed_.notify_all();
      changed_.wait(lock, [this] { return !holding_ || stopping_; });
      if (!answers_.empty()) {
        answer = answers_.front();
        answers_.pop_front();
      }
    }
    response.status = answer.status;
    if (!answer.retry_after.empty()) {
      response.set_header("Retry-After", answer.retry_after);
    }
    if (!answer.body.empty() || !answer.content_type.empty()) {
      response.set_content(answer.body, answer.content_type.empty()
                                            ? "text/plain"
                                            : answer.content_type.c_str());
    }
  }

  std::unique_ptr<httplib::Server> server_;
  int port_ = -1;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ScriptedAnswer> answers_;
  std::vector<ReceivedRequest> received_;
  bool holding_ = false;
  bool stopping_ = false;
};

}  // namespace weft::testing
