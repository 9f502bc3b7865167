// CRC-32 of PSI sections (ISO/IEC 13818-1 Annex A).

#include "crc32.hpp"

#include <gtest/gtest.h>

#include "test_bytes.hpp"
#include "ts_scanner.hpp"

namespace streamgate::mpegts {
namespace {

TEST(MpegtsCrc32, CatalogueCheckValue) {
  // CRC-32/MPEG-2 in the catalogue of parametrised CRC algorithms
  // (width 32, poly 0x04c11db7, init 0xffffffff, refin/refout false,
  // xorout 0): check value over "123456789" is 0x0376e6e7.
  EXPECT_EQ(crc32_mpeg2(as_bytes("123456789")), 0x0376E6E7u);
}

TEST(MpegtsCrc32, EmptyInputLeavesThePresetRegisters) { EXPECT_EQ(crc32_mpeg2({}), 0xFFFFFFFFu); }

TEST(MpegtsCrc32, MatchesTheAnnexARegisterModelBitByBit) {
  for (std::size_t size = 0; size < 300; size += 7) {
    const auto data = test::filler(size, static_cast<std::uint32_t>(size) + 3);
    EXPECT_EQ(crc32_mpeg2(data), test::reference_crc32(data)) << "size " << size;
  }
}

TEST(MpegtsCrc32, SectionFollowedByItsCrcLeavesZeroInTheDecoder) {
  // Annex A: the CRC_32 field makes the decoder's registers zero after the
  // whole section, which is how receivers check it.
  auto section = test::filler(40);
  const std::uint32_t crc = crc32_mpeg2(section);
  for (int shift = 24; shift >= 0; shift -= 8)
    section.push_back(std::byte(static_cast<std::uint8_t>(crc >> shift)));
  EXPECT_EQ(crc32_mpeg2(section), 0u);
  section[5] ^= std::byte{0x01};
  EXPECT_NE(crc32_mpeg2(section), 0u);
}

}  // namespace
}  // namespace streamgate::mpegts
