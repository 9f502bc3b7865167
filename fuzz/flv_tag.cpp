// The shared FLV code (core/src/format/flv*.cpp) fed an arbitrary FLV file:
// parse_file_header, then read_tag tag after tag, each body turned into a bus
// packet with packet_from_tag, as the recorder's reader and the RTMP plugin
// (whose audio/video/data messages are FLV tag bodies) use them.
//
// Invariants: a tag read is 11 + DataSize + 4 bytes and any shorter cut of it
// is NeedMore (a torn tag is never Invalid); a packet's payload is a slice of
// the tag body (no copy); and a packet rebuilt into a tag body by
// tag_body_prefix (as for packets from another protocol) parses back to the
// same kind, codec, flags, timestamps and payload.

#include <algorithm>

#include "fuzz_support.hpp"
#include "streamgate/format/flv.hpp"

namespace {

using namespace streamgate;

// Codecs for which tag_body_prefix writes an FLV form.
bool has_flv_form(Codec codec) {
  switch (codec) {
    case Codec::H264:
    case Codec::H265:
    case Codec::AV1:
    case Codec::VP9:
    case Codec::AAC:
    case Codec::MP3:
    case Codec::Speex:
    case Codec::G711A:
    case Codec::G711U:
      return true;
    default:
      return false;
  }
}

void check_packet(flv::TagType type, const SharedBytes& body, std::uint32_t timestamp_ms) {
  auto parsed = flv::packet_from_tag(type, body, timestamp_ms);
  if (parsed.invalid()) {
    FUZZ_CHECK(!parsed.error.empty(), "an invalid tag body says why");
    return;
  }
  if (!parsed.value) return;  // valid, nothing for the bus
  const MediaPacket& p = *parsed.value;
  FUZZ_CHECK(p.payload.empty() || p.payload.shares_storage_with(body), "the payload is a slice of the body");
  FUZZ_CHECK(p.payload.data() >= body.data() && p.payload.data() + p.payload.size() <= body.data() + body.size(),
             "the payload lies inside the body");
  FUZZ_CHECK(!(p.config && p.keyframe), "a config record is never a keyframe");
  FUZZ_CHECK(p.kind != TrackKind::Audio || !p.keyframe, "audio is never marked keyframe");
  FUZZ_CHECK(p.dts == std::chrono::milliseconds(timestamp_ms), "the DTS is the tag timestamp");
  FUZZ_CHECK(std::ranges::equal(flv::tag_body(p).span(),
                                p.codec == Codec::ScriptData ? p.payload.span() : body.span()),
             "tag_body gives back the original body");
  if (!has_flv_form(p.codec)) return;

  // As if the packet came from another protocol: no original tag body.
  MediaPacket bare(p);
  bare.flv_tag_body = {};
  const SharedBytes rebuilt = flv::tag_body(bare);
  FUZZ_CHECK(!rebuilt.empty(), "a codec with an FLV form gets a tag body");
  auto again = flv::packet_from_tag(type, rebuilt, timestamp_ms);
  FUZZ_CHECK(again.ok() && again.value, "a rebuilt tag body parses");
  const MediaPacket& q = *again.value;
  FUZZ_CHECK(q.kind == p.kind && q.codec == p.codec, "the rebuilt body keeps kind and codec");
  FUZZ_CHECK(q.config == p.config && q.keyframe == p.keyframe, "the rebuilt body keeps the flags");
  FUZZ_CHECK(q.dts == p.dts && q.pts == p.pts, "the rebuilt body keeps the timestamps");
  FUZZ_CHECK(std::ranges::equal(q.payload.span(), p.payload.span()), "the rebuilt body keeps the payload");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = fuzz::as_bytes(data, size);
  auto header = flv::parse_file_header(input);
  if (header.invalid()) FUZZ_CHECK(!header.error.empty(), "an invalid header says why");
  // Without a file header, read the bytes as tags all the same.
  if (header.ok()) input = input.subspan(header.consumed);

  constexpr std::uint32_t kMaxBody = 1 << 20;
  while (!input.empty()) {
    auto tag = flv::read_tag(input, kMaxBody);
    if (!tag.ok()) {
      if (tag.invalid()) FUZZ_CHECK(!tag.error.empty(), "an invalid tag says why");
      break;
    }
    const std::size_t total = flv::kTagHeaderSize + tag.value.data_size + 4;
    FUZZ_CHECK(tag.consumed == total, "a tag is its header, its body and PreviousTagSize");
    FUZZ_CHECK(tag.value.body.size() == tag.value.data_size && tag.value.data_size <= kMaxBody,
               "the body is DataSize bytes, within the limit");
    FUZZ_CHECK(tag.value.body.data() == input.data() + flv::kTagHeaderSize, "the body follows the header");
    for (std::size_t cut : {std::size_t(0), flv::kTagHeaderSize - 1, flv::kTagHeaderSize, total / 2, total - 1})
      if (cut < total) FUZZ_CHECK(flv::read_tag(input.first(cut), kMaxBody).need_more(), "a torn tag needs more");

    check_packet(tag.value.type, SharedBytes::copy(tag.value.body), tag.value.timestamp_ms);
    input = input.subspan(tag.consumed);
  }
  return 0;
}
