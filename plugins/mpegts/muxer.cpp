#include "muxer.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "h264.hpp"
#include "hevc.hpp"
#include "mpeg_audio.hpp"
#include "pes.hpp"

namespace streamgate::mpegts {
namespace {

// Bounds of the start-up hold, whatever the peer sends.
constexpr std::size_t kMaxHeldPackets = 1024;
constexpr std::size_t kMaxHeldBytes = 32u << 20;

bool same_bytes(const SharedBytes& a, const SharedBytes& b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

MediaTime distance(MediaTime a, MediaTime b) noexcept { return a > b ? a - b : b - a; }

std::optional<StreamType> mp3_stream_type(const MediaPacket& packet) {
  auto header = parse_mpeg_audio_header(packet.payload);
  if (!header.ok()) return std::nullopt;
  return header.value.version == MpegAudioVersion::Mpeg1 ? StreamType::Mpeg1Audio
                                                         : StreamType::Mpeg2Audio;
}

}  // namespace

std::string_view to_string(MuxProblem problem) noexcept {
  switch (problem) {
    case MuxProblem::UnsupportedCodec:
      return "unsupported codec";
    case MuxProblem::BadConfig:
      return "malformed sequence header";
    case MuxProblem::MissingConfig:
      return "missing sequence header";
    case MuxProblem::BadFrame:
      return "malformed frame";
    case MuxProblem::TimestampsBackward:
      return "timestamps backward";
    case MuxProblem::TimestampJump:
      return "timestamp jump";
    case MuxProblem::Invalid:
    case MuxProblem::Count_:
      break;
  }
  return "invalid";
}

TsMuxer::TsMuxer(MuxerConfig config, UnitSink on_unit, ProblemSink on_problem)
    : config_(config),
      on_unit_(std::move(on_unit)),
      on_problem_(std::move(on_problem)),
      pcr_(config.pcr_interval) {
  config_.audio_group_frames = std::max<std::size_t>(config_.audio_group_frames, 1);
  pat_ = pat_section(config_.transport_stream_id, config_.program_number, config_.pmt_pid, 0);
}

void TsMuxer::push(const PacketPtr& packet) {
  // Metadata has no place in this transport stream.
  if (!packet || (packet->kind != TrackKind::Video && packet->kind != TrackKind::Audio)) return;
  if (!packet->config) ++stats_.frames_in;
  if (!started_) {
    hold(packet);
    return;
  }
  process(packet);
}

void TsMuxer::lost_media() {
  flush_audio_group();
  waiting_for_keyframe_ = true;
}

void TsMuxer::mark_discontinuity() {
  discontinuity_pat_ = discontinuity_pmt_ = discontinuity_video_ = discontinuity_audio_ = true;
  pcr_.mark_discontinuity();
}

void TsMuxer::flush() {
  if (!started_) start();
  flush_audio_group();
}

// The first PMT should list every track: hold media until both kinds showed
// up or `track_wait` passed (audio-only and video-only streams pay it once).
void TsMuxer::hold(const PacketPtr& packet) {
  held_.push_back(packet);
  held_bytes_ += packet->payload.size();
  seen_video_ = seen_video_ || packet->kind == TrackKind::Video;
  seen_audio_ = seen_audio_ || packet->kind == TrackKind::Audio;
  bool waited = false;
  if (!packet->config) {
    if (!held_first_dts_) held_first_dts_ = packet->dts;
    waited = distance(packet->dts, *held_first_dts_) >= config_.track_wait;
  }
  if ((seen_video_ && seen_audio_) || waited || held_.size() >= kMaxHeldPackets ||
      held_bytes_ >= kMaxHeldBytes)
    start();
}

void TsMuxer::start() {
  started_ = true;
  // MP3 has no sequence header: declare it from its first frame now, so the
  // first PMT lists it.
  for (const auto& packet : held_) {
    if (packet->kind == TrackKind::Audio && packet->codec == Codec::MP3 && !packet->config) {
      if (auto type = mp3_stream_type(*packet)) declare_audio(Codec::MP3, *type);
      break;
    }
  }
  auto held = std::move(held_);
  held_.clear();
  held_bytes_ = 0;
  for (const auto& packet : held) process(packet);
}

void TsMuxer::process(const PacketPtr& packet) {
  if (packet->config)
    on_config(*packet);
  else if (packet->kind == TrackKind::Video)
    on_video(*packet);
  else
    on_audio(packet);
}

void TsMuxer::on_config(const MediaPacket& packet) {
  if (packet.kind == TrackKind::Video) {
    if (packet.codec != Codec::H264 && packet.codec != Codec::H265) {
      report(MuxProblem::UnsupportedCodec,
             "video codec " + std::string(to_string(packet.codec)) + " cannot be muxed");
      return;
    }
    if (packet.codec == video_.codec && video_.config &&
        same_bytes(packet.payload, video_.config_bytes))
      return;
    auto parsed = packet.codec == Codec::H264 ? parse_avc_config(packet.payload)
                                              : parse_hevc_config(packet.payload);
    video_.codec = packet.codec;
    if (!parsed.ok()) {
      video_.config.reset();
      report(MuxProblem::BadConfig, parsed.error);
      return;
    }
    video_.config_bytes = packet.payload;  // keeps the spans in `config` valid
    video_.config = std::move(parsed.value);
    video_.type = packet.codec == Codec::H264 ? StreamType::H264 : StreamType::Hevc;
    update_pmt();
    return;
  }
  if (packet.codec != Codec::AAC) {
    if (packet.codec != Codec::MP3)  // MP3 needs no config; ignore one if sent
      report(MuxProblem::UnsupportedCodec,
             "audio codec " + std::string(to_string(packet.codec)) + " cannot be muxed");
    return;
  }
  if (audio_.codec == Codec::AAC && audio_.adts && same_bytes(packet.payload, audio_.config_bytes))
    return;
  auto parsed = parse_audio_specific_config(packet.payload);
  if (!parsed.ok()) {
    audio_.adts.reset();
    report(MuxProblem::BadConfig, parsed.error);
    return;
  }
  declare_audio(Codec::AAC, StreamType::AdtsAac);
  audio_.config_bytes = packet.payload;
  audio_.adts = parsed.value;
}

void TsMuxer::on_video(const MediaPacket& packet) {
  if (packet.codec != Codec::H264 && packet.codec != Codec::H265) {
    skip(MuxProblem::UnsupportedCodec,
         "video codec " + std::string(to_string(packet.codec)) + " cannot be muxed");
    return;
  }
  if (!video_.config || video_.codec != packet.codec) {
    skip(MuxProblem::MissingConfig, "video frame before a usable sequence header");
    return;
  }
  // Audio held for grouping is older than this frame: write it first.
  flush_audio_group();
  const NalSyntax& syntax = packet.codec == Codec::H264 ? h264_syntax() : hevc_syntax();
  pieces_.clear();
  auto unit =
      to_annex_b(packet.payload, *video_.config, packet.keyframe, syntax, pieces_, nal_scratch_);
  if (!unit.ok()) {
    waiting_for_keyframe_ = true;  // later frames may reference the lost one
    skip(MuxProblem::BadFrame, unit.error);
    return;
  }
  const bool key = packet.keyframe || unit.value.random_access;
  if (waiting_for_keyframe_ && !key) {
    ++stats_.frames_skipped;  // normal after a join or a loss: no problem to report
    return;
  }
  waiting_for_keyframe_ = false;
  const MediaTime dts = clamp(video_.last_dts, packet.dts);
  write_unit(
      UnitSpec{TrackKind::Video, pieces_, unit.value.size, dts, std::max(packet.pts, dts), key});
}

void TsMuxer::on_audio(const PacketPtr& packet_ptr) {
  const MediaPacket& packet = *packet_ptr;
  GroupedFrame frame{packet_ptr};
  if (packet.codec == Codec::AAC) {
    if (!audio_.adts || audio_.codec != Codec::AAC) {
      skip(MuxProblem::MissingConfig, "AAC frame before a usable AudioSpecificConfig");
      return;
    }
    if (packet.payload.empty() || packet.payload.size() > kMaxAdtsPayload) {
      skip(MuxProblem::BadFrame, "AAC frame of " + std::to_string(packet.payload.size()) +
                                     " bytes does not fit an ADTS frame");
      return;
    }
    frame.adts = adts_header(*audio_.adts, packet.payload.size());
    frame.has_adts = true;
  } else if (packet.codec == Codec::MP3) {
    auto type = mp3_stream_type(packet);
    if (!type || packet.payload.size() > kMaxBoundedPesPayload) {
      skip(MuxProblem::BadFrame, "MP3 frame without a valid frame header");
      return;
    }
    declare_audio(Codec::MP3, *type);
  } else {
    skip(MuxProblem::UnsupportedCodec,
         "audio codec " + std::string(to_string(packet.codec)) + " cannot be muxed");
    return;
  }
  frame.dts = clamp(audio_.last_dts, packet.dts);
  frame.pts = std::max(packet.pts, frame.dts);
  const std::size_t size = packet.payload.size() + (frame.has_adts ? kAdtsHeaderSize : 0);
  if (!group_.empty()) {
    // Audio-only: a frame due to carry PAT/PMT opens a new PES.
    const bool psi_due =
        !has_video() && last_psi_ && frame.dts - *last_psi_ >= config_.psi_interval;
    if (group_.size() >= config_.audio_group_frames ||
        group_bytes_ + size > kMaxBoundedPesPayload ||
        distance(frame.dts, group_.front().dts) >= config_.audio_group_delay || psi_due)
      flush_audio_group();
  }
  group_.push_back(std::move(frame));
  group_bytes_ += size;
  if (group_.size() >= config_.audio_group_frames) flush_audio_group();
}

void TsMuxer::declare_audio(Codec codec, StreamType type) {
  if (audio_.codec == codec && audio_.type == type) return;
  flush_audio_group();  // one PES never mixes stream types
  audio_.codec = codec;
  audio_.type = type;
  if (codec != Codec::AAC) audio_.adts.reset();
  update_pmt();
}

void TsMuxer::flush_audio_group() {
  if (group_.empty()) return;
  audio_pieces_.clear();
  std::size_t size = 0;
  for (const auto& frame : group_) {
    if (frame.has_adts) audio_pieces_.push_back(frame.adts);
    audio_pieces_.push_back(frame.packet->payload.span());
    size += frame.packet->payload.size() + (frame.has_adts ? kAdtsHeaderSize : 0);
  }
  write_unit(UnitSpec{TrackKind::Audio, audio_pieces_, size, group_.front().dts, group_.front().pts,
                      false});
  group_.clear();
  group_bytes_ = 0;
}

void TsMuxer::write_unit(const UnitSpec& spec) {
  if (pcr_.advance(spec.dts)) {
    last_psi_.reset();
    report(MuxProblem::TimestampJump, "DTS jumped to " + std::to_string(spec.dts.count()) + " us");
  }
  const MediaTime now = *pcr_.now();
  const bool video = spec.track == TrackKind::Video;
  const bool psi = psi_changed_ || !last_psi_ || (video && spec.random_access) ||
                   now - *last_psi_ >= config_.psi_interval;
  const bool keyframe = psi && (has_video() ? video && spec.random_access : !video);

  const std::uint16_t pid = video ? config_.video_pid : config_.audio_pid;
  std::uint8_t& continuity = video ? video_.continuity : audio_.continuity;
  AdaptationField first;
  bool pcr_only = false;
  if (pid == pcr_pid_)
    first = pcr_.take();
  else
    pcr_only = pcr_.due();
  first.random_access = spec.random_access || (keyframe && !video);
  // Consumed here whether or not the PCR already set the flag (no short-circuit).
  const bool restarted = std::exchange(video ? discontinuity_video_ : discontinuity_audio_, false);
  first.discontinuity = first.discontinuity || restarted;

  const PesHeader header = make_pes_header(
      video ? kVideoStreamId : kAudioStreamId, to_90khz(spec.pts + config_.pcr_delay),
      to_90khz(spec.dts + config_.pcr_delay), spec.es_size, video);
  const std::size_t packets =
      (psi ? 2 : 0) + (pcr_only ? 1 : 0) + packets_needed(header.size + spec.es_size, first);
  ByteBuffer buffer(packets * kTsPacketSize);
  std::byte* out = buffer.data();
  if (psi) {
    write_section_packet(out, kPatPid, pat_continuity_, pat_,
                         std::exchange(discontinuity_pat_, false));
    write_section_packet(out + kTsPacketSize, config_.pmt_pid, pmt_continuity_, pmt_,
                         std::exchange(discontinuity_pmt_, false));
    out += 2 * kTsPacketSize;
    last_psi_ = now;
    psi_changed_ = false;
    pmt_sent_ = true;
  }
  if (pcr_only) {
    const bool on_video = pcr_pid_ == config_.video_pid;
    auto field = pcr_.take();
    // Before this PID's first packet of a continued stream, its counter restarts here.
    field.discontinuity =
        std::exchange(on_video ? discontinuity_video_ : discontinuity_audio_, false) ||
        field.discontinuity;
    write_adaptation_only_packet(out, pcr_pid_, on_video ? video_.continuity : audio_.continuity,
                                 field);
    out += kTsPacketSize;
  }
  GatherReader payload(header.span(), spec.pieces);
  write_payload_packets(out, pid, continuity, first, payload);

  ++stats_.units_out;
  stats_.bytes_out += buffer.size();
  on_unit_(TsUnit{std::move(buffer).freeze(), spec.dts, spec.pts, keyframe, spec.track});
}

void TsMuxer::update_pmt() {
  std::vector<ElementaryStreamInfo> streams;
  if (video_.type != StreamType::Invalid) streams.push_back({video_.type, config_.video_pid});
  if (audio_.type != StreamType::Invalid) streams.push_back({audio_.type, config_.audio_pid});
  // The PCR rides on video when there is video: its frames are the most regular.
  const std::uint16_t pcr_pid = has_video() ? config_.video_pid : config_.audio_pid;
  if (!pmt_.empty() && streams == pmt_streams_ && pcr_pid == pcr_pid_) return;
  if (pmt_sent_) {
    pmt_version_ = (pmt_version_ + 1) & 0x1F;
    pmt_sent_ = false;
  }
  pmt_streams_ = std::move(streams);
  pcr_pid_ = pcr_pid;
  pmt_ = pmt_section(config_.program_number, pcr_pid_, pmt_streams_, pmt_version_);
  psi_changed_ = true;
}

// Encoders (OBS with NVENC and B-frames) step DTS back by a fraction of a
// millisecond; TS decoders want them monotonic per stream. Bigger steps are
// jumps, left to the PCR clock.
MediaTime TsMuxer::clamp(std::optional<MediaTime>& last_dts, MediaTime dts) {
  if (last_dts && dts < *last_dts && *last_dts - dts < PcrClock::kBackwardJump) {
    report(MuxProblem::TimestampsBackward,
           "DTS stepped back by " + std::to_string((*last_dts - dts).count()) + " us");
    dts = *last_dts;
  }
  last_dts = dts;
  return dts;
}

void TsMuxer::skip(MuxProblem problem, std::string_view detail) {
  ++stats_.frames_skipped;
  report(problem, detail);
}

void TsMuxer::report(MuxProblem problem, std::string_view detail) {
  const auto index = static_cast<std::size_t>(problem);
  if (reported_.test(index)) return;
  reported_.set(index);
  if (on_problem_) on_problem_(problem, detail);
}

}  // namespace streamgate::mpegts
