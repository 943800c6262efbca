// ForkedChild: runs a function in a real fork()ed child of the test process
// and brings back what it wrote and how it exited, for the tests of weft
// after fork(). The child writes lines to a pipe (write_line) and its exit
// code is the function's result (0: every check passed); it leaves with
// _Exit, so that the test framework's own state is never torn down twice.
// The parent waits for the child with a deadline and kills it when it does
// not finish (a hang is a failure, not a stuck test). One thread at a time.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace weft::testing {

class ForkedChild {
 public:
  // Forks; the child runs `body(*this)` and exits with its result.
  template <class Body>
  explicit ForkedChild(Body body) {
    int fds[2];
    if (pipe(fds) != 0) return;
    std::fflush(nullptr);  // buffered output is not written twice
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[0]);
      pipe_ = fds[1];
      const int code = body(*this);
      std::_Exit(code);
    }
    close(fds[1]);
    if (pid_ < 0) {
      close(fds[0]);
      return;
    }
    pipe_ = fds[0];
  }
  ForkedChild(const ForkedChild&) = delete;
  ForkedChild& operator=(const ForkedChild&) = delete;
  ~ForkedChild() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (pipe_ >= 0) close(pipe_);
  }

  bool started() const { return pid_ > 0; }

  // In the child: sends `line` to the parent.
  void write_line(std::string_view line) const {
    std::string text(line);
    text += '\n';
    std::size_t written = 0;
    while (written < text.size()) {
      const ssize_t n =
          write(pipe_, text.data() + written, text.size() - written);
      if (n <= 0) return;
      written += static_cast<std::size_t>(n);
    }
  }

  // In the parent: reads what the child writes until it exits, then its
  // exit code (128 + the signal when a signal ended it); nullopt when it has
  // not exited within `timeout` (it is then killed).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pipe_ >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd fd{pipe_, POLLIN, 0};
      if (left.count() <= 0 ||
          poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        exit_code_ = -1;
        return std::nullopt;
      }
      char buffer[4096];
      const ssize_t n = read(pipe_, buffer, sizeof buffer);
      if (n > 0) {
        output_.append(buffer, static_cast<std::size_t>(n));
      } else {
        close(pipe_);  // end of output: the child is exiting
        pipe_ = -1;
      }
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  // What the child wrote (complete once wait_exit returned).
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int pipe_ = -1;  // the child's write end, or the parent's read end
  std::string output_;
  std::optional<int> exit_code_;
};

}  // namespace weft::testing
