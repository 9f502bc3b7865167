// PES headers (ISO/IEC 13818-1 §2.4.3.6, Table 2-21) and PTS/DTS (§2.4.3.7).

#include "pes.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"

namespace streamgate::mpegts {
namespace {

using test::hex;

TEST(MpegtsPesTimestamp, ThirtyThreeBitsWithMarkers) {
  // 0x1_2345_6789 = 1 0010 0011 0100 0101 0110 0111 1000 1001
  // '0010' + TS[32..30] 100 + marker 1          -> 0010 1001 = 0x29
  // TS[29..22] 10001101                         -> 0x8D
  // TS[21..15] 0001010 + marker                 -> 0x15
  // TS[14..7]  11001111                         -> 0xCF
  // TS[6..0]   0001001 + marker                 -> 0x13
  EXPECT_EQ(test::to_vector(encode_timestamp(0x2, 0x123456789)), hex("29 8D 15 CF 13"));
  // bits above 33 are not written
  EXPECT_EQ(encode_timestamp(0x2, 0x123456789),
            encode_timestamp(0x2, 0x123456789 + (std::uint64_t{1} << 33)));
}

TEST(MpegtsPesHeader, VideoWithPtsAndDtsUnbounded) {
  // PTS 66003 = 0x101D3, DTS 63000 = 0xF618 (90 kHz)
  const auto header = make_pes_header(kVideoStreamId, 66003, 63000, 5000, true);
  const auto expected =
      hex("00 00 01"        // packet_start_code_prefix
          "E0"              // stream_id: video stream 0
          "00 00"           // PES_packet_length 0: unbounded (video in a TS)
          "84"              // '10', scrambling 00, priority 0, data_alignment_indicator 1,
                            //   copyright 0, original 0
          "C0"              // PTS_DTS_flags '11', ESCR/ES_rate/DSM/copy_info/CRC/extension 0
          "0A"              // PES_header_data_length 10
          "31 00 05 03 A7"  // '0011' PTS: 66003 >> 30 = 0; >> 22 = 0; (>> 15) = 2 -> 0000010 1;
                            //   (>> 7) & 0xFF = 3; & 0x7F = 83 -> 1010011 1
          "11 00 03 EC 31"  // '0001' DTS: 63000 >> 15 = 1 -> 0000001 1;
                            //   (>> 7) & 0xFF = 236; & 0x7F = 24 -> 0011000 1
      );
  EXPECT_EQ(test::to_vector(header.span()), expected);
}

TEST(MpegtsPesHeader, AudioWithPtsOnlyAndLength) {
  // PTS = DTS = 90000 (1 s): only the PTS is written
  const auto header = make_pes_header(kAudioStreamId, 90000, 90000, 100, false);
  const auto expected =
      hex("00 00 01 C0"  // audio stream 0
          "00 6C"        // PES_packet_length 108 = 3 (flags + length) + 5 (PTS) + 100
          "84"
          "80"              // PTS_DTS_flags '10'
          "05"              // PES_header_data_length 5
          "21 00 05 BF 21"  // '0010' PTS 90000 = 0x15F90: >> 15 = 2; (>> 7) & 0xFF = 191; & 0x7F =
                            // 16 -> 0010000 1
      );
  EXPECT_EQ(test::to_vector(header.span()), expected);
}

TEST(MpegtsPesHeader, NoDtsWhenAbsent) {
  const auto header = make_pes_header(kAudioStreamId, 90000, std::nullopt, 1, false);
  EXPECT_EQ(header.size, 14u);
  EXPECT_EQ(header.bytes[7], std::byte{0x80});
}

TEST(MpegtsPesHeader, LengthTooLargeForSixteenBitsBecomesUnbounded) {
  // PTS only: 3 + 5 + payload must stay <= 0xFFFF
  const auto too_long = make_pes_header(kAudioStreamId, 0, std::nullopt, 0xFFFF - 8 + 1, false);
  EXPECT_EQ(test::to_vector(too_long.span().subspan(4, 2)), hex("00 00"));
  const auto fits = make_pes_header(kAudioStreamId, 0, std::nullopt, 0xFFFF - 8,
                                    false);  // 3 + 5 + payload = 0xFFFF
  EXPECT_EQ(test::to_vector(fits.span().subspan(4, 2)), hex("FF FF"));
}

}  // namespace
}  // namespace streamgate::mpegts
