#pragma once
// The MPEG-TS muxer: bus packets in, units of whole 188-byte TS packets out
// through a sink callback. No I/O, no clock of its own: timing comes from the
// packets' timestamps.
//
// One program with up to one video track (H.264, HEVC) and one audio track
// (AAC as ADTS, MP3). What a unit is and when it is a keyframe unit is the
// contract with the HLS packager (see TsUnit).
//
// Rules (ISO/IEC 13818-1, ETSI TR 101 290 timing):
//  - PAT and PMT open every video keyframe unit and any unit once
//    `psi_interval` of mux time has passed since the last ones;
//  - every unit on the PCR PID carries a PCR; a PCR-only packet is inserted
//    before other units once `pcr_interval` has passed. PCRs go out at unit
//    boundaries, so their spacing is at most `pcr_interval` plus the spacing
//    of units (video at 25 fps or more keeps it within 40 ms);
//  - PTS/DTS = source time + `pcr_delay` on the 90 kHz clock (33-bit wrap);
//    PCR = mux time, so every access unit reaches the decoder `pcr_delay`
//    before it is due;
//  - bad input (no or malformed sequence header, malformed frame, a codec TS
//    cannot carry) skips the frame and is reported once per kind.

#include <bitset>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "adts.hpp"
#include "annex_b.hpp"
#include "pcr_clock.hpp"
#include "psi.hpp"
#include "streamgate/bytes.hpp"
#include "streamgate/media.hpp"

namespace streamgate::mpegts {

using namespace std::chrono_literals;

struct MuxerConfig {
  std::uint16_t transport_stream_id = 1;
  std::uint16_t program_number = 1;
  std::uint16_t pmt_pid = 0x1000;
  std::uint16_t video_pid = 0x0100;
  std::uint16_t audio_pid = 0x0101;
  // Longest mux time between PAT/PMT repetitions before a unit (plus at
  // most one unit's duration: keep it below TR 101 290's 500 ms).
  MediaTime psi_interval{400ms};
  // PCR-only packets are added when a unit off the PCR PID comes this long
  // after the last PCR.
  MediaTime pcr_interval{40ms};
  // How far PTS/DTS run ahead of the PCR (decoder buffering time).
  MediaTime pcr_delay{700ms};
  // Audio frames per PES at most (1: one PES per frame).
  std::size_t audio_group_frames = 8;
  // Audio is held back at most this long to group it (video flushes it
  // anyway). In audio-only streams every audio PES carries the PCR, so this
  // also bounds the PCR spacing there: keep it near `pcr_interval`.
  MediaTime audio_group_delay{40ms};
  // At start, how long to hold media waiting for the other track to show
  // up, so the first PMT lists both.
  MediaTime track_wait{500ms};
};

// One output unit: whole TS packets for one access unit (or one group of
// audio frames), preceded by PAT+PMT and/or a PCR-only packet when due.
struct TsUnit {
  SharedBytes packets;
  MediaTime dts{0};  // of the first access unit inside, on the source timeline
  MediaTime pts{0};
  // A segment may start here: the unit opens with exactly one PAT then one
  // PMT packet, followed by a video keyframe's PES (or, with no video track,
  // an audio PES).
  bool keyframe = false;
  TrackKind track = TrackKind::Invalid;  // Video or Audio
};

enum class MuxProblem : std::uint8_t {
  Invalid = 0,
  UnsupportedCodec,    // a codec TS cannot carry here; its packets are skipped
  BadConfig,           // malformed sequence header
  MissingConfig,       // frames before a usable sequence header
  BadFrame,            // malformed frame (NAL overrun, bad MP3 header, oversize AAC frame)
  TimestampsBackward,  // DTS stepped back a little; clamped to the previous
  TimestampJump,       // DTS jumped; the PCR marks a discontinuity
  Count_,
};

std::string_view to_string(MuxProblem problem) noexcept;

struct MuxerStats {
  std::uint64_t frames_in = 0;
  std::uint64_t frames_skipped = 0;
  std::uint64_t units_out = 0;
  std::uint64_t bytes_out = 0;
};

class TsMuxer {
 public:
  using UnitSink = std::function<void(TsUnit&& unit)>;
  using ProblemSink = std::function<void(MuxProblem problem, std::string_view detail)>;

