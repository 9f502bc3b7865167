#include "support/process.hpp"

#include <boost/process.hpp>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

// The one OS-specific seam of the test support: signals and /proc.
#include <signal.h>

namespace bp = boost::process;

namespace streamgate::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Boost.Process v1's child::wait_for can sleep out its whole timeout after the
// child has exited (boostorg/process#69); polling running() (waitpid WNOHANG) does not.
bool wait_polling(bp::child& child, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::error_code ec;
  while (child.running(ec)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

boost::filesystem::path resolve(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  auto found = bp::search_path(program);
  if (found.empty()) throw std::runtime_error("program not found in PATH: " + program);
  return found;
}

}  // namespace

std::string find_program(const std::string& program) { return bp::search_path(program).string(); }

RunResult run(const std::string& program, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout) {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path();
  auto stem = "sg-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  auto out_path = dir / (stem + ".out");
  auto err_path = dir / (stem + ".err");
  RunResult result;
  bp::child child(resolve(program), bp::args(args), bp::std_out > out_path.string(),
                  bp::std_err > err_path.string(), bp::std_in < bp::null);
  if (!wait_polling(child, timeout)) {
    result.timed_out = true;
    child.terminate();
    child.wait();
  } else {
    result.exit_code = child.exit_code();
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

struct ChildProcess::Impl {
  bp::child child;
  int exit_code = -1;
  bool reaped = false;
};

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           std::filesystem::path log_file)
    : log_file_(std::move(log_file)) {
  impl_ = std::make_unique<Impl>();
  impl_->child = bp::child(resolve(program), bp::args(args),
                           (bp::std_out & bp::std_err) > log_file_.string(), bp::std_in < bp::null);
}

ChildProcess::~ChildProcess() {
  if (impl_ && !impl_->reaped) kill();
}

bool ChildProcess::running() {
  if (impl_->reaped) return false;
  return impl_->child.running();
}

int ChildProcess::pid() const { return impl_->child.id(); }

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  if (impl_->reaped) return impl_->exit_code;
  if (!wait_polling(impl_->child, timeout)) return std::nullopt;
  impl_->reaped = true;
  impl_->exit_code = impl_->child.exit_code();
  return impl_->exit_code;
}

void ChildProcess::terminate() {
  if (!impl_->reaped) ::kill(pid(), SIGTERM);
}

void ChildProcess::interrupt() {
  if (!impl_->reaped) ::kill(pid(), SIGINT);
}

void ChildProcess::kill() {
  if (impl_->reaped) return;
  std::error_code ec;
  impl_->child.terminate(ec);  // SIGKILL
  impl_->child.wait(ec);
  impl_->reaped = true;
  impl_->exit_code = -9;
}

std::string ChildProcess::output() const { return read_file(log_file_); }

std::size_t rss_bytes(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::size_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace streamgate::test
