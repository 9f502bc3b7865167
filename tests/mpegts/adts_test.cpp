// AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) and the ADTS header
// (ISO/IEC 14496-3 §1.A.2.2, Tables 1.A.5-1.A.7).

#include "adts.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"

namespace streamgate::mpegts {
namespace {

using test::hex;

TEST(MpegtsAudioSpecificConfig, AacLc44kStereo) {
  // audioObjectType 00010 (2, LC), samplingFrequencyIndex 0100 (44100),
  // channelConfiguration 0010, GASpecificConfig 000 -> 0001 0010 0001 0000
  const auto parsed = parse_audio_specific_config(hex("12 10"));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value, (AdtsParams{2, 4, 2}));
}

TEST(MpegtsAudioSpecificConfig, ExplicitHeAacDescribesTheCore) {
  // audioObjectType 00101 (5, SBR), samplingFrequencyIndex 0110 (24000),
  // channelConfiguration 0010, extensionSamplingFrequencyIndex 0011 (48000),
  // audioObjectType 00010 (LC) -> 00101011 00010001 10001000
  const auto parsed = parse_audio_specific_config(hex("2B 11 88"));
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.value, (AdtsParams{2, 6, 2}));
}

TEST(MpegtsAudioSpecificConfig, EscapedObjectTypeCannotBeCarried) {
  // 11111 (escape) + 001010 (32 + 10 = 42), index 0100, channels 0010 -> 11111001 01001000 010.....
  const auto parsed = parse_audio_specific_config(hex("F9 48 40"));
  ASSERT_TRUE(parsed.invalid());
  EXPECT_NE(parsed.error.find("42"), std::string::npos) << parsed.error;
}

TEST(MpegtsAudioSpecificConfig, RefusesWhatAdtsCannotSay) {
  // explicit frequency: LC, index 1111, 24-bit 44100 (0x00AC44), channels 2
  // 00010 1111 000000001010110001000100 0010 -> 0001 0111 1000 0000 0101 0110 0010 0010 0001 0...
  EXPECT_TRUE(parse_audio_specific_config(hex("17 80 56 22 10")).invalid());
  // channelConfiguration 0 (layout in a PCE): 00010 0100 0000 000
  EXPECT_TRUE(parse_audio_specific_config(hex("12 00")).invalid());
  // object type 0 (null)
  EXPECT_TRUE(parse_audio_specific_config(hex("02 10")).invalid());
  // reserved sampling index 13: 00010 1101 0010 -> 0001 0110 1001 0000
  EXPECT_TRUE(parse_audio_specific_config(hex("16 90")).invalid());
}

TEST(MpegtsAudioSpecificConfig, TruncatedAtEveryLengthIsInvalid) {
  const auto whole = hex("2B 11 88");  // needs 22 bits
  for (std::size_t size = 0; size < 3; ++size) {
    const auto parsed = parse_audio_specific_config(std::span<const std::byte>(whole).first(size));
    EXPECT_TRUE(parsed.invalid()) << "size " << size;
  }
}

TEST(MpegtsAdtsHeader, LcAt44kStereo) {
  // 371-byte raw frame -> aac_frame_length 378 = 0 0001 0111 1010
  const auto header = adts_header(AdtsParams{2, 4, 2}, 371);
  // FF    syncword[11..4]
  // F1    syncword[3..0] 1111, ID 0 (MPEG-4), layer 00, protection_absent 1
  // 50    profile_ObjectType 01 (LC), sampling_frequency_index 0100, private_bit 0,
  // channel_configuration[2] 0 80    channel_configuration[1..0] 10, original_copy 0, home 0,
  // copyright bits 00, frame_length[12..11] 00 2F    frame_length[10..3] 00101111 5F
  // frame_length[2..0] 010, adts_buffer_fullness[10..6] 11111 FC    adts_buffer_fullness[5..0]
  // 111111, number_of_raw_data_blocks_in_frame 00
  EXPECT_EQ(test::to_vector(header), hex("FF F1 50 80 2F 5F FC"));
}

TEST(MpegtsAdtsHeader, MainProfileMono48kLongestFrame) {
  // object type 1 (Main) -> profile 00; index 3 (48000); 1 channel; length 8191 (13 bits all 1)
  const auto header = adts_header(AdtsParams{1, 3, 1}, kMaxAdtsPayload);
  // 0C = 00 0011 0 0; 43 = 01 0000 11; FF; FF = 111 11111; FC
  EXPECT_EQ(test::to_vector(header), hex("FF F1 0C 43 FF FF FC"));
}

}  // namespace
}  // namespace streamgate::mpegts
