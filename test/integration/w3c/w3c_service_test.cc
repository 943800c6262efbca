// Integration test of weft-w3c-service over real HTTP on loopback.
//
// The test plays the W3C trace-context harness: it starts the real service
// (a child process, port 0, port read from its stdout), runs a callback
// server, sends the service requests whose headers are valid, invalid or
// repeated, and checks the traceparent/tracestate headers the service
// forwards to the callback server. The service answers only after its
// outgoing calls completed, so no waiting is needed after each request.
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "weft/traceparent.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kTraceId = "12345678901234567890123456789012";
constexpr const char* kParentId = "1234567890123456";
const std::string kTraceparent =
    std::string("00-") + kTraceId + "-" + kParentId + "-01";

// The service as a child process, stopped with SIGTERM on destruction.
class ServiceProcess {
 public:
  ServiceProcess() {
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    stdout_ = fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    char path[] = WEFT_W3C_SERVICE_PATH;
    char port[] = "0";
    char* argv[] = {path, port, nullptr};
    const int spawned =
        posix_spawn(&pid_, path, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    REQUIRE(spawned == 0);
    port_ = read_port(Clock::now() + std::chrono::seconds(20));
    REQUIRE(port_ > 0);
  }
  ~ServiceProcess() {
    stop();
    close(stdout_);
  }
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  int port() const { return port_; }

  // Sends SIGTERM and waits (10 s at most, then SIGKILL); the exit status.
  int stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return exit_status_;
  }

 private:
  // Reads "listening on 127.0.0.1:<port>\n" from the service's stdout.
  int read_port(Clock::time_point deadline) {
    std::string line;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - Clock::now());
      pollfd fd{stdout_, POLLIN, 0};
      if (left.count() <= 0 ||
          poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
        return -1;
      }
      char buffer[256];
      const ssize_t n = read(stdout_, buffer, sizeof buffer);
      if (n <= 0) return -1;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.compare(0, prefix.size(), prefix) != 0) return -1;
    return std::stoi(line.substr(prefix.size()));
  }

  pid_t pid_ = -1;
  int stdout_ = -1;
  int port_ = -1;
  int exit_status_ = -1;
};

bool equals_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// What the harness's callback server received on one path.
struct Callback {
  HeaderList headers;
  std::string body;

  std::vector<std::string> values(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : headers) {
      if (equals_ignoring_case(key, name)) out.push_back(value);
    }
    return out;
  }
};

// The harness: a callback server, and a client that sends the service one
// request asking for `count` callbacks.
class Harness {
 public:
  Harness() {
    server_.Post(R"(/callback/(\d+))", [this](const httplib::Request& request,
                                              httplib::Response& response) {
      Callback callback{{request.headers.begin(), request.headers.end()},
                        request.body};
      std::lock_guard<std::mutex> lock(mutex_);
      callbacks_[request.path] = std::move(callback);
      response.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && Clock::now() < deadline) {
      std::this_thread::yield();
    }
    REQUIRE(server_.is_running());
  }
  ~Harness() {
    server_.stop();
    thread_.join();
  }

  // Sends `headers` to the service, asking for `count` callbacks; returns
  // them in order (a callback that did not arrive fails the test).
  std::vector<Callback> send(
      const HeaderList& headers, int count = 1,
      const nlohmann::json& arguments = nlohmann::json::array()) {
    nlohmann::json body = nlohmann::json::array();
    std::vector<std::string> paths;
    for (int i = 0; i < count; ++i) {
      paths.push_back("/callback/" + std::to_string(next_id_++));
      body.push_back(
          {{"url", "http://127.0.0.1:" + std::to_string(port_) + paths.back()},
           {"arguments", arguments}});
    }
    httplib::Client client("127.0.0.1", service_.port());
    client.set_read_timeout(std::chrono::seconds(20));
    httplib::Headers request_headers;
    for (const auto& [key, value] : headers) {
      request_headers.emplace(key, value);
    }
    const auto result =
        client.Post("/test", request_headers, body.dump(), "application/json");
    REQUIRE(result);
    REQUIRE(result->status == 200);
    CHECK(
        nlohmann::json::parse(result->body) ==
        nlohmann::json(std::vector<int>(static_cast<std::size_t>(count), 200)));

    std::vector<Callback> out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::string& path : paths) {
      const auto it = callbacks_.find(path);
      REQUIRE(it != callbacks_.end());
      out.push_back(it->second);
    }
    return out;
  }

