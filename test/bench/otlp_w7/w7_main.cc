// weft_w7: OTLP end to end, workloads W7, W7b and W9 of shared/BENCH.md.
//
// Starts `weft collect --count-only` (a gRPC server in another process that
// decodes every request and counts its spans), then produces 200,000 spans
// (2 links without attributes, 4 span attributes) from one thread as fast
// as it can through a batch processor (batch 512, delay 5 ms) and the real
// OTLP/gRPC exporter, and force-flushes. Reports spans received by the
// collector, wall seconds from the first span to the end of force_flush,
// delivered spans/s, spans dropped by the queue, and this process's peak
// RSS, and the CPU time both processes used per span in that window (from
// /proc/*/task/*/schedstat: a figure that a busy machine disturbs far less
// than wall time). W7 uses a queue of 262,144 (nothing should be dropped); W7b
// the default queue of 2048, run as a fresh process so that its peak RSS is its
// own. W9 is W7 over OTLP/HTTP (http/protobuf, the real OTLP/HTTP exporter)
// to `weft collect --listen-http --count-only`, also a fresh process.
//
// Run: weft_w7            (W7, then W7b and W9 in child processes)
//      weft_w7 --http      (W9 alone: W7 over OTLP/HTTP)
//      weft_w7 --queue N [--spans N] [--weft PATH]   (one run)
//      --in-flight N: the exporter's max_concurrent_exports (default: its
//      default, 2); 1 is the synchronous exporter, for comparison.
//      --queued-kib N: its max_queued_bytes in KiB (default: its default).
// Sample run: see the benchmark table of docs/performance.md.
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "child_process.h"
#include "weft/exporters/otlp_grpc_exporter.h"
#include "weft/exporters/otlp_http_exporter.h"
#include "weft/sdk/batch_span_processor.h"
#include "weft/sdk/id_generator.h"
#include "weft/sdk/tracer_provider.h"
#include "weft/weft.h"

namespace {

using namespace std::chrono_literals;

struct Settings {
  std::uint32_t queue = 262144;
  std::uint64_t spans = 200000;
  std::string weft = WEFT_PROGRAM;
  std::uint32_t in_flight = 0;  // 0: the exporter's default
  long queued_kib = -1;         // -1: the exporter's default
  bool single = false;
  bool http = false;  // W9: OTLP/HTTP instead of OTLP/gRPC
};

// VmHWM (the peak resident set of this process image). Not getrusage():
// its ru_maxrss survives execve, so a child spawned by a big parent would
// report the parent's peak.
double peak_rss_mib() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return -1;
  char line[256];
  double kib = -1;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::atof(line + 6);
  }
  std::fclose(status);
  return kib / 1024.0;
}

// CPU time used so far by every thread of process `pid` ("self" for this
// one), in nanoseconds, from /proc/PID/task/*/schedstat; -1 if unreadable.
// Threads that already exited are not counted.
double cpu_ns(const std::string& pid) {
  DIR* tasks = opendir(("/proc/" + pid + "/task").c_str());
  if (tasks == nullptr) return -1;
  double total = 0;
  while (const dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] == '.') continue;
    const std::string path =
        "/proc/" + pid + "/task/" + entry->d_name + "/schedstat";
    if (std::FILE* file = std::fopen(path.c_str(), "r")) {
      unsigned long long ns = 0;
      if (std::fscanf(file, "%llu", &ns) == 1) total += static_cast<double>(ns);
      std::fclose(file);
    }
  }
  closedir(tasks);
  return total;
}

