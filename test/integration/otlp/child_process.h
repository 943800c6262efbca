// ChildProcess: runs a program (here `weft collect` and `openssl`) with its
// stdout and stderr captured, for the integration tests: read lines with a
// deadline, send signals, wait for the exit status with a deadline.
// One test thread at a time.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace weft::testing {

class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& arguments) {
    int out[2];
    int err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<char*> argv;
    for (const std::string& argument : arguments) {
      argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
        0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && !exit_status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ >= 0) close(stdout_);
    if (stderr_ >= 0) close(stderr_);
  }

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  void signal(int number) { kill(pid_, number); }

  // The next stdout line containing `part`, or nullopt at the deadline or
  // at end of output.
  std::optional<std::string> wait_for_line(const std::string& part,
                                           std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const std::size_t newline = out_text_.find('\n', out_scanned_);
      if (newline != std::string::npos) {
        std::string line =
            out_text_.substr(out_scanned_, newline - out_scanned_);
        out_scanned_ = newline + 1;
        if (line.find(part) != std::string::npos) return line;
        continue;
      }
      if (!read_some(deadline)) return std::nullopt;
    }
  }

  // Waits for the exit status (reading all output); nullopt at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_some(deadline)) {
    }
    while (!exit_status_) {
      int status = 0;
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_status_ =
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      pollfd none{};
      poll(&none, 0, 5);  // the child has closed its output; reap it
    }
    return exit_status_;
  }

  const std::string& out_text() const { return out_text_; }
  const std::string& err_text() const { return err_text_; }

 private:
  // Reads what is available from stdout or stderr; false at the deadline or
  // when both are closed.
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      pollfd fds[2] = {{stdout_, POLLIN, 0}, {stderr_, POLLIN, 0}};
      const int open = (stdout_ >= 0) + (stderr_ >= 0);
      if (open == 0) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (poll(fds, 2, static_cast<int>(left.count())) <= 0) return false;
      bool got = false;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        char buffer[4096];
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        std::string& text = i == 0 ? out_text_ : err_text_;
        if (n > 0) {
          text.append(buffer, static_cast<std::size_t>(n));
          got = true;
        } else {
          close(fds[i].fd);
          (i == 0 ? stdout_ : stderr_) = -1;
        }
      }
      if (got) return true;
    }
  }

  pid_t pid_ = -1;
  int stdout_ = -1;
  int stderr_ = -1;
  std::string out_text_;
  std::string err_text_;
  std::size_t out_scanned_ = 0;
  std::optional<int> exit_status_;
};

// How a program that ran to its end exited, and what it printed.
struct ProgramRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `arguments` to its end; fails the test when the program cannot start
// or does not exit within `timeout`.
inline ProgramRun run_program(const std::vector<std::string>& arguments,
                              std::chrono::milliseconds timeout) {
  ChildProcess child(arguments);
  REQUIRE(child.started());
  const std::optional<int> code = child.wait_exit(timeout);
  REQUIRE(code.has_value());
  return {*code, child.out_text(), child.err_text()};
}

// The address a `weft collect` child printed in its "listening on ADDRESS"
// line; fails the test when no such line comes within `timeout`.
inline std::string listening_address(ChildProcess& collector,
                                     std::chrono::milliseconds timeout) {
  const std::optional<std::string> line =
      collector.wait_for_line("listening on", timeout);
  REQUIRE(line.has_value());
  return line->substr(line->find("listening on ") + 13);
}

// The whole content of the file at `path` (empty when it cannot be read).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace weft::testing