  // Exactly one forwarded traceparent, version 00, valid: its context.
  static weft::SpanContext forwarded_context(const Callback& callback) {
    const std::vector<std::string> traceparents =
        callback.values("traceparent");
    REQUIRE(traceparents.size() == 1);
    CAPTURE(traceparents[0]);
    REQUIRE(traceparents[0].size() == weft::kTraceparentSize);
    REQUIRE(traceparents[0].substr(0, 3) == "00-");
    const auto context = weft::parse_traceparent(traceparents[0]);
    REQUIRE(context.has_value());
    return *context;
  }

  static std::optional<std::string> forwarded_tracestate(
      const Callback& callback) {
    const std::vector<std::string> values = callback.values("tracestate");
    REQUIRE(values.size() <= 1);
    if (values.empty()) return std::nullopt;
    return values[0];
  }

  ServiceProcess& service() { return service_; }

 private:
  ServiceProcess service_;
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, Callback> callbacks_;
  int next_id_ = 0;
};

}  // namespace

TEST_CASE("the service continues a valid traceparent with a new parent id",
          "[w3c][integration]") {
  Harness harness;
  const std::string name =
      GENERATE("traceparent", "TraceParent", "TRACEPARENT");
  const std::string value = GENERATE(
      std::string(kTraceparent), " " + kTraceparent, kTraceparent + "\t",
      "cc-" + std::string(kTraceId) + "-" + kParentId +
          "-01-what-the-future-will-be-like");
  CAPTURE(name, value);

  const weft::SpanContext forwarded =
      Harness::forwarded_context(harness.send({{name, value}})[0]);
  CHECK(forwarded.trace_id().to_hex() == kTraceId);
  CHECK(forwarded.span_id().to_hex() != kParentId);
  CHECK(forwarded.is_sampled());
}

TEST_CASE("the service starts a new trace without a usable traceparent",
          "[w3c][integration]") {
  Harness harness;
  struct Row {
    int line;
    HeaderList headers;
  };
  const std::string tail = std::string(kTraceId) + "-" + kParentId;
  const Row row = GENERATE_COPY(values<Row>({
      {__LINE__, {}},
      {__LINE__, {{"trace-parent", kTraceparent}}},
      {__LINE__, {{"traceparent", "ff-" + tail + "-01"}}},
      {__LINE__, {{"traceparent", "00-" + tail + "-01."}}},
      {__LINE__, {{"traceparent", "00-" + tail + "-01-what-the-future"}}},
      {__LINE__, {{"traceparent", "cc-" + tail + "-01.what-the-future"}}},
      {__LINE__, {{"traceparent", "00-" + tail + "-0A"}}},
      {__LINE__,
       {{"traceparent", "00-ABCDEF78901234567890123456789012-" +
                            std::string(kParentId) + "-01"}}},
      {__LINE__,
       {{"traceparent", "00-00000000000000000000000000000000-" +
                            std::string(kParentId) + "-01"}}},
      {__LINE__,
       {{"traceparent",
         "00-" + std::string(kTraceId) + "-0000000000000000-01"}}},
      // Two traceparent headers (the harness's duplicated row).
      {__LINE__,
       {{"traceparent",
         "00-12345678901234567890123456789011-1234567890123456-01"},
        {"traceparent",
         "00-12345678901234567890123456789012-1234567890123456-01"}}},
      // Tracestate without a traceparent is dropped with it.
      {__LINE__, {{"tracestate", "foo=1,bar=2"}}},
  }));
  CAPTURE(row.line);

  const std::vector<Callback> callbacks = harness.send(row.headers, 2);
  const weft::SpanContext first = Harness::forwarded_context(callbacks[0]);
  const weft::SpanContext second = Harness::forwarded_context(callbacks[1]);
  CHECK(first.trace_id().to_hex() != kTraceId);
  CHECK(first.trace_id().to_hex() != "12345678901234567890123456789011");
  CHECK(first.trace_id().to_hex() != "abcdef78901234567890123456789012");
  // Both calls belong to the one new trace, as two different spans.
  CHECK(second.trace_id() == first.trace_id());
  CHECK(second.span_id() != first.span_id());
  CHECK_FALSE(Harness::forwarded_tracestate(callbacks[0]).has_value());
}

