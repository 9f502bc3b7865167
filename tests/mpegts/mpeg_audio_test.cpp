// MPEG audio frame headers (ISO/IEC 11172-3 §2.4.1.3, ISO/IEC 13818-3 §2.4.1.3).

#include "mpeg_audio.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"

namespace streamgate::mpegts {
namespace {

using test::hex;

TEST(MpegtsMpegAudioHeader, Mpeg1LayerIII) {
  // FF FB: sync 11111111 111, version 11 (MPEG-1), layer 01 (III), protection_bit 1
  // 90: bitrate_index 1001 (128 kbit/s), sampling_frequency 00 (44100), padding 0, private 0
  const auto parsed = parse_mpeg_audio_header(hex("FF FB 90 64"));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value.version, MpegAudioVersion::Mpeg1);
  EXPECT_EQ(parsed.value.layer, 3);
  EXPECT_EQ(parsed.value.sample_rate, 44100u);
}

TEST(MpegtsMpegAudioHeader, Mpeg2AndMpeg25LowRates) {
  // F3: version 10 (MPEG-2), layer 01; 84: bitrate 1000, frequency 01 (24000 for MPEG-2)
  auto parsed = parse_mpeg_audio_header(hex("FF F3 84 C4"));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value.version, MpegAudioVersion::Mpeg2);
  EXPECT_EQ(parsed.value.sample_rate, 24000u);
  // E3: version 00 (MPEG-2.5), layer 01; 80: frequency 00 -> 11025
  parsed = parse_mpeg_audio_header(hex("FF E3 80 C4"));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value.version, MpegAudioVersion::Mpeg25);
  EXPECT_EQ(parsed.value.sample_rate, 11025u);
}

TEST(MpegtsMpegAudioHeader, RejectsReservedAndShortHeaders) {
  EXPECT_TRUE(parse_mpeg_audio_header(hex("FF 7B 90 64")).invalid());  // sync incomplete
  EXPECT_TRUE(parse_mpeg_audio_header(hex("FF EB 90 64")).invalid());  // version 01 reserved
  EXPECT_TRUE(parse_mpeg_audio_header(hex("FF F9 90 64")).invalid());  // layer 00 reserved
  EXPECT_TRUE(parse_mpeg_audio_header(hex("FF FB F0 64")).invalid());  // bitrate 1111
  EXPECT_TRUE(parse_mpeg_audio_header(hex("FF FB 9C 64")).invalid());  // frequency 11 reserved
  for (std::size_t size = 0; size < 4; ++size)
    EXPECT_TRUE(parse_mpeg_audio_header(std::span<const std::byte>(hex("FF FB 90 64")).first(size))
                    .invalid());
}

}  // namespace
}  // namespace streamgate::mpegts