  TsMuxer(MuxerConfig config, UnitSink on_unit, ProblemSink on_problem);

  // Feeds one bus packet (config, frame or metadata) in publish order.
  void push(const PacketPtr& packet);
  // Media was lost right before the next packet: video waits for a keyframe.
  void lost_media();
  // The source ended: writes what is held back.
  void flush();
  // This muxer continues a stream another one wrote (a republish): the
  // first packet of every PID carries discontinuity_indicator, so the new
  // time base and the restarted continuity counters are legal (§2.4.3.5).
  void mark_discontinuity();

  const MuxerStats& stats() const noexcept { return stats_; }

 private:
  struct VideoTrack {
    Codec codec = Codec::Invalid;
    StreamType type = StreamType::Invalid;  // as declared in the PMT
    SharedBytes config_bytes;
    std::optional<VideoConfig> config;  // spans into config_bytes
    std::uint8_t continuity = 0;
    std::optional<MediaTime> last_dts;
  };
  struct AudioTrack {
    Codec codec = Codec::Invalid;
    StreamType type = StreamType::Invalid;
    SharedBytes config_bytes;
    std::optional<AdtsParams> adts;
    std::uint8_t continuity = 0;
    std::optional<MediaTime> last_dts;
  };
  struct GroupedFrame {
    PacketPtr packet;
    std::array<std::byte, kAdtsHeaderSize> adts{};
    bool has_adts = false;
    MediaTime dts{0};
    MediaTime pts{0};
  };
  struct UnitSpec {
    TrackKind track = TrackKind::Invalid;
    std::span<const ByteSpan> pieces;
    std::size_t es_size = 0;
    MediaTime dts{0};
    MediaTime pts{0};
    bool random_access = false;  // video keyframe
  };

  void hold(const PacketPtr& packet);
  void start();
  void process(const PacketPtr& packet);
  void on_config(const MediaPacket& packet);
  void on_video(const MediaPacket& packet);
  void on_audio(const PacketPtr& packet);
  void declare_audio(Codec codec, StreamType type);
  void flush_audio_group();
  void write_unit(const UnitSpec& spec);
  void update_pmt();
  MediaTime clamp(std::optional<MediaTime>& last_dts, MediaTime dts);
  void skip(MuxProblem problem, std::string_view detail);
  void report(MuxProblem problem, std::string_view detail);
  bool has_video() const noexcept { return video_.type != StreamType::Invalid; }
  bool has_audio() const noexcept { return audio_.type != StreamType::Invalid; }

  MuxerConfig config_;
  UnitSink on_unit_;
  ProblemSink on_problem_;
  MuxerStats stats_;
  std::bitset<static_cast<std::size_t>(MuxProblem::Count_)> reported_;

  // start-up hold
  bool started_ = false;
  std::deque<PacketPtr> held_;
  std::size_t held_bytes_ = 0;
  std::optional<MediaTime> held_first_dts_;
  bool seen_video_ = false;
  bool seen_audio_ = false;

  VideoTrack video_;
  AudioTrack audio_;
  bool waiting_for_keyframe_ = true;

  // PSI
  std::vector<std::byte> pat_;
  std::vector<std::byte> pmt_;
  std::vector<ElementaryStreamInfo> pmt_streams_;
  std::uint16_t pcr_pid_ = 0;
  std::uint8_t pmt_version_ = 0;
  bool pmt_sent_ = false;
  bool psi_changed_ = true;
  std::optional<MediaTime> last_psi_;
  std::uint8_t pat_continuity_ = 0;
  std::uint8_t pmt_continuity_ = 0;
  // discontinuity_indicator still to set on the first packet of each PID
  bool discontinuity_pat_ = false;
  bool discontinuity_pmt_ = false;
  bool discontinuity_video_ = false;
  bool discontinuity_audio_ = false;

  PcrClock pcr_;

  std::vector<GroupedFrame> group_;
  std::size_t group_bytes_ = 0;

  // reused per unit
  std::vector<ByteSpan> pieces_;
  std::vector<ByteSpan> audio_pieces_;
  std::vector<ByteSpan> nal_scratch_;
};

}  // namespace streamgate::mpegts
