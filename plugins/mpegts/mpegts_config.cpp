#include "mpegts_config.hpp"

#include <charconv>
#include <set>

#include "ts_packet.hpp"

namespace streamgate::mpegts {
namespace {

using std::chrono::milliseconds;

// "0x100" or "256"; `fallback` when absent.
std::uint16_t read_number(const ConfigNode& node, std::string_view key, std::uint16_t fallback,
                          unsigned min, unsigned max) {
  const auto text = node.optional_string(key);
  if (!text) return fallback;
  std::string_view digits = *text;
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || value < min ||
      value > max)
    node.fail(key, "\"" + *text + "\" is not a number from " + std::to_string(min) + " to " +
                       std::to_string(max) + " (decimal or 0x hex)");
  return static_cast<std::uint16_t>(value);
}

MediaTime to_media(milliseconds value) { return std::chrono::duration_cast<MediaTime>(value); }

}  // namespace

MpegtsConfig parse_mpegts_config(const ConfigNode& node) {
  MpegtsConfig config;
  config.apps = node.list("apps");

  auto& muxer = config.muxer;
  muxer.transport_stream_id =
      read_number(node, "transport-stream-id", muxer.transport_stream_id, 0, 0xFFFF);
  muxer.program_number = read_number(node, "program-number", muxer.program_number, 1, 0xFFFF);
  muxer.pmt_pid = read_number(node, "pmt-pid", muxer.pmt_pid, kMinElementaryPid, kMaxElementaryPid);
  muxer.video_pid =
      read_number(node, "video-pid", muxer.video_pid, kMinElementaryPid, kMaxElementaryPid);
  muxer.audio_pid =
      read_number(node, "audio-pid", muxer.audio_pid, kMinElementaryPid, kMaxElementaryPid);
  if (std::set<std::uint16_t>{muxer.pmt_pid, muxer.video_pid, muxer.audio_pid}.size() != 3)
    node.fail("pmt-pid, video-pid and audio-pid must all differ");

  muxer.psi_interval = to_media(
      node.duration("psi-interval", milliseconds{400}, milliseconds{50}, milliseconds{500}));
  muxer.pcr_interval = to_media(
      node.duration("pcr-interval", milliseconds{40}, milliseconds{10}, milliseconds{100}));
  muxer.pcr_delay =
      to_media(node.duration("pcr-delay", milliseconds{700}, milliseconds{0}, milliseconds{5'000}));
  muxer.audio_group_frames = static_cast<std::size_t>(node.integer("audio-group-frames", 8, 1, 64));
  muxer.audio_group_delay = to_media(
      node.duration("audio-group-delay", milliseconds{40}, milliseconds{0}, milliseconds{500}));
  muxer.track_wait = to_media(
      node.duration("track-wait", milliseconds{500}, milliseconds{0}, milliseconds{5'000}));

  config.queue_bytes = node.bytes("queue-size", config.queue_bytes, 64u << 10, 1ull << 30);
  config.queue_duration = node.duration("queue-duration", config.queue_duration,
                                        milliseconds{1'000}, milliseconds{60'000});
  config.http_ts = node.boolean("http-ts", config.http_ts);
  config.http_wait =
      node.duration("http-wait", config.http_wait, milliseconds{0}, milliseconds{60'000});
  config.http_queue_bytes =
      node.bytes("http-queue-size", config.http_queue_bytes, 64u << 10, 1ull << 30);
  config.http_queue_duration = node.duration("http-queue-duration", config.http_queue_duration,
                                             milliseconds{500}, milliseconds{60'000});
  return config;
}

}  // namespace streamgate::mpegts
