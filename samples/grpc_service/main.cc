// grpc_service: an order-service gRPC server and its client in two
// processes, both traced with weft::instrumentation_grpc (see README.md).
//
// By default the server runs in a child process (fork() before either side
// starts gRPC) that tells the parent its port through a pipe; the parent
// runs the client, then stops the server with SIGTERM. `--serve ADDRESS`
// and `--client ADDRESS` run one side alone.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/sample_setup.h"
#include "grpc_service/grpc_service.h"

namespace {

constexpr std::string_view kOptionsHelp =
    "  --orders N         orders to place, then process as one batch "
    "(default 5)\n"
    "  --workers N        the server's worker threads (default 4)\n"
    "  --serve ADDRESS    run the server alone on ADDRESS (e.g. "
    "127.0.0.1:50051)\n"
    "                     until SIGINT or SIGTERM\n"
    "  --client ADDRESS   run the client alone against the server at "
    "ADDRESS\n";

weft::samples::SampleInfo info(std::string_view program,
                               std::string_view service_name) {
  return {program, service_name,
          "An order service over gRPC, in two processes: the client places "
          "orders (one trace\neach: submit-order -> CLIENT -> SERVER), then "
          "sends them as one batch whose\nSERVER span links batch_member to "
          "every order and fans them out to worker\nthreads (process-order, "
          "linked processes to its order).",
          kOptionsHelp};
}

// Runs the server until SIGINT or SIGTERM (blocked by the caller before
// any thread starts, and taken here with sigwait). `ready_fd`, when not -1,
// receives the port as one line once the server listens.
int serve(const weft::samples::CommonFlags& flags, const std::string& address,
          std::uint32_t workers, int ready_fd, const sigset_t& stop_signals) {
  return weft::samples::run_sample(
      info("grpc_service (server)", "order-service"), flags,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        auto server =
            weft::samples::OrderServer::start(tracer, address, workers);
        if (server == nullptr) {
          std::fprintf(stderr, "grpc_service: cannot listen on %s\n",
                       address.c_str());
          return false;
        }
        std::fprintf(stderr,
                     "grpc_service: order-service listening on port %d\n",
                     server->port());
        if (ready_fd >= 0) {
          const std::string line = std::to_string(server->port()) + "\n";
          const bool told = ::write(ready_fd, line.data(), line.size()) ==
                            static_cast<ssize_t>(line.size());
          ::close(ready_fd);
          if (!told) return false;
        }
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        server->shutdown();
        std::fprintf(stderr,
                     "grpc_service: order-service stopped: %zu orders placed, "
                     "%zu processed in batches\n",
                     server->orders_placed(), server->orders_processed());
        return true;
      });
}

int run_client(const weft::samples::CommonFlags& flags,
               const std::string& address, std::uint32_t orders) {
  return weft::samples::run_sample(
      info("grpc_service", "order-client"), flags,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        weft::samples::OrderClientOptions options;
        options.orders = orders;
        const auto result =
            weft::samples::run_order_client(tracer, address, options);
        std::fprintf(stderr,
                     "grpc_service: %zu orders accepted, %zu processed in one "
                     "batch linked to %zu of them\n",
                     result.accepted, result.processed, result.linked);
        return result.accepted == orders && result.processed == orders &&
               result.linked == orders;
      });
}

// The port line the server child writes, or -1 when it exits first or says
// nothing within 30 s.
int read_port(int fd) {
  std::string line;
  char c = 0;
  while (line.size() < 16) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 30000) <= 0) return -1;
    const ssize_t got = ::read(fd, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return -1;
    if (c == '\n') return line.empty() ? -1 : std::atoi(line.c_str());
    line.push_back(c);
  }
  return -1;
}

int wait_for(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("grpc_service: waitpid");
      return 1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t orders = 5;
  std::uint32_t workers = 4;
  std::string serve_address;
  std::string client_address;
  weft::tools::CommandLine command_line("grpc_service");
  command_line.add_number("orders", orders, 1, 1000);
  command_line.add_number("workers", workers, 1, 64);
  command_line.add_text("serve", serve_address);
  command_line.add_text("client", client_address);
  weft::samples::CommonFlags flags;
  int exit_code = 0;
  if (!weft::samples::parse_common_flags(info("grpc_service", "order-client"),
                                         command_line, argc, argv, flags,
                                         exit_code)) {
    return exit_code;
  }
  if (!serve_address.empty() && !client_address.empty()) {
    std::fprintf(stderr,
                 "grpc_service: --serve and --client run one side each; give "
                 "one of them (or neither, for both); see grpc_service "
                 "--help\n");
    return 2;
  }
  // The server stops on SIGINT or SIGTERM: blocked in every thread (gRPC's
  // included, which inherit the mask) and taken by sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (!serve_address.empty()) {
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    return serve(flags, serve_address, workers, -1, stop_signals);
  }
  if (!client_address.empty()) {
    return run_client(flags, client_address, orders);
  }

  int ready[2];
  if (::pipe(ready) != 0) {
    std::perror("grpc_service: pipe");
    return 1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t server_pid = ::fork();
  if (server_pid < 0) {
    std::perror("grpc_service: fork");
    return 1;
  }
  if (server_pid == 0) {
    ::close(ready[0]);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    const int code =
        serve(flags, "127.0.0.1:0", workers, ready[1], stop_signals);
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(code);
  }
  ::close(ready[1]);
  const int port = read_port(ready[0]);
  ::close(ready[0]);
  int client_code = 1;
  if (port > 0) {
    client_code =
        run_client(flags, "127.0.0.1:" + std::to_string(port), orders);
  } else {
    std::fprintf(stderr, "grpc_service: the server process did not start\n");
  }
  ::kill(server_pid, SIGTERM);
  const int server_code = wait_for(server_pid);
  if (server_code != 0) {
    std::fprintf(stderr, "grpc_service: the server process exited with %d\n",
                 server_code);
  }
  return client_code != 0 ? client_code : server_code;
}
