// Mux throughput on a 60 s, 2.5 Mbit/s H.264 + AAC stream: 30 fps, a
// keyframe every 2 s (5x the size of the other frames), 128 kbit/s AAC at
// 44.1 kHz. The muxer never decodes, so deterministic filler NAL units cost
// what real ones do. Reported: input MB/s (bytes_per_second) and how many
// times faster than real time one core muxes the stream.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <deque>

#include "muxer.hpp"
#include "source_media.hpp"
#include "synthetic_stream.hpp"

namespace streamgate::mpegts {
namespace {

using namespace std::chrono_literals;

const std::vector<PacketPtr>& stream() {
  static const std::vector<PacketPtr> packets = [] {
    if (const char* file = std::getenv("MPEGTS_BENCH_FLV")) return test::read_flv(file);
    test::StreamSpec spec;
    spec.duration = 60s;
    // 2.5 Mbit/s in all: 2.372 Mbit/s of video = 593 kB per 2 s GOP of
    // 1 keyframe (5 shares) + 59 frames (1 share each).
    spec.keyframe_bytes = 46'328;
    spec.frame_bytes = 9'265;
    spec.audio_frame_bytes = 371;  // 128 kbit/s at 1024 samples / 44.1 kHz
    return test::make_stream(spec);
  }();
  return packets;
}

// `window`: how long each unit is held before it is released. A live
// gateway holds about one GOP (the bus's cache) and then reuses the memory;
// 0 releases each unit at once (the allocator hands back the same cache-hot
// block: optimistic); the whole run keeps everything (fresh pages every
// time: pessimistic, glibc returns the memory to the kernel in between).
void mux(benchmark::State& state, MuxerConfig config, MediaTime window) {
  const auto& packets = stream();
  std::size_t input = 0;
  for (const auto& p : packets) input += p->payload.size();
  const MediaTime duration = packets.back()->dts - packets.front()->dts;
  std::size_t output = 0;
  std::deque<TsUnit> kept;
  for (auto _ : state) {
    TsMuxer muxer(
        config,
        [&](TsUnit&& unit) {
          output += unit.packets.size();
          const MediaTime now = unit.dts;
          if (window > MediaTime{0}) kept.push_back(std::move(unit));
          while (!kept.empty() && now - kept.front().dts > window) kept.pop_front();
        },
        [](MuxProblem, std::string_view) {});
    for (const auto& packet : packets) muxer.push(packet);
    muxer.flush();
    benchmark::DoNotOptimize(output);
    state.PauseTiming();
    kept.clear();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input));
  state.counters["realtime_x"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(duration.count()) / 1e6,
      benchmark::Counter::kIsRate);
  state.counters["overhead_%"] =
      100.0 *
      (static_cast<double>(output) / static_cast<double>(state.iterations()) -
       static_cast<double>(input)) /
      static_cast<double>(input);
}

void BM_Mux_GopWindow(benchmark::State& state) { mux(state, MuxerConfig{}, 2s); }
void BM_Mux_NoAudioGrouping(benchmark::State& state) {
  mux(state, MuxerConfig{.audio_group_frames = 1}, 2s);
}
void BM_Mux_ReleaseAtOnce(benchmark::State& state) { mux(state, MuxerConfig{}, 0s); }
void BM_Mux_KeepEverything(benchmark::State& state) { mux(state, MuxerConfig{}, 3600s); }

BENCHMARK(BM_Mux_GopWindow)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mux_NoAudioGrouping)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mux_ReleaseAtOnce)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mux_KeepEverything)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace streamgate::mpegts

BENCHMARK_MAIN();
