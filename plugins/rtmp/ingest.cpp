#include "ingest.hpp"

#include "streamgate/format/flv.hpp"

namespace streamgate::rtmp {

namespace {

long long whole_ms(MediaTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time).count();
}

}  // namespace

Ingest::Result Ingest::convert(const Message& message) {
  Result result;
  auto parsed = flv::packet_from_tag(flv::TagType(std::uint8_t(message.type)), message.body,
                                     message.timestamp_ms);
  if (!parsed.ok()) {
    ++dropped_;
    if (first_time(kReportedDrop))
      result.note = std::string(to_string(message.type)) + " message dropped: " + parsed.error +
                    " (further drops on this stream are not logged)";
    return result;
  }
  result.packet = std::move(parsed.value);
  if (result.packet) keep_monotonic(*result.packet, result);
  return result;
}

void Ingest::keep_monotonic(MediaPacket& packet, Result& result) {
  // Configs and metadata are state, not frames on the timeline.
  if (packet.config || packet.kind == TrackKind::Data) return;
  const std::size_t track = track_index(packet.kind);
  MediaTime& last = last_dts_[track];
  if (seen_[track] && packet.dts < last) {
    const MediaTime step = last - packet.dts;
    if (step <= kMaxClampedStep) {
      packet.pts += step;
      packet.dts = last;
      ++clamped_;
      if (first_time(kReportedClamp))
        result.note = std::string(to_string(packet.kind)) + " DTS stepped back " +
                      std::to_string(step.count()) + " us; clamped to monotonic (further clamps "
                      "on this stream are not logged)";
      return;
    }
    if (first_time(kReportedJump))
      result.note = std::string(to_string(packet.kind)) + " DTS jumped back " +
                    std::to_string(whole_ms(step)) + " ms; taken as a new timeline";
  }
  seen_[track] = true;
  last = packet.dts;
}

bool Ingest::first_time(Reported what) noexcept {
  if (reported_ & what) return false;
  reported_ |= what;
  return true;
}

}  // namespace streamgate::rtmp
