// PAT (ISO/IEC 13818-1 §2.4.4.3, Table 2-30) and PMT (§2.4.4.8, Table 2-33).
// CRC_32 values come from the Annex A register model in ts_scanner.cpp; the
// two default sections are also byte for byte what ffmpeg 5.1's mpegts muxer
// writes with its defaults (same PIDs, program 1, stream id 1).

#include "psi.hpp"

#include <gtest/gtest.h>

#include <array>

#include "test_bytes.hpp"
#include "ts_scanner.hpp"

namespace streamgate::mpegts {
namespace {

using test::hex;

std::vector<std::byte> with_crc(std::vector<std::byte> section) {
  const std::uint32_t crc = test::reference_crc32(section);
  for (int shift = 24; shift >= 0; shift -= 8)
    section.push_back(std::byte(static_cast<std::uint8_t>(crc >> shift)));
  return section;
}

TEST(MpegtsPat, OneProgramDefaults) {
  const auto expected =
      hex("00"             // table_id 0x00: program_association_section
          "B0 0D"          // section_syntax_indicator 1, '0', reserved 11, section_length 13
                           //   (5 bytes of ids/versions + 4 per program + 4 CRC)
          "00 01"          // transport_stream_id 1
          "C1"             // reserved 11, version_number 00000, current_next_indicator 1
          "00 00"          // section_number 0, last_section_number 0
          "00 01"          // program_number 1
          "F0 00"          // reserved 111, program_map_PID 0x1000
          "2A B1 04 B2");  // CRC_32
  EXPECT_EQ(pat_section(1, 1, 0x1000, 0), expected);
  EXPECT_EQ(with_crc(hex("00 B0 0D 00 01 C1 00 00 00 01 F0 00")), expected);
}

TEST(MpegtsPmt, H264AndAacWithPcrOnVideo) {
  const std::array<ElementaryStreamInfo, 2> streams{
      {{StreamType::H264, 0x0100}, {StreamType::AdtsAac, 0x0101}}};
  const auto expected =
      hex("02"              // table_id 0x02: TS_program_map_section
          "B0 17"           // section_syntax_indicator 1, '0', reserved 11, section_length 23
                            //   (9 fixed + 5 per stream + 4 CRC)
          "00 01"           // program_number 1
          "C1"              // reserved 11, version 0, current_next_indicator 1
          "00 00"           // section_number, last_section_number
          "E1 00"           // reserved 111, PCR_PID 0x0100
          "F0 00"           // reserved 1111, program_info_length 0
          "1B E1 00 F0 00"  // stream_type 0x1B (H.264), reserved 111, PID 0x100, reserved 1111,
                            // ES_info_length 0
          "0F E1 01 F0 00"  // stream_type 0x0F (ADTS AAC), PID 0x101
          "2F 44 B9 9B");   // CRC_32
  EXPECT_EQ(pmt_section(1, 0x0100, streams, 0), expected);
}

TEST(MpegtsPmt, HevcAndMp3VersionAndProgramNumber) {
  const std::array<ElementaryStreamInfo, 2> streams{
      {{StreamType::Hevc, 0x0200}, {StreamType::Mpeg1Audio, 0x0201}}};
  const auto expected =
      with_crc(hex("02 B0 17"
                   "00 07"  // program_number 7
                   "C7"     // reserved 11, version_number 3 (00011), current_next_indicator 1
                   "00 00"
                   "E2 00"  // PCR_PID 0x0200
                   "F0 00"
                   "24 E2 00 F0 00"     // stream_type 0x24 (HEVC), PID 0x200
                   "03 E2 01 F0 00"));  // stream_type 0x03 (MPEG-1 audio), PID 0x201
  EXPECT_EQ(pmt_section(7, 0x0200, streams, 3), expected);
}

TEST(MpegtsPmt, AudioOnlyCarriesThePcrOnAudio) {
  const std::array<ElementaryStreamInfo, 1> streams{{{StreamType::AdtsAac, 0x0101}}};
  const auto expected =
      with_crc(hex("02 B0 12"  // section_length 18 = 9 + 5 + 4
                   "00 01 C1 00 00"
                   "E1 01"  // PCR_PID 0x0101
                   "F0 00"
                   "0F E1 01 F0 00"));
  EXPECT_EQ(pmt_section(1, 0x0101, streams, 0), expected);
}

TEST(MpegtsPmt, VersionWrapsInFiveBits) {
  const std::array<ElementaryStreamInfo, 1> streams{{{StreamType::H264, 0x0100}}};
  EXPECT_EQ(pmt_section(1, 0x100, streams, 31)[5], std::byte{0xFF});  // 11 11111 1
  EXPECT_EQ(pmt_section(1, 0x100, streams, 32)[5], std::byte{0xC1});
}

TEST(MpegtsSectionPacket, PointerFieldSectionThenFFStuffing) {
  const auto section = pat_section(1, 1, 0x1000, 0);
  std::array<std::byte, 188> out{};
  std::uint8_t cc = 15;
  write_section_packet(out.data(), 0x0000, cc, section);
  // sync, PUSI + PID 0, payload only + counter 15; pointer_field 0; section; 0xFF to the end
  // (§2.4.4.2)
  auto expected = test::concat({hex("47 40 00 1F 00"), section});
  expected.resize(188, std::byte{0xFF});
  EXPECT_EQ(test::to_vector(out), expected);
  EXPECT_EQ(cc, 0);
}

TEST(MpegtsSectionPacket, WithDiscontinuityIndicator) {
  const auto section = pat_section(1, 1, 0x1000, 0);
  std::array<std::byte, 188> out{};
  std::uint8_t cc = 0;
  write_section_packet(out.data(), 0x0000, cc, section, true);
  // PUSI + PID 0; adaptation_field_control 11, counter 0; adaptation_field_length 1,
  // flags 0x80 (discontinuity_indicator); pointer_field 0; section; 0xFF to the end
  auto expected = test::concat({hex("47 40 00 30 | 01 80 | 00"), section});
  expected.resize(188, std::byte{0xFF});
  EXPECT_EQ(test::to_vector(out), expected);
  EXPECT_EQ(cc, 1);
}

}  // namespace
}  // namespace streamgate::mpegts