// The exporter under test, to the collector at `address` (host:port), and
// a reader of its counters; null (with the reason printed) when it cannot
// be made.
std::unique_ptr<weft::sdk::SpanExporter> make_exporter(
    const Settings& settings, const std::string& address,
    std::function<weft::exporters::OtlpExporterStats()>& stats) {
  if (settings.http) {
    weft::exporters::OtlpHttpExporterOptions options;
    options.endpoint = "http://" + address;
    options.logger = weft::sdk::make_stderr_logger();
    auto exporter = weft::exporters::make_otlp_http_exporter(options);
    if (!exporter) {
      std::fprintf(stderr, "weft_w7: %s\n", exporter.error().message.c_str());
      return nullptr;
    }
    stats = exporter.value()->stats_reader();
    return std::move(exporter).value();
  }
  weft::exporters::OtlpGrpcExporterOptions exporter_options;
  exporter_options.endpoint = "http://" + address;
  exporter_options.logger = weft::sdk::make_stderr_logger();
  if (settings.in_flight != 0) {
    exporter_options.max_concurrent_exports = settings.in_flight;
  }
  if (settings.queued_kib >= 0) {
    exporter_options.max_queued_bytes =
        static_cast<std::size_t>(settings.queued_kib) * 1024;
  }
  auto exporter = weft::exporters::make_otlp_grpc_exporter(exporter_options);
  if (!exporter) {
    std::fprintf(stderr, "weft_w7: %s\n", exporter.error().message.c_str());
    return nullptr;
  }
  stats = exporter.value()->stats_reader();
  return std::move(exporter).value();
}

