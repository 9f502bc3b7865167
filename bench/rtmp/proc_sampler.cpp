#include "proc_sampler.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>

namespace streamgate::bench {

namespace {

double clock_ticks_per_second() {
  static const double ticks = double(::sysconf(_SC_CLK_TCK));
  return ticks;
}

struct ProcStat {
  int pid = 0;
  int ppid = 0;
  std::uint64_t cpu_ticks = 0;  // utime + stime + cutime + cstime
  std::uint64_t rss_pages = 0;
};

// proc(5): /proc/PID/stat is "pid (comm) state ppid ..." where comm may hold
// spaces and parentheses, so fields are counted from the last ')'.
bool read_stat(int pid, ProcStat& out) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  // Field 3 (state) is the first after the comm; utime is 14, rss is 24.
  std::uint64_t values[22] = {};
  for (int i = 3; i <= 24; ++i) {
    if (!(fields >> field)) return false;
    if (i >= 4) values[i - 3] = std::strtoull(field.c_str(), nullptr, 10);
  }
  out.pid = pid;
  out.ppid = int(values[4 - 3]);
  out.cpu_ticks = values[14 - 3] + values[15 - 3] + values[16 - 3] + values[17 - 3];
  out.rss_pages = values[24 - 3];
  return true;
}

std::vector<ProcStat> all_processes() {
  std::vector<ProcStat> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat stat;
    if (read_stat(std::stoi(name), stat)) out.push_back(stat);
  }
  return out;
}

// proc(5) /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...
void read_machine(CpuSample& out) {
  std::ifstream in("/proc/stat");
  std::string cpu;
  std::uint64_t v[8] = {};
  in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
  const std::uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  out.machine_busy_s = double(busy) / clock_ticks_per_second();
  out.machine_softirq_s = double(v[6]) / clock_ticks_per_second();
}

}  // namespace

ProcSampler::ProcSampler(std::vector<int> roots) : roots_(std::move(roots)) {}

CpuSample ProcSampler::sample() const {
  CpuSample out;
  read_machine(out);
  if (roots_.empty()) return out;
  const auto processes = all_processes();
  std::unordered_map<int, const ProcStat*> by_pid;
  for (const auto& p : processes) by_pid[p.pid] = &p;
  const auto page_kib = std::uint64_t(::sysconf(_SC_PAGESIZE)) / 1024;
  std::uint64_t ticks = 0;
  for (const auto& p : processes) {
    // Walk up the parent chain: is one of the roots an ancestor (or itself)?
    bool watched = false;
    for (const ProcStat* at = &p; at && !watched;) {
      for (int root : roots_) watched = watched || at->pid == root;
      auto parent = by_pid.find(at->ppid);
      at = (parent == by_pid.end() || at->ppid == at->pid) ? nullptr : parent->second;
    }
    if (!watched) continue;
    ticks += p.cpu_ticks;
    out.rss_kib += p.rss_pages * page_kib;
  }
  out.process_s = double(ticks) / clock_ticks_per_second();
  if (out.rss_kib > peak_rss_kib_) peak_rss_kib_ = out.rss_kib;
  return out;
}

double self_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return std::uint64_t(limit.rlim_cur);
}

}  // namespace streamgate::bench
