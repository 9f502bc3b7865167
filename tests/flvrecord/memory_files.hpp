#pragma once
// In-memory stand-ins for the recorder's files, and synthetic packets.

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "format/test_bytes.hpp"
#include "recording.hpp"
#include "streamgate/format/amf0.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::flvrecord::test {

using streamgate::test::Bytes;

/// Collects appended bytes; can be told to fail once it holds `fail_at` bytes.
class MemorySink : public ByteSink {
 public:
  Bytes bytes;
  std::optional<std::size_t> fail_at;
  std::size_t appends = 0;

  bool append(std::span<const std::span<const std::byte>> parts) override {
    std::size_t total = 0;
    for (auto p : parts) total += p.size();
    if (fail_at && bytes.size() + total > *fail_at) return false;
    for (auto p : parts) bytes.insert(bytes.end(), p.begin(), p.end());
    ++appends;
    return true;
  }
};

/// Applies a metadata rewrite in place, as the adapter does at close.
inline void apply_rewrite(Bytes& file, const MetadataRewrite& rewrite) {
  ASSERT_LE(rewrite.offset + rewrite.bytes.size(), file.size());
  std::memcpy(file.data() + rewrite.offset, rewrite.bytes.data(), rewrite.bytes.size());
}

struct MemoryFile {
  MemorySink sink;
  std::optional<MetadataRewrite> rewrite;
  FileSummary summary;
  bool closed = false;
};

class MemoryFiles : public RecordingFiles {
 public:
  std::vector<std::unique_ptr<MemoryFile>> files;
  std::vector<RecordingNote> notes;
  std::vector<std::uint32_t> refused;  ///< numbers whose open was refused
  std::function<bool(std::uint32_t)> can_open = [](std::uint32_t) { return true; };
  std::optional<std::size_t> fail_write_at;  ///< applied to files opened from now on
  bool apply_rewrites = true;                ///< false when a file continues bytes kept elsewhere

  ByteSink* open(std::uint32_t number) override {
    if (!can_open(number)) {
      refused.push_back(number);
      return nullptr;
    }
    files.push_back(std::make_unique<MemoryFile>());
    files.back()->sink.fail_at = fail_write_at;
    return &files.back()->sink;
  }
  void close(const std::optional<MetadataRewrite>& rewrite, const FileSummary& summary) override {
    auto& f = *files.back();
    f.rewrite = rewrite;
    f.summary = summary;
    f.closed = true;
    if (rewrite && apply_rewrites) apply_rewrite(f.sink.bytes, *rewrite);
  }
  void note(const RecordingNote& n) override { notes.push_back(n); }
};

// ---- synthetic packets (payloads are not real codec data) ----

inline MediaPacket video(std::int64_t dts_ms, bool key, std::int64_t cts_ms = 0) {
  MediaPacket p;
  p.kind = TrackKind::Video;
  p.codec = Codec::H264;
  p.keyframe = key;
  p.dts = std::chrono::milliseconds(dts_ms);
  p.pts = std::chrono::milliseconds(dts_ms + cts_ms);
  // A frame number in the payload lets tests follow frames across files.
  Bytes payload = streamgate::test::hex("00 00 00 05 65");
  for (int shift = 24; shift >= 0; shift -= 8) payload.push_back(std::byte(dts_ms >> shift));
  p.payload = SharedBytes::copy(payload);
  return p;
}

inline MediaPacket audio(std::int64_t dts_ms) {
  MediaPacket p;
  p.kind = TrackKind::Audio;
  p.codec = Codec::AAC;
  p.dts = p.pts = std::chrono::milliseconds(dts_ms);
  Bytes payload = streamgate::test::hex("21 1A");
  for (int shift = 24; shift >= 0; shift -= 8) payload.push_back(std::byte(dts_ms >> shift));
  p.payload = SharedBytes::copy(payload);
  return p;
}

inline MediaPacket video_config() {
  MediaPacket p;
  p.kind = TrackKind::Video;
  p.codec = Codec::H264;
  p.config = true;
  p.payload = SharedBytes::copy(
      streamgate::test::hex("01 64 00 1F FF E1 00 04 67 64 00 1F 01 00 02 68 EE"));
  return p;
}

inline MediaPacket audio_config() {
  MediaPacket p;
  p.kind = TrackKind::Audio;
  p.codec = Codec::AAC;
  p.config = true;
  p.audio = {44100, 2, 16};
  p.payload = SharedBytes::copy(streamgate::test::hex("12 10"));
  return p;
}

/// A publisher's onMetaData packet (name + ECMA array), as packet_from_tag makes it.
inline MediaPacket metadata(amf0::Properties props) {
  const amf0::Value values[] = {amf0::Value::string("onMetaData"),
                                amf0::Value::ecma_array(std::move(props))};
  MediaPacket p;
  p.kind = TrackKind::Data;
  p.codec = Codec::ScriptData;
  p.payload = SharedBytes::copy(amf0::encode_all(values));
  return p;
}

// ---- reading a written file back ----

struct ReadTag {
  std::size_t offset = 0;
  flv::Tag tag;
};

struct ReadFile {
  flv::FileHeader header;
  std::vector<ReadTag> tags;
  std::string error;  ///< empty when every byte was a whole, valid tag
};

inline ReadFile read_file(std::span<const std::byte> bytes) {
  ReadFile out;
  auto header = flv::parse_file_header(bytes);
  if (!header.ok()) {
    out.error = "header: " + (header.need_more() ? std::string("torn") : header.error);
    return out;
  }
  out.header = header.value;
  std::size_t pos = header.consumed;
  while (pos < bytes.size()) {
    auto tag = flv::read_tag(bytes.subspan(pos));
    if (!tag.ok()) {
      out.error = "tag at " + std::to_string(pos) + ": " + (tag.need_more() ? "torn" : tag.error);
      return out;
    }
    out.tags.push_back({pos, tag.value});
    pos += tag.consumed;
  }
  return out;
}

/// The onMetaData value of a file's first tag.
inline amf0::Value metadata_of(const ReadFile& file) {
  if (file.tags.empty() || file.tags[0].tag.type != flv::TagType::Script) return {};
  auto values = amf0::decode_all(file.tags[0].tag.body);
  if (!values.ok() || values.value.size() != 2) return {};
  return values.value[1];
}

/// The number a synthetic packet carries in its last four payload bytes.
inline std::int64_t frame_id(std::span<const std::byte> body) {
  std::int64_t v = 0;
  for (std::size_t i = body.size() - 4; i < body.size(); ++i)
    v = (v << 8) | std::to_integer<std::uint8_t>(body[i]);
  return v;
}

}  // namespace streamgate::flvrecord::test
