// message_queue: producers in a child process send messages with their
// trace context in the headers through a pipe; the consumer (this process)
// extracts each context and links `consumed_from` to it (see README.md).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/sample_setup.h"
#include "message_queue/message_queue.h"

namespace {

constexpr std::string_view kOptionsHelp =
    "  --producers N      producer names (default 3)\n"
    "  --messages N       messages per producer (default 2)\n"
    "  --batch-size N     messages per consume-message-batch (default 10)\n";

}  // namespace

int main(int argc, char** argv) {
  const weft::samples::SampleInfo consumer_info{
      "message_queue", "message-queue-consumer",
      "A child process produces messages (send-message spans) whose headers "
      "carry the W3C\ntraceparent; they reach this process as bytes through "
      "a pipe, and one\nconsume-message-batch span links consumed_from to "
      "each producer span.",
      kOptionsHelp};
  weft::samples::ProducerOptions producer_options;
  std::uint32_t batch_size = 10;
  weft::tools::CommandLine command_line(std::string(consumer_info.program));
  command_line.add_number("producers", producer_options.producers);
  command_line.add_number("messages", producer_options.messages_per_producer);
  command_line.add_number("batch-size", batch_size, 1);
  weft::samples::CommonFlags flags;
  int exit_code = 0;
  if (!weft::samples::parse_common_flags(consumer_info, command_line, argc,
                                         argv, flags, exit_code)) {
    return exit_code;
  }

  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    std::perror("message_queue: pipe");
    return 1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t producer_pid = ::fork();
  if (producer_pid < 0) {
    std::perror("message_queue: fork");
    return 1;
  }
  if (producer_pid == 0) {
    // The producer process: its own provider, its own service name.
    ::close(pipe_fds[0]);
    ::signal(SIGPIPE, SIG_IGN);  // a gone consumer is a write error
    weft::samples::SampleInfo producer_info = consumer_info;
    producer_info.program = "message_queue (producer)";
    producer_info.service_name = "message-queue-producer";
    const int code = weft::samples::run_sample(
        producer_info, flags,
        [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
          const std::size_t sent = weft::samples::run_producers(
              tracer, pipe_fds[1], producer_options);
          ::close(pipe_fds[1]);  // end of the queue: the consumer sees EOF
          return sent == std::size_t{producer_options.producers} *
                             producer_options.messages_per_producer;
        });
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(code);
  }

  ::close(pipe_fds[1]);
  weft::samples::ConsumeResult consumed;
  const int consumer_code = weft::samples::run_sample(
      consumer_info, flags,
      [&](weft::Tracer& tracer, const weft::sdk::SpanLimits&) {
        consumed = weft::samples::run_consumer(tracer, pipe_fds[0], batch_size);
        ::close(pipe_fds[0]);
        std::fprintf(stderr,
                     "message_queue: consumed %zu messages in %zu batches, "
                     "%zu linked to their producer\n",
                     consumed.messages, consumed.batches, consumed.linked);
        return consumed.malformed == 0 && consumed.linked == consumed.messages;
      });

  int status = 0;
  while (::waitpid(producer_pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("message_queue: waitpid");
      return 1;
    }
  }
  const int producer_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (producer_code != 0) {
    std::fprintf(stderr, "message_queue: the producer process exited with %d\n",
                 producer_code);
  }
  return consumer_code != 0 ? consumer_code : producer_code;
}
