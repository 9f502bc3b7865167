// Protocol control and user control message bodies (RTMP 1.0 §5.4, §7.1.7)
// and acknowledgement bookkeeping (§5.4.3).

#include "message.hpp"

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"

namespace streamgate::rtmp {
namespace {

using test::Bytes;
using test::hex;

TEST(ControlMessages, Bodies) {
  // §5.4.4 Window Acknowledgement Size / §5.4.3 Acknowledgement: one u32.
  EXPECT_EQ(Bytes(u32_body(2500000)), hex("00 26 25 A0"));
  // §5.4.5 Set Peer Bandwidth: window u32 + limit type (2 = dynamic).
  EXPECT_EQ(Bytes(peer_bandwidth_body({2500000, kLimitDynamic})), hex("00 26 25 A0 02"));
  // §7.1.7 Stream Begin (event 0) for stream 1.
  EXPECT_EQ(Bytes(user_control_body({kStreamBegin, 1, 0})), hex("00 00 00 00 00 01"));
  EXPECT_EQ(Bytes(user_control_body({kStreamEof, 1, 0})), hex("00 01 00 00 00 01"));
  // Set Buffer Length (event 3): stream id then buffer length in ms.
  EXPECT_EQ(Bytes(user_control_body({kSetBufferLength, 1, 3000})),
            hex("00 03 00 00 00 01 00 00 0B B8"));
  EXPECT_EQ(Bytes(user_control_body({kPingResponse, 0x0D0F, 0})), hex("00 07 00 00 0D 0F"));
}

TEST(ControlMessages, Parsing) {
  auto ping = parse_user_control(hex("00 06 00 00 0D 0F"));
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping.value.event, kPingRequest);
  EXPECT_EQ(ping.value.value, 0x0D0Fu);
  auto buffer = parse_user_control(hex("00 03 00 00 00 01 00 00 0B B8"));
  ASSERT_TRUE(buffer.ok());
  EXPECT_EQ(buffer.value.buffer_length_ms, 3000u);
  EXPECT_TRUE(parse_user_control(hex("00 03 00 00 00 01")).invalid()) << "buffer length missing";
  EXPECT_TRUE(parse_user_control(hex("00")).invalid());
  EXPECT_TRUE(parse_user_control(hex("00 00 00 01")).invalid()) << "stream id cut short";
  auto unknown = parse_user_control(hex("00 1F"));
  ASSERT_TRUE(unknown.ok()) << "an unknown event does not end a session";
  EXPECT_EQ(unknown.value.event, 0x1F);

  auto bw = parse_peer_bandwidth(hex("00 26 25 A0 01"));
  ASSERT_TRUE(bw.ok());
  EXPECT_EQ(bw.value.window_bytes, 2500000u);
  EXPECT_EQ(bw.value.limit_type, kLimitSoft);
  EXPECT_TRUE(parse_peer_bandwidth(hex("00 26 25 A0 03")).invalid());
  EXPECT_TRUE(parse_peer_bandwidth(hex("00 26 25")).invalid());
  EXPECT_TRUE(parse_u32_body(hex("00 00 01")).invalid());
}

TEST(Aggregate, SplitsIntoSlicesWithOffsetTimestamps) {
  Message aggregate{MessageType::Aggregate, 1, 7000, 4,
                    SharedBytes::copy(hex("08 000002 0003E8 00 000000  AF 01  0000000D"
                                          "09 000001 0003F2 00 000000  27     0000000C"))};
  auto parts = split_aggregate(aggregate);
  ASSERT_TRUE(parts.ok()) << parts.error;
  ASSERT_EQ(parts.value.size(), 2u);
  EXPECT_EQ(parts.value[0].timestamp_ms, 7000);
  EXPECT_EQ(parts.value[1].timestamp_ms, 7010);
  EXPECT_EQ(parts.value[1].type, MessageType::Video);
  EXPECT_TRUE(parts.value[0].body.shares_storage_with(aggregate.body)) << "sliced, not copied";
  for (const char* bad : {"08 000002 0003E8 00 000000  AF 01  0000",      // back pointer cut
                          "08 000009 0003E8 00 000000  AF 01  0000000D",  // size past the end
                          "14 000001 000000 00 000000  05     0000000C",  // a command inside
                          "08 0000"}) {
    Message m{MessageType::Aggregate, 1, 0, 4, SharedBytes::copy(hex(bad))};
    EXPECT_TRUE(split_aggregate(m).invalid()) << bad;
  }
}

TEST(AckCounter, AcknowledgesEachWindow) {
  AckCounter acks;
  EXPECT_FALSE(acks.received(5'000'000)) << "no window announced: no acks";
  acks.set_window(1000);
  EXPECT_EQ(acks.received(1), std::optional<std::uint32_t>(5'000'001));
  EXPECT_FALSE(acks.received(999));
  EXPECT_EQ(acks.received(1), std::optional<std::uint32_t>(5'001'001));
  EXPECT_FALSE(acks.received(500));
  EXPECT_EQ(acks.received(2500), std::optional<std::uint32_t>(5'004'001))
      << "one ack for a big read";
}

TEST(AckCounter, SequenceNumberWrapsAt32Bits) {
  AckCounter acks;
  acks.set_window(1u << 31);
  EXPECT_TRUE(acks.received(std::size_t(1) << 31));
  auto seq = acks.received((std::size_t(1) << 31) + 10);
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, 10u);
}

}  // namespace
}  // namespace streamgate::rtmp
