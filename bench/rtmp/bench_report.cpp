#include "bench_report.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace streamgate::bench {

namespace json = boost::json;

Percentiles percentiles_ms(std::vector<std::int64_t> samples_us) {
  Percentiles out;
  out.count = samples_us.size();
  if (samples_us.empty()) return out;
  std::sort(samples_us.begin(), samples_us.end());
  // Nearest rank: the smallest sample with at least p% of samples at or below it.
  auto rank = [&](double p) {
    const auto n = double(samples_us.size());
    const auto index = std::size_t(std::max(1.0, std::ceil(p / 100.0 * n))) - 1;
    return double(samples_us[std::min(index, samples_us.size() - 1)]) / 1000.0;
  };
  out.p50_ms = rank(50);
  out.p99_ms = rank(99);
  out.max_ms = double(samples_us.back()) / 1000.0;
  return out;
}

namespace {

json::object to_json(const Percentiles& p) {
  return {{"count", p.count}, {"p50_ms", p.p50_ms}, {"p99_ms", p.p99_ms}, {"max_ms", p.max_ms}};
}

}  // namespace

json::value BenchReport::to_json() const {
  json::object failures_json;
  for (const auto& [reason, count] : failures) failures_json[reason] = count;
  json::array publisher_failures_json;
  for (const auto& f : publisher_failures) publisher_failures_json.emplace_back(f);
  json::array pids;
  for (int pid : watch_pids) pids.emplace_back(pid);
  return json::object{
      {"label", label},
      {"url", url},
      {"threads", threads},
      {"window_s", window_s},
      {"players",
       {{"requested", players_requested},
        {"connected", players_connected},
        {"failed", players_failed},
        {"with_media", players_with_media},
        {"keeping_up", players_keeping_up},
        {"missing_frames", players_missing_frames},
        {"failures", failures_json}}},
      {"bytes_received", bytes_received},
      {"throughput_mbit_s", throughput_mbit_s},
      {"startup_ms", bench::to_json(startup)},
      {"latency_ms", bench::to_json(latency)},
      {"drift_ms", bench::to_json(drift)},
      {"window_video_frames", window_video_frames},
      {"missed_frames", missed_frames},
      {"ambiguous_source_frames", ambiguous_source_frames},
      {"publisher",
       {{"count", publishers},
        {"ok", publishers_ok},
        {"frames_sent", frames_sent},
        {"bytes_sent", publisher_bytes},
        {"max_late_ms", publisher_max_late_ms},
        {"failures", publisher_failures_json}}},
      {"server",
       {{"pids", pids},
        {"cpu_s", server_cpu_s},
        {"cpu_s_per_gb", cpu_s_per_gb},
        {"baseline_rss_kib", baseline_rss_kib},
        {"peak_rss_kib", peak_rss_kib},
        {"rss_per_player_kib", rss_per_player_kib}}},
      {"tool_cpu_s", tool_cpu_s},
      {"tool_loop_lag_ms", bench::to_json(tool_loop_lag)},
      {"machine_busy_cpu_s", machine_busy_s},
      {"machine_softirq_cpu_s", machine_softirq_s},
      {"other_cpu_s", other_cpu_s},
  };
}

void BenchReport::print_table(std::ostream& out) const {
  char line[256];
  auto row = [&](const char* name, const std::string& value) {
    std::snprintf(line, sizeof line, "  %-34s %s\n", name, value.c_str());
    out << line;
  };
  auto fmt = [&](const char* format, auto... args) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, format, args...);
    return std::string(buffer);
  };
  out << "streamgate-bench " << (label.empty() ? url : label + " (" + url + ")") << "\n";
  row("window", fmt("%.1f s, %d tool threads", window_s, threads));
  row("players connected / failed",
      fmt("%d / %d of %d", players_connected, players_failed, players_requested));
  row("players with media / keeping up", fmt("%d / %d", players_with_media, players_keeping_up));
  row("throughput (players)",
      fmt("%.1f Mbit/s, %.1f MB in window", throughput_mbit_s, double(bytes_received) / 1e6));
  row("startup to first video p50 / p99",
      fmt("%.1f / %.1f ms (%zu players)", startup.p50_ms, startup.p99_ms, startup.count));
  row("latency p50 / p99 / max", fmt("%.1f / %.1f / %.1f ms (%zu frames)", latency.p50_ms,
                                     latency.p99_ms, latency.max_ms, latency.count));
  row("lag drift p50 / p99 / max",
      fmt("%.1f / %.1f / %.1f ms", drift.p50_ms, drift.p99_ms, drift.max_ms));
  row("missed video frames",
      fmt("%llu (%d players)", (unsigned long long)missed_frames, players_missing_frames));
  row("publisher frames / max late",
      fmt("%llu / %.1f ms", (unsigned long long)frames_sent, publisher_max_late_ms));
  if (!watch_pids.empty()) {
    row("server CPU in window",
        fmt("%.2f s = %.3f CPU s per delivered GB", server_cpu_s, cpu_s_per_gb));
    row("server RSS peak / per player",
        fmt("%.1f MiB / %.1f KiB (baseline %.1f MiB)", double(peak_rss_kib) / 1024,
            rss_per_player_kib, double(baseline_rss_kib) / 1024));
  }
  row("tool loop lag p50 / p99 / max", fmt("%.1f / %.1f / %.1f ms", tool_loop_lag.p50_ms,
                                           tool_loop_lag.p99_ms, tool_loop_lag.max_ms));
  row("tool CPU / other CPU in window",
      fmt("%.2f s / %.2f s (machine busy %.2f s, softirq %.2f s)", tool_cpu_s, other_cpu_s,
          machine_busy_s, machine_softirq_s));
  for (const auto& [reason, count] : failures)
    row("failure", fmt("%d x %s", count, reason.c_str()));
  for (const auto& failure : publisher_failures) row("publisher failure", failure);
}

}  // namespace streamgate::bench
