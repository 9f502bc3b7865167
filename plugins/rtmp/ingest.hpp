#pragma once
// A publisher's messages turned into bus packets, without I/O: FLV tag
// bodies parsed by the shared FLV code, timestamps kept monotonic per track.
//
// OBS with NVENC and B-frames sends DTS that step back by a fraction of a
// millisecond after rounding (INTEROP.md; MediaMTX #1170): small backward
// steps are clamped to the track's last DTS (PTS moves along, so the
// composition offset stays). Larger jumps back are a new timeline (an encoder
// restart) and pass through. Tags the FLV code refuses (an unknown FourCC, a
// script message other than onMetaData) are dropped, not fatal. Each kind of
// oddity is reported once per stream, so a log shows it without flooding.

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "message.hpp"
#include "streamgate/media.hpp"
#include "track_index.hpp"

namespace streamgate::rtmp {

class Ingest {
 public:
  /// Backward DTS steps up to this are clamped; larger ones pass through.
  static constexpr MediaTime kMaxClampedStep{std::chrono::milliseconds(1000)};

  struct Result {
    /// The packet to push, or null when the message carries nothing for the bus.
    std::shared_ptr<MediaPacket> packet;
    /// Something worth one log line, set the first time each kind happens.
    std::string note;
  };

  /// One audio, video or data (AMF0) message of the publisher.
  Result convert(const Message& message);

  std::uint64_t dropped() const noexcept { return dropped_; }
  std::uint64_t clamped() const noexcept { return clamped_; }

 private:
  // Flags for what was already reported.
  enum Reported : std::uint8_t { kReportedDrop = 1, kReportedClamp = 2, kReportedJump = 4 };

  void keep_monotonic(MediaPacket& packet, Result& result);
  bool first_time(Reported what) noexcept;

  std::array<MediaTime, kTrackSlots> last_dts_{};
  std::array<bool, kTrackSlots> seen_{};
  std::uint8_t reported_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t clamped_ = 0;
};

}  // namespace streamgate::rtmp
