#include "bench_run.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "bench_player.hpp"
#include "bench_publisher.hpp"
#include "io_threads.hpp"
#include "proc_sampler.hpp"

namespace streamgate::bench {

namespace asio = boost::asio;

namespace {

constexpr auto kSampleEvery = std::chrono::milliseconds(250);
constexpr auto kPublishTimeout = std::chrono::seconds(10);

RtmpUrl parse_url(const std::string& text) {
  auto url = RtmpUrl::parse(text);
  if (!url) throw std::runtime_error("bench: not an rtmp://host[:port]/app/stream URL: " + text);
  return *url;
}

asio::ip::tcp::endpoint resolve(const RtmpUrl& url) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec || results.empty())
    throw std::runtime_error("bench: cannot resolve " + url.host + ": " + ec.message());
  return *results.begin();
}

RtmpUrl with_suffix(RtmpUrl url, int index, int count) {
  if (count > 1) {
    const auto query = url.stream.find('?');
    url.stream.insert(query == std::string::npos ? url.stream.size() : query,
                      "_" + std::to_string(index));
  }
  return url;
}

void sleep_sampling(std::chrono::duration<double> duration, const ProcSampler& sampler) {
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(duration);
  while (Clock::now() < end) {
    std::this_thread::sleep_for(std::min<Clock::duration>(kSampleEvery, end - Clock::now()));
    sampler.sample();
  }
}

}  // namespace