int run_once(const Settings& settings) {
  weft::testing::ChildProcess collect(
      {settings.weft, "collect", settings.http ? "--listen-http" : "--listen",
       "127.0.0.1:0", "--count-only"});
  const auto listening = collect.wait_for_line("listening on", 20s);
  std::smatch match;
  if (!listening ||
      !std::regex_search(*listening, match,
                         std::regex("listening on ([0-9.]+:[0-9]+)"))) {
    std::fprintf(stderr, "weft_w7: weft collect did not start: %s\n",
                 collect.err_text().c_str());
    return 1;
  }

  std::function<weft::exporters::OtlpExporterStats()> exporter_stats;
  auto exporter = make_exporter(settings, match[1].str(), exporter_stats);
  if (!exporter) return 1;
  weft::sdk::BatchOptions batch;
  batch.max_queue_size = settings.queue;
  batch.max_export_batch_size = 512;
  batch.schedule_delay = 5ms;
  auto processor = weft::sdk::make_batch_processor(std::move(exporter), batch);
  if (!processor) {
    std::fprintf(stderr, "weft_w7: %s\n", processor.error().message.c_str());
    return 1;
  }
  weft::sdk::TracerProviderOptions options;
  options.service_name = "weft-w7";
  options.sampler = weft::sdk::make_always_on_sampler();
  options.processors.push_back(std::move(processor).value());
  auto provider = weft::sdk::make_tracer_provider(std::move(options));
  if (!provider) {
    std::fprintf(stderr, "weft_w7: %s\n", provider.error().message.c_str());
    return 1;
  }
  auto tracer = provider.value()->get_tracer("weft.bench.w7");
  auto ids = weft::sdk::make_random_id_generator();
  const weft::Link links[] = {
      weft::Link{weft::SpanContext(ids->new_trace_id(), ids->new_span_id(),
                                   weft::TraceFlags(1)),
                 {}},
      weft::Link{weft::SpanContext(ids->new_trace_id(), ids->new_span_id(),
                                   weft::TraceFlags(1)),
                 {}}};
  const weft::StartSpanOptions start =
      weft::StartSpanOptions().as_root().with_borrowed_links(links);

  const std::string collector_pid = std::to_string(collect.pid());
  const double own_cpu_before = cpu_ns("self");
  const double collector_cpu_before = cpu_ns(collector_pid);
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < settings.spans; ++i) {
    tracer
        ->start_span("w7.span", start,
                     {{"order.id", "ORD-0001"},
                      {"item.count", static_cast<std::int64_t>(i)},
                      {"price", 12.5},
                      {"express", true}})
        .end();
  }
  const double produced_in =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  const std::uint64_t sent_when_produced = exporter_stats().spans_sent;
  const bool flushed = provider.value()->force_flush(120s);
  const double own_cpu = cpu_ns("self") - own_cpu_before;
  const double collector_cpu = cpu_ns(collector_pid) - collector_cpu_before;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  const double rss = peak_rss_mib();
  const weft::sdk::TracerStats stats = provider.value()->stats();
  provider.value()->shutdown(10s);

  collect.signal(SIGTERM);
  collect.wait_exit(20s);
  std::smatch summary;
  const std::string out = collect.out_text();
  unsigned long long received = 0;
  if (std::regex_search(out, summary, std::regex("([0-9]+) spans accepted"))) {
    received = std::stoull(summary[1].str());
  }
  const auto sent = exporter_stats();
  std::printf(
      "%s queue %u: produced %llu, received %llu, dropped by the queue %llu "
      "(%.1f%%), export failures %llu; wall %.3f s; delivered %.0f spans/s; "
      "peak RSS %.1f MiB%s (producing took %.3f s, %llu spans delivered by "
      "then); CPU per produced span: this process %.2f us, the collector %.2f "
      "us\n",
      settings.http                      ? "W9 "
      : settings.queue >= settings.spans ? "W7 "
                                         : "W7b",
      settings.queue, static_cast<unsigned long long>(settings.spans), received,
      static_cast<unsigned long long>(stats.spans_dropped),
      100.0 * static_cast<double>(stats.spans_dropped) /
          static_cast<double>(settings.spans),
      static_cast<unsigned long long>(sent.spans_dropped()), wall,
      static_cast<double>(received) / wall, rss,
      flushed ? "" : " (force_flush timed out)", produced_in,
      static_cast<unsigned long long>(sent_when_produced),
      own_cpu / 1000.0 / static_cast<double>(settings.spans),
      collector_cpu / 1000.0 / static_cast<double>(settings.spans));
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--http") {
      settings.http = true;
      settings.single = true;
      --i;  // a switch, without a value
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "weft_w7: %s needs a value\n", flag.c_str());
      return 2;
    }
    if (flag == "--queue") {
      settings.queue = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
      settings.single = true;
    } else if (flag == "--spans") {
      settings.spans = std::stoull(argv[i + 1]);
    } else if (flag == "--in-flight") {
      settings.in_flight = static_cast<std::uint32_t>(std::stoul(argv[i + 1]));
    } else if (flag == "--queued-kib") {
      settings.queued_kib = std::stol(argv[i + 1]);
    } else if (flag == "--weft") {
      settings.weft = argv[i + 1];
    } else {
      std::fprintf(stderr,
                   "usage: weft_w7 [--queue N] [--spans N] [--in-flight N] "
                   "[--queued-kib N] [--weft PATH] [--http]\n");
      return 2;
    }
  }
  if (settings.single) return run_once(settings);
  if (const int status = run_once(settings); status != 0) return status;
  // W7b in a fresh process, so that its peak RSS is its own.
  std::vector<std::string> w7b_arguments = {"/proc/self/exe",
                                            "--queue",
                                            "2048",
                                            "--spans",
                                            std::to_string(settings.spans),
                                            "--weft",
                                            settings.weft};
  if (settings.in_flight != 0) {
    w7b_arguments.push_back("--in-flight");
    w7b_arguments.push_back(std::to_string(settings.in_flight));
  }
  if (settings.queued_kib >= 0) {
    w7b_arguments.push_back("--queued-kib");
    w7b_arguments.push_back(std::to_string(settings.queued_kib));
  }
  weft::testing::ChildProcess w7b(w7b_arguments);
  const auto status = w7b.wait_exit(300s);
  std::fputs(w7b.out_text().c_str(), stdout);
  std::fputs(w7b.err_text().c_str(), stderr);
  if (status.value_or(1) != 0) return status.value_or(1);
  // W9 (W7 over OTLP/HTTP) in a fresh process too.
  weft::testing::ChildProcess w9({"/proc/self/exe", "--spans",
                                  std::to_string(settings.spans), "--weft",
                                  settings.weft, "--http"});
  const auto w9_status = w9.wait_exit(300s);
  std::fputs(w9.out_text().c_str(), stdout);
  std::fputs(w9.err_text().c_str(), stderr);
  return w9_status.value_or(1);
}
