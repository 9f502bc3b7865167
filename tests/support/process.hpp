#pragma once
// Child processes for integration tests (the gateway, ffmpeg, rtmpdump, ...).
// Output goes to a log file so a failing test can show it.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace streamgate::test {

struct RunResult {
  int exit_code = -1;  ///< -1 when it had to be killed at the timeout
  bool timed_out = false;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs `program` (looked up in PATH unless it has a '/') to completion.
RunResult run(const std::string& program, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// A child running in the background; killed (SIGKILL) when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               std::filesystem::path log_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool running();
  int pid() const;
  /// Waits up to `timeout` for exit; the exit code, or nullopt if still running.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  /// Sends SIGTERM (graceful stop).
  void terminate();
  /// Sends SIGINT.
  void interrupt();
  /// Sends SIGKILL and reaps.
  void kill();
  /// Everything the child wrote so far (stdout and stderr, interleaved).
  std::string output() const;
  const std::filesystem::path& log_file() const { return log_file_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path log_file_;
};

/// Resident set size of process `pid` in bytes (0 if unknown).
std::size_t rss_bytes(int pid);

/// Finds `program` in PATH; empty when absent.
std::string find_program(const std::string& program);

}  // namespace streamgate::test