BenchReport run_bench(const BenchOptions& o) {
  raise_open_file_limit();
  const RtmpUrl play_url = parse_url(o.url);
  const RtmpUrl publish_url = parse_url(o.publish_url);
  const auto play_server = resolve(play_url);
  const auto publish_server = resolve(publish_url);
  std::optional<FlvSource> source;
  if (!o.flv.empty()) source = FlvSource::load(o.flv);
  std::optional<FrameIndex> frames;
  if (source) frames.emplace(*source);

  BenchReport report;
  report.label = o.label;
  report.url = o.url;
  report.threads = o.threads;
  report.players_requested = o.players;
  report.publishers = o.publishers;
  report.watch_pids = o.watch_pids;
  report.ambiguous_source_frames = frames ? frames->ambiguous() : 0;

  ProcSampler sampler(o.watch_pids);
  MeasureWindow window;
  std::vector<RtmpUrl> publish_urls, play_urls;
  std::vector<std::unique_ptr<SendLog>> send_logs;
  for (int i = 0; i < o.publishers; ++i) {
    publish_urls.push_back(with_suffix(publish_url, i, o.publishers));
    send_logs.push_back(std::make_unique<SendLog>(source->video_frames()));
  }
  const int streams = std::max(1, o.publishers);
  for (int i = 0; i < streams; ++i) play_urls.push_back(with_suffix(play_url, i, streams));
  // Publishers get a thread of their own, so busy player threads cannot
  // delay their pacing. The threads (and their io_contexts) are declared
  // before the connections, which must close before them.
  IoThreads publisher_thread(1, window);
  IoThreads workers(o.threads, window);
  std::vector<std::unique_ptr<BenchPublisher>> publishers;
  std::vector<std::unique_ptr<BenchPlayer>> players;
  // Closes every connection on its own thread and waits for the threads;
  // also on the way out by an exception, before the connections go.
  bool shut_down = false;
  auto shutdown = [&] {
    if (std::exchange(shut_down, true)) return;
    for (std::size_t i = 0; i < players.size(); ++i)
      asio::post(workers.io(i), [p = players[i].get()] { p->stop(); });
    for (auto& p : publishers) asio::post(publisher_thread.io(0), [p = p.get()] { p->stop(); });
    workers.join();
    publisher_thread.join();
  };
  struct OnExit {
    decltype(shutdown)& run;
    ~OnExit() { run(); }
  } on_exit{shutdown};

  // Publishers first, and the warm-up.
  auto& publisher_io = publisher_thread.io(0);
  for (int i = 0; i < o.publishers; ++i) {
    publishers.push_back(std::make_unique<BenchPublisher>(publisher_io, publisher_thread.buffer(0),
                                                          publish_urls[i], *source, *send_logs[i],
                                                          o.chunk_size));
    asio::post(publisher_io,
               [p = publishers.back().get(), publish_server] { p->start(publish_server); });
  }
  const auto publish_deadline = Clock::now() + kPublishTimeout;
  auto all_publishing = [&] {
    for (const auto& p : publishers)
      if (!p->result().publishing) return false;
    return true;
  };
  while (!all_publishing() && Clock::now() < publish_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const bool publishing = all_publishing();
  if (publishing) {
    sleep_sampling(std::chrono::duration<double>(o.warmup_s), sampler);
    report.baseline_rss_kib = sampler.sample().rss_kib;

    // Players over the ramp, spread over the threads.
    const auto ramp_start = Clock::now();
    for (int i = 0; i < o.players; ++i) {
      const auto at =
          ramp_start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(o.ramp_s * i / std::max(1, o.players)));
      std::this_thread::sleep_until(at);
      PlayerContext context{&play_urls[std::size_t(i % streams)], frames ? &*frames : nullptr,
                            o.publishers > 0 ? send_logs[std::size_t(i % streams)].get() : nullptr,
                            &window, play_server};
      players.push_back(std::make_unique<BenchPlayer>(workers.io(std::size_t(i)),
                                                      workers.buffer(std::size_t(i)), context));
      asio::post(workers.io(std::size_t(i)), [p = players.back().get()] { p->start(); });
    }
    sleep_sampling(std::chrono::duration<double>(o.settle_s), sampler);

    // The window.
    const CpuSample before = sampler.sample();
    const double tool_before = self_cpu_seconds();
    window.open(now_us());
    sleep_sampling(std::chrono::duration<double>(o.duration_s), sampler);
    window.close(now_us());
    const CpuSample after = sampler.sample();
    const double tool_after = self_cpu_seconds();
    report.window_s = double(window.end_us() - window.start_us()) / 1e6;
    report.server_cpu_s = after.process_s - before.process_s;
    report.tool_cpu_s = tool_after - tool_before;
    report.machine_busy_s = after.machine_busy_s - before.machine_busy_s;
    report.machine_softirq_s = after.machine_softirq_s - before.machine_softirq_s;
    report.other_cpu_s = report.machine_busy_s - report.server_cpu_s - report.tool_cpu_s;
    report.peak_rss_kib = sampler.peak_rss_kib();
  }

  shutdown();
  report.tool_loop_lag = percentiles_ms(workers.loop_lag_us());

  // Summary (single-threaded from here).
  std::vector<std::int64_t> startup_us, latency_us, drift_us;
  const std::int64_t end_us = window.end_us();
  for (const auto& player : players) {
    const PlayerResult& r = player->result();
    const bool connected = r.playing && r.failure.empty();
    report.players_connected += connected;
    if (!connected)
      ++report.failures[r.failure.empty() ? "no answer at " + std::string(to_string(r.stage))
                                          : r.failure];
    if (r.first_video_us) startup_us.push_back(r.first_video_us - r.play_sent_us);
    report.bytes_received += r.window_bytes;
    const bool media = r.window_video_frames > 0;
    report.players_with_media += media;
    if (media) drift_us.push_back(r.max_drift_us);
    report.window_video_frames += r.window_video_frames;
    report.missed_frames += r.missed_frames;
    report.players_missing_frames += r.missed_frames > 0;
    const bool to_the_end = r.last_video_us >= end_us - 1'000'000;
    report.players_keeping_up += connected && media && to_the_end && r.missed_frames == 0 &&
                                 double(r.max_drift_us) <= o.max_drift_ms * 1000;
    latency_us.insert(latency_us.end(), r.latency_us.begin(), r.latency_us.end());
  }
  report.players_failed = report.players_requested - report.players_connected;
  report.startup = percentiles_ms(std::move(startup_us));
  report.latency = percentiles_ms(std::move(latency_us));
  report.drift = percentiles_ms(std::move(drift_us));
  if (report.window_s > 0)
    report.throughput_mbit_s = double(report.bytes_received) * 8 / 1e6 / report.window_s;
  if (report.bytes_received > 0)
    report.cpu_s_per_gb = report.server_cpu_s / (double(report.bytes_received) / 1e9);
  if (report.players_connected > 0 && report.peak_rss_kib > report.baseline_rss_kib)
    report.rss_per_player_kib =
        double(report.peak_rss_kib - report.baseline_rss_kib) / report.players_connected;
  for (const auto& p : publishers) {
    const PublisherResult& r = p->result();
    report.publishers_ok += r.publishing && r.failure.empty();
    if (!r.failure.empty())
      report.publisher_failures.push_back(r.failure);
    else if (!r.publishing)
      report.publisher_failures.push_back("no NetStream.Publish.Start within 10 s");
    report.frames_sent += r.frames_sent;
    report.publisher_bytes += r.bytes_sent;
    report.publisher_max_late_ms =
        std::max(report.publisher_max_late_ms, double(r.max_late_us) / 1000);
  }
  return report;
}

int exit_code(const BenchReport& report) {
  if (report.publishers_ok < report.publishers) return 2;
  const bool all = report.players_connected == report.players_requested &&
                   report.players_with_media == report.players_requested;
  return all ? 0 : 1;
}

}  // namespace streamgate::bench
