// `weft collect`: a small OTLP/gRPC and OTLP/HTTP receiver (a stand-in
// collector on loopback) that stores each request as one line of OTLP/JSON,
// and that can play a faulty collector for tests. See print_help() for the
// options.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "collector.h"
#include "command_line.h"
#include "otlp_json.h"
#include "subcommands.h"

namespace weft::tools {
namespace {

void print_help(std::FILE* out) {
  std::fputs(
      "usage: weft collect [options]\n"
      "\n"
      "Receives spans over OTLP/gRPC (TraceService/Export) and OTLP/HTTP\n"
      "(POST /v1/traces, application/x-protobuf or application/json), gzip\n"
      "accepted, and writes each request as one line of OTLP/JSON. Prints\n"
      "the addresses it listens on, and a summary when stopped with SIGINT\n"
      "or SIGTERM.\n"
      "\n"
      "  --listen HOST:PORT      OTLP/gRPC address (default 127.0.0.1:4317,\n"
      "                          not used when only --listen-http is given);\n"
      "                          port 0 picks a free port, printed at start:\n"
      "                          'weft collect: listening on HOST:PORT'\n"
      "  --listen-http HOST:PORT OTLP/HTTP address (e.g. 127.0.0.1:4318),\n"
      "                          printed as 'weft collect: listening on\n"
      "                          HOST:PORT (OTLP/HTTP)'\n"
      "  --max-request-bytes N   the largest OTLP/HTTP body, as sent and once\n"
      "                          inflated (default 4194304); larger: 413\n"
      "  --out FILE              write OTLP/JSON lines to FILE ('-': stdout);\n"
      "                          without it, requests are decoded and counted\n"
      "  --count-only            decode and count only (the default without\n"
      "                          --out)\n"
      "  --exit-after-spans N    stop by itself once N spans were accepted\n"
      "  --tls-cert FILE         serve TLS (gRPC and HTTPS) with this PEM\n"
      "                          certificate chain\n"
      "  --tls-key FILE          ... and this PEM private key\n"
      "  --tls-client-ca FILE    require client certificates from this CA\n"
      "Faulty-collector switches (for tests; the same for both transports):\n"
      "  --fail-first N          answer the first N requests with --fail-code\n"
      "                          (gRPC) or --fail-http-status (HTTP)\n"
      "  --fail-code CODE        gRPC status name or number (default\n"
      "                          UNAVAILABLE)\n"
      "  --fail-http-status N    HTTP status from 400 to 599 (default 503)\n"
      "  --retry-after MS        send a google.rpc.RetryInfo of MS (gRPC) or\n"
      "                          'Retry-After: <MS in seconds, rounded up>'\n"
      "                          (HTTP) with them\n"
      "  --delay MS              wait MS before every answer\n"
      "  --reject-spans N        report N spans of every request as rejected\n"
      "                          (OTLP partial success)\n"
      "  --partial-message TEXT  the partial success's error message\n"
      "  -h, --help              this text\n",
      out);
}

// The largest --delay and --retry-after (a day), and --reject-spans.
constexpr std::uint64_t kMaxMilliseconds = 24 * 60 * 60 * 1000;
constexpr std::uint64_t kMaxSpans = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t kNotGiven = std::numeric_limits<std::uint64_t>::max();

// The largest --max-request-bytes (1 GiB).
constexpr std::uint64_t kMaxRequestBytes = 1024 * 1024 * 1024;

struct Arguments {
  CollectorOptions collector;
  std::string out;
  bool count_only = false;
  std::uint64_t exit_after_spans = 0;
};

// Parses argv into `arguments`; on bad usage prints why and returns false.
bool parse_arguments(int argc, char** argv, Arguments& arguments, bool& help) {
  CollectorOptions& options = arguments.collector;
  std::uint64_t retry_after = kNotGiven;
  std::uint64_t delay = 0;
  std::uint64_t reject_spans = 0;
  std::uint64_t max_request_bytes = options.max_request_bytes;
  std::uint32_t fail_http_status =
      static_cast<std::uint32_t>(options.fail_http_status);
  std::string listen;
  CommandLine command_line("weft collect");
  command_line.add_text("listen", listen);
  command_line.add_text("listen-http", options.listen_http);
  command_line.add_number("max-request-bytes", max_request_bytes, 1,
                          kMaxRequestBytes);
  command_line.add_text("out", arguments.out);
  command_line.add_switch("count-only", arguments.count_only);
  command_line.add_number("exit-after-spans", arguments.exit_after_spans);
  command_line.add_text("tls-cert", options.tls_certificate_file);
  command_line.add_text("tls-key", options.tls_key_file);
  command_line.add_text("tls-client-ca", options.tls_client_ca_file);
  command_line.add_number("fail-first", options.fail_first);
  command_line.add_custom("fail-code", [&options](std::string_view value) {
    const std::optional<grpc::StatusCode> code = parse_status_code(value);
    if (!code || *code == grpc::StatusCode::OK) {
      return std::string(
          "a gRPC error code (e.g. UNAVAILABLE, INVALID_ARGUMENT, 14)");
    }
    options.fail_code = *code;
    return std::string();
  });
  command_line.add_number("fail-http-status", fail_http_status, 400, 599);
  command_line.add_number("retry-after", retry_after, 0, kMaxMilliseconds);
  command_line.add_number("delay", delay, 0, kMaxMilliseconds);
  command_line.add_number("reject-spans", reject_spans, 0, kMaxSpans);
  command_line.add_text("partial-message", options.partial_message);
  if (!command_line.parse(argc, argv)) {
    std::fprintf(stderr, "%s\n", command_line.error().c_str());
    return false;
  }
  help = command_line.help();
  if (help) return true;
  // gRPC listens where --listen says, or on its default address unless
  // only --listen-http was given.
  if (!listen.empty()) {
    options.listen = listen;
  } else if (!options.listen_http.empty()) {
    options.listen.clear();
  }
  options.max_request_bytes = static_cast<std::size_t>(max_request_bytes);
  options.fail_http_status = static_cast<int>(fail_http_status);
  if (retry_after != kNotGiven) {
    options.retry_after = std::chrono::milliseconds(retry_after);
  }
  if (delay != 0) options.delay = std::chrono::milliseconds(delay);
  options.reject_spans = static_cast<std::int64_t>(reject_spans);
  if (options.tls_certificate_file.empty() != options.tls_key_file.empty()) {
    std::fprintf(stderr,
                 "weft collect: --tls-cert and --tls-key go together; see "
                 "weft collect --help\n");
    return false;
  }
  return true;
}

// Appends OTLP/JSON lines to the output; reports the first write error.
class JsonLineWriter {
 public:
  JsonLineWriter(std::FILE* file, std::string name)
      : file_(file), name_(std::move(name)) {}

