// TS packet header, adaptation field and PCR (ISO/IEC 13818-1 §2.4.3.2-5),
// and the 90 kHz / 27 MHz clock conversions (§2.4.2.1).

#include "ts_packet.hpp"

#include <gtest/gtest.h>

#include <array>

#include "test_bytes.hpp"

namespace streamgate::mpegts {
namespace {

using test::concat;
using test::hex;
using test::repeat;

std::vector<std::byte> packets_for(std::uint16_t pid, std::uint8_t& cc,
                                   const AdaptationField& first,
                                   const std::vector<std::byte>& payload) {
  std::vector<std::byte> out(packets_needed(payload.size(), first) * kTsPacketSize);
  std::array<ByteSpan, 1> parts{payload};
  GatherReader reader({}, parts);
  EXPECT_EQ(write_payload_packets(out.data(), pid, cc, first, reader), out.size());
  return out;
}

TEST(MpegtsTsHeader, FieldsPackedPerTable2_2) {
  std::array<std::byte, 4> out{};
  write_header(out.data(), 0x0100, true, AdaptationFieldControl::Both, 5);
  // 0x47 sync | 0x41: TEI 0, PUSI 1, priority 0, PID[12..8] 00001 | 0x00 PID[7..0]
  // | 0x35: scrambling 00, adaptation_field_control 11, continuity_counter 0101
  EXPECT_EQ(test::to_vector(out), hex("47 41 00 35"));
  write_header(out.data(), 0x1FFE, false, AdaptationFieldControl::PayloadOnly, 15);
  // PID 0x1FFE: 0x1F in the low 5 bits, 0xFE; control 01, counter 1111
  EXPECT_EQ(test::to_vector(out), hex("47 1F FE 1F"));
}

TEST(MpegtsPcr, EncodedPerSection2_4_3_5) {
  // base 0x1_2345_6789 = 1 0010 0011 0100 0101 0110 0111 1000 1001 (33 bits)
  // split 8/8/8/8/1: 10010001 10100010 10110011 11000100 | 1
  // byte 4: base bit 0 (1), reserved 111111, extension bit 8 (299 = 1 0010 1011 -> 1) = 0xFF
  // byte 5: extension bits 7..0 = 0x2B
  EXPECT_EQ(test::to_vector(encode_pcr(Pcr{0x123456789, 299})), hex("91 A2 B3 C4 FF 2B"));
  // zero: only the six reserved '1' bits are set
  EXPECT_EQ(test::to_vector(encode_pcr(Pcr{0, 0})), hex("00 00 00 00 7E 00"));
}

TEST(MpegtsClock, MicrosecondsTo27MHzAnd90kHz) {
  using std::chrono::microseconds;
  // 27 MHz = 27 ticks per microsecond; base = ticks / 300, extension = ticks % 300
  EXPECT_EQ(to_pcr(microseconds(1'000'000)), (Pcr{90'000, 0}));
  EXPECT_EQ(to_pcr(microseconds(1)), (Pcr{0, 27}));
  EXPECT_EQ(to_pcr(microseconds(12'345)), (Pcr{1'111, 15}));  // 333 315 ticks = 1111 * 300 + 15
  EXPECT_EQ(to_90khz(microseconds(1'000'000)), 90'000u);
  EXPECT_EQ(to_90khz(microseconds(11)), 0u);  // 0.99 tick, floored
  EXPECT_EQ(to_90khz(microseconds(12)), 1u);
}

TEST(MpegtsClock, WrapsAt2To33) {
  using std::chrono::microseconds;
  // 2^33 ticks of 90 kHz = 95 443 717 688.9 us; 95 443 717 689 us * 9 / 100 = 2^33 + 0.01
  const microseconds wrap(95'443'717'689);
  // 11 us earlier: 95 443 717 678 * 9 / 100 = 2^33 - 0.98 -> the last tick before the wrap
  EXPECT_EQ(to_90khz(wrap - microseconds(11)), (std::uint64_t{1} << 33) - 1);
  EXPECT_EQ(to_90khz(wrap), 0u);
  EXPECT_EQ(to_90khz(wrap + microseconds(1'000'000)), 90'000u);
  EXPECT_EQ(to_pcr(wrap).base, 0u);
  // 2^32 ms (the RTMP 32-bit wrap) is nothing special here: 2^32 * 90 mod 2^33
  EXPECT_EQ(to_90khz(std::chrono::milliseconds(std::int64_t{1} << 32)),
            ((std::uint64_t{1} << 32) * 90) % (std::uint64_t{1} << 33));
}

TEST(MpegtsTsPackets, PacketsNeeded) {
  EXPECT_EQ(packets_needed(1, {}), 1u);
  EXPECT_EQ(packets_needed(184, {}), 1u);
  EXPECT_EQ(packets_needed(185, {}), 2u);
  AdaptationField pcr{false, true, Pcr{}};  // 1 length + 1 flags + 6 PCR = 8 bytes
  EXPECT_EQ(packets_needed(176, pcr), 1u);
  EXPECT_EQ(packets_needed(177, pcr), 2u);
  EXPECT_EQ(packets_needed(176 + 184, pcr), 2u);
  EXPECT_EQ(packets_needed(176 + 185, pcr), 3u);
}

TEST(MpegtsTsPackets, FullPayloadNeedsNoAdaptationField) {
  const auto payload = test::filler(184);
  std::uint8_t cc = 7;
  const auto out = packets_for(0x0101, cc, {}, payload);
  // PUSI, PID 0x101, control 01 (payload only), counter 7
  EXPECT_EQ(out, concat({hex("47 41 01 17"), payload}));
  EXPECT_EQ(cc, 8);
}

TEST(MpegtsTsPackets, OneByteShortIsStuffedWithAZeroLengthAdaptationField) {
  const auto payload = test::filler(183);
  std::uint8_t cc = 0;
  // control 11; adaptation_field_length 0 (the length byte is the one byte of stuffing)
  EXPECT_EQ(packets_for(0x0101, cc, {}, payload), concat({hex("47 41 01 30 | 00"), payload}));
}

TEST(MpegtsTsPackets, TwoBytesShortCarryAFlagsByteOfZero) {
  const auto payload = test::filler(182);
  std::uint8_t cc = 0;
  // adaptation_field_length 1, all flags 0
  EXPECT_EQ(packets_for(0x0101, cc, {}, payload), concat({hex("47 41 01 30 | 01 00"), payload}));
}

TEST(MpegtsTsPackets, ShortPayloadWithPcrAndRandomAccess) {
  const auto payload = test::filler(10);
  std::uint8_t cc = 15;
  AdaptationField field{false, true, Pcr{0x123456789, 299}};
  // 184 - 10 = 174 bytes of adaptation field: length 173 (0xAD); flags 0x50
  // (random_access_indicator, PCR_flag); PCR; 173 - 7 = 166 stuffing bytes 0xFF
  const auto expected = concat(
      {hex("47 41 00 3F | AD 50 | 91 A2 B3 C4 FF 2B"), repeat(std::byte{0xFF}, 166), payload});
  EXPECT_EQ(packets_for(0x0100, cc, field, payload), expected);
  EXPECT_EQ(cc, 0) << "the counter wraps from 15 to 0";
}

TEST(MpegtsTsPackets, LongPayloadSplitsWithStartOnlyOnTheFirst) {
  const auto payload = test::filler(400);
  std::uint8_t cc = 0;
  const auto out = packets_for(0x0100, cc, {}, payload);
  ASSERT_EQ(out.size(), 3 * kTsPacketSize);
  const std::span<const std::byte> bytes(out);
  EXPECT_EQ(test::to_vector(bytes.subspan(0, 4)), hex("47 41 00 10"));
  EXPECT_EQ(test::to_vector(bytes.subspan(188, 4)), hex("47 01 00 11"));
  // last: 400 - 368 = 32 bytes, 152 bytes of adaptation field: length 151 (0x97), flags 0, 150 x
  // 0xFF
  EXPECT_EQ(test::to_vector(bytes.subspan(376)),
            concat({hex("47 01 00 32 | 97 00"), repeat(std::byte{0xFF}, 150),
                    test::to_vector(std::span<const std::byte>(payload).subspan(368))}));
  EXPECT_EQ(test::to_vector(bytes.subspan(4, 184)),
            test::to_vector(std::span<const std::byte>(payload).subspan(0, 184)));
}

TEST(MpegtsTsPackets, GatheredPartsAreConcatenated) {
  const auto a = test::filler(100, 1), b = test::filler(0), c = test::filler(150, 2);
  std::array<ByteSpan, 2> parts{b, c};
  GatherReader reader(a, parts);
  std::vector<std::byte> out(2 * kTsPacketSize);
  std::uint8_t cc = 0;
  write_payload_packets(out.data(), 0x100, cc, {}, reader);
  auto whole = concat({a, c});
  EXPECT_EQ(test::to_vector(std::span<const std::byte>(out).subspan(4, 184)),
            test::to_vector(std::span<const std::byte>(whole).subspan(0, 184)));
}

TEST(MpegtsTsPackets, AdaptationOnlyPacketKeepsThePreviousCounter) {
  std::array<std::byte, kTsPacketSize> out{};
  AdaptationField field{true, false, Pcr{0, 0}};
  write_adaptation_only_packet(out.data(), 0x0100, 3, field);
  // no PUSI; control 10; counter 2 (3 - 1: §2.4.3.3, not incremented without payload)
  // length 183 (0xB7); flags 0x90 (discontinuity_indicator, PCR_flag); PCR 0; 176 x 0xFF
  const auto expected =
      concat({hex("47 01 00 22 | B7 90 | 00 00 00 00 7E 00"), repeat(std::byte{0xFF}, 176)});
  EXPECT_EQ(test::to_vector(out), expected);
  write_adaptation_only_packet(out.data(), 0x0100, 0, field);
  EXPECT_EQ(out[3], std::byte{0x2F}) << "counter 0 - 1 wraps to 15";
}

}  // namespace
}  // namespace streamgate::mpegts