TEST_CASE("the service forwards the tracestate it received, combined",
          "[w3c][integration]") {
  Harness harness;
  struct Row {
    int line;
    std::vector<std::string> values;
    std::optional<std::string> expected;
  };
  const Row row = GENERATE(values<Row>({
      {__LINE__, {"foo=1,bar=2"}, "foo=1,bar=2"},
      {__LINE__,
       {"foo=1,bar=2", "rojo=1,congo=2", "baz=3"},
       "foo=1,bar=2,rojo=1,congo=2,baz=3"},
      {__LINE__, {"foo=1 \t , \t bar=2, \t baz=3"}, "foo=1,bar=2,baz=3"},
      {__LINE__, {"", "foo=1"}, "foo=1"},
      {__LINE__, {"foo=1", ""}, "foo=1"},
      {__LINE__, {""}, std::nullopt},
      // A repeated key keeps its first member (in one header or across two).
      {__LINE__, {"foo=1,foo=1"}, "foo=1"},
      {__LINE__, {"foo=1,foo=2"}, "foo=1"},
      {__LINE__, {"foo=1", "foo=1"}, "foo=1"},
      {__LINE__, {"foo=1,bar=2", "foo=3,baz=4"}, "foo=1,bar=2,baz=4"},
      // Level 2 keys: '@' anywhere after the first character.
      {__LINE__, {"foo@=1,bar=2"}, "foo@=1,bar=2"},
      {__LINE__, {"a@b@c=1"}, "a@b@c=1"},
      {__LINE__, {"FOO=1"}, std::nullopt},
      {__LINE__, {"@foo=1,bar=2"}, std::nullopt},
      {__LINE__, {"foo=bar=baz"}, std::nullopt},
      {__LINE__, {"foo=,bar=3"}, std::nullopt},
  }));
  CAPTURE(row.line);

  HeaderList headers = {{"traceparent", kTraceparent}};
  for (const std::string& value : row.values) {
    headers.emplace_back(headers.size() % 2 ? "tracestate" : "TraceState",
                         value);
  }
  const Callback callback = harness.send(headers)[0];
  // An invalid tracestate never costs the traceparent.
  CHECK(Harness::forwarded_context(callback).trace_id().to_hex() == kTraceId);
  CHECK(Harness::forwarded_tracestate(callback) == row.expected);
}

TEST_CASE("the service forwards up to 32 tracestate members, not 33",
          "[w3c][integration]") {
  Harness harness;
  const int members = GENERATE(32, 33);
  CAPTURE(members);
  HeaderList headers = {{"traceparent", kTraceparent}};
  std::string expected;
  for (int i = 1; i <= members; ++i) {
    const std::string member =
        "bar" + std::to_string(i) + "=" + std::to_string(i);
    headers.emplace_back("tracestate", member);  // one header per member
    expected += (i > 1 ? "," : "") + member;
  }
  const auto forwarded =
      Harness::forwarded_tracestate(harness.send(headers)[0]);
  if (members == 32) {
    CHECK(forwarded == expected);
  } else {
    CHECK_FALSE(forwarded.has_value());
  }
}

TEST_CASE("each outgoing call is a new child span of the same parent",
          "[w3c][integration]") {
  Harness harness;
  const nlohmann::json arguments = {{{"url", "http://example.invalid/"}}};
  const std::vector<Callback> callbacks = harness.send(
      {{"traceparent", kTraceparent}, {"tracestate", "congo=t61rcWkgMzE"}}, 3,
      arguments);

  std::set<std::string> span_ids;
  for (const Callback& callback : callbacks) {
    const weft::SpanContext forwarded = Harness::forwarded_context(callback);
    CHECK(forwarded.trace_id().to_hex() == kTraceId);
    span_ids.insert(forwarded.span_id().to_hex());
    CHECK(Harness::forwarded_tracestate(callback) == "congo=t61rcWkgMzE");
    // The call's `arguments` are its body, as JSON.
    CHECK(nlohmann::json::parse(callback.body) == arguments);
  }
  CHECK(span_ids.size() == 3);
  CHECK(span_ids.count(kParentId) == 0);
}

TEST_CASE(
    "the service rejects a body that is not a JSON array and stops "
    "cleanly on SIGTERM",
    "[w3c][integration]") {
  Harness harness;
  httplib::Client client("127.0.0.1", harness.service().port());
  const auto result = client.Post("/test", "{\"url\":1}", "application/json");
  REQUIRE(result);
  CHECK(result->status == 400);
  CHECK(harness.service().stop() == 0);
}