  void write(const ExportTraceServiceRequest& request) {
    const std::string line = otlp::to_otlp_json(request);
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) return;
    if (line.empty()) {
      std::fprintf(stderr, "weft collect: cannot print a request as JSON\n");
      return;
    }
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
        std::fputc('\n', file_) == EOF || std::fflush(file_) != 0) {
      failed_ = true;
      std::fprintf(stderr,
                   "weft collect: cannot write to '%s': %s; later requests "
                   "are counted but not written\n",
                   name_.c_str(), std::strerror(errno));
    }
  }
  bool failed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_;
  }

 private:
  std::FILE* file_;
  std::string name_;
  mutable std::mutex mutex_;
  bool failed_ = false;
};

}  // namespace

int run_collect(int argc, char** argv) {
  Arguments arguments;
  bool help = false;
  if (!parse_arguments(argc, argv, arguments, help)) return 2;
  if (help) {
    print_help(stdout);
    return 0;
  }

  std::FILE* out = nullptr;
  const bool write_json = !arguments.count_only && !arguments.out.empty();
  if (write_json) {
    out =
        arguments.out == "-" ? stdout : std::fopen(arguments.out.c_str(), "w");
    if (out == nullptr) {
      std::fprintf(stderr, "weft collect: cannot open '%s' for writing: %s\n",
                   arguments.out.c_str(), std::strerror(errno));
      return 1;
    }
  }
  // Status lines go to stdout, unless stdout carries the JSON.
  std::FILE* status = arguments.out == "-" && write_json ? stderr : stdout;
  std::optional<JsonLineWriter> writer;
  if (write_json) writer.emplace(out, arguments.out);

  // Signals are taken by sigwait() below; block them before gRPC starts
  // its threads so that they inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // sent to ourselves by --exit-after-spans
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::atomic<std::uint64_t> spans_seen{0};
  std::atomic<bool> exit_requested{false};
  const std::uint64_t exit_after = arguments.exit_after_spans;
  arguments.collector.on_malformed = [](const std::string& problem) {
    std::fprintf(stderr, "weft collect: malformed request: %s\n",
                 problem.c_str());
  };
  auto collector = Collector::start(
      arguments.collector, [&](const ExportTraceServiceRequest& request) {
        if (writer) writer->write(request);
        if (exit_after == 0) return;
        std::uint64_t spans = 0;
        for (const auto& resource_spans : request.resource_spans()) {
          for (const auto& scope_spans : resource_spans.scope_spans()) {
            spans += static_cast<std::uint64_t>(scope_spans.spans_size());
          }
        }
        if (spans_seen.fetch_add(spans) + spans >= exit_after &&
            !exit_requested.exchange(true)) {
          kill(getpid(), SIGUSR1);
        }
      });
  if (!collector) {
    std::fprintf(stderr, "weft collect: %s\n",
                 collector.error().message.c_str());
    if (out != nullptr && out != stdout) std::fclose(out);
    return 1;
  }
  const bool tls = !arguments.collector.tls_certificate_file.empty();
  if (!collector.value()->address().empty()) {
    std::fprintf(status, "weft collect: listening on %s%s\n",
                 collector.value()->address().c_str(), tls ? " (TLS)" : "");
  }
  if (!collector.value()->http_address().empty()) {
    std::fprintf(status, "weft collect: listening on %s (OTLP/HTTP%s)\n",
                 collector.value()->http_address().c_str(), tls ? ", TLS" : "");
  }
  std::fflush(status);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  collector.value()->stop();
  const CollectorStats stats = collector.value()->stats();
  std::fprintf(
      status,
      "weft collect: stopped (%s): %llu requests, %llu spans "
      "accepted; %llu requests failed on purpose, %llu malformed, "
      "%llu spans reported rejected\n",
      signal_number == SIGUSR1 ? "span count reached"
                               : strsignal(signal_number),
      static_cast<unsigned long long>(stats.requests),
      static_cast<unsigned long long>(stats.spans_accepted),
      static_cast<unsigned long long>(stats.requests_failed_on_purpose),
      static_cast<unsigned long long>(stats.requests_malformed),
      static_cast<unsigned long long>(stats.spans_rejected));
  std::fflush(status);
  const bool write_failed = writer && writer->failed();
  if (out != nullptr && out != stdout && std::fclose(out) != 0) {
    std::fprintf(stderr, "weft collect: cannot close '%s': %s\n",
                 arguments.out.c_str(), std::strerror(errno));
    return 1;
  }
  return write_failed ? 1 : 0;
}

}  // namespace weft::tools
