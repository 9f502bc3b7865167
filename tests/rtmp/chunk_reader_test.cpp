// Chunk stream input (RTMP 1.0 §5.3): header types, chunk stream ids,
// extended timestamps, chunk size changes, abort, timestamp unwrapping and
// the memory bounds.

#include "chunk_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chunk_bytes.hpp"
#include "format/test_bytes.hpp"

namespace streamgate::rtmp {
namespace {

using test::Bytes;
using test::cat;
using test::hex;
using test::type0;

std::vector<Message> read_all(const Bytes& input, ChunkReader::Limits limits = {}) {
  ChunkReader reader(limits);
  std::vector<Message> out;
  auto r = reader.feed(input, out);
  EXPECT_TRUE(r.ok()) << r.error;
  return out;
}

Bytes body_of(const Message& m) { return Bytes(m.body.span().begin(), m.body.span().end()); }

Bytes filler(std::size_t n, std::uint8_t start = 0x10) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::byte(std::uint8_t(start + i));
  return out;
}

// §5.3.1.2.2: a type-1 header (delta, length, type).
Bytes type1(std::uint8_t csid, std::uint32_t delta, std::uint32_t length, std::uint8_t type) {
  const bool ext = delta >= 0xFFFFFF;
  const std::uint32_t field = ext ? 0xFFFFFF : delta;
  Bytes out{std::byte(0x40 | csid), std::byte(field >> 16),  std::byte(field >> 8),
            std::byte(field),       std::byte(length >> 16), std::byte(length >> 8),
            std::byte(length),      std::byte(type)};
  if (ext)
    out.insert(out.end(), {std::byte(delta >> 24), std::byte(delta >> 16), std::byte(delta >> 8),
                           std::byte(delta)});
  return out;
}

TEST(ChunkReader, Type0HeaderWithOneByteChunkStreamId) {
  const Bytes input = cat({hex("03"           // fmt 0 (bits 00), csid 3
                               "00 00 0A"     // timestamp 10
                               "00 00 05"     // message length 5
                               "14"           // type 20: AMF0 command
                               "01 00 00 00"  // message stream id 1, little-endian
                               ),
                           hex("01 02 03 04 05")});
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, MessageType::CommandAmf0);
  EXPECT_EQ(out[0].stream_id, 1u);
  EXPECT_EQ(out[0].timestamp_ms, 10);
  EXPECT_EQ(out[0].csid, 3u);
  EXPECT_EQ(body_of(out[0]), hex("01 02 03 04 05"));
}

TEST(ChunkReader, TwoAndThreeByteChunkStreamIds) {
  struct Case {
    const char* basic;
    std::uint32_t csid;
  };
  // §5.3.1.1: id 0 in the low bits -> one more byte, csid = 64 + b1;
  // id 1 -> two more bytes, csid = 64 + b1 + 256 * b2.
  for (const Case& c :
       {Case{"00 00", 64}, Case{"00 0A", 74}, Case{"00 FF", 319}, Case{"01 00 01", 320},
        Case{"01 10 02", 64 + 0x10 + 2 * 256}, Case{"01 FF FF", 65599}}) {
    const Bytes input = cat({hex(c.basic), hex("00 00 01  00 00 01  09  00 00 00 00  AA")});
    auto out = read_all(input);
    ASSERT_EQ(out.size(), 1u) << c.basic;
    EXPECT_EQ(out[0].csid, c.csid) << c.basic;
    EXPECT_EQ(body_of(out[0]), hex("AA"));
  }
}

TEST(ChunkReader, Types1To3ReuseThePreviousHeader) {
  const Bytes input = cat({
      hex("04 00 03 E8 00 00 02 08 01 00 00 00"),
      hex("A1 A2"),                                     // type 0: ts 1000, len 2, audio, sid 1
      hex("44 00 00 14 00 00 03 09"), hex("B1 B2 B3"),  // type 1: +20, len 3, video
      hex("84 00 00 05"), hex("C1 C2 C3"),              // type 2: +5, len/type kept
      hex("C4"), hex("D1 D2 D3"),                       // type 3: +5 again
  });
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].timestamp_ms, 1000);
  EXPECT_EQ(out[1].timestamp_ms, 1020);
  EXPECT_EQ(out[1].type, MessageType::Video);
  EXPECT_EQ(out[1].stream_id, 1u);
  EXPECT_EQ(out[2].timestamp_ms, 1025);
  EXPECT_EQ(out[2].type, MessageType::Video);
  EXPECT_EQ(body_of(out[2]), hex("C1 C2 C3"));
  EXPECT_EQ(out[3].timestamp_ms, 1030);
  EXPECT_EQ(body_of(out[3]), hex("D1 D2 D3"));
}

TEST(ChunkReader, Type3AfterType0RepeatsTheTimestampField) {
  // What ffmpeg and SRS do: the "delta" after a type-0 header is its field.
  const Bytes input = cat({hex("05 00 00 28 00 00 01 08 01 00 00 00 11"), hex("C5 22")});
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].timestamp_ms, 40);
  EXPECT_EQ(out[1].timestamp_ms, 80);
}

TEST(ChunkReader, MessageSplitIntoChunksOfTheDefaultSize) {
  const Bytes payload = filler(300);
  const std::span<const std::byte> p(payload);
  // §5.4.1: chunk size 128 until changed: 128 + 128 + 44.
  const Bytes input =
      cat({hex("06 00 00 00 00 01 2C 09 01 00 00 00"), Bytes(p.begin(), p.begin() + 128), hex("C6"),
           Bytes(p.begin() + 128, p.begin() + 256), hex("C6"), Bytes(p.begin() + 256, p.end())});
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(body_of(out[0]), payload);
}

// §5.3.1.3: timestamp field 0xFFFFFF -> a 4-byte extended timestamp follows.
Bytes extended_stream(bool repeat_in_continuation) {
  const Bytes payload = filler(200, 0x40);
  const std::span<const std::byte> p(payload);
  return cat(
      {hex("06 FF FF FF 00 00 C8 09 01 00 00 00"  // type 0, ts field 0xFFFFFF, len 200, video
           "01 00 00 05"),                        // extended timestamp 0x01000005
       Bytes(p.begin(), p.begin() + 128),
       repeat_in_continuation ? hex("C6 01 00 00 05") : hex("C6"),
       Bytes(p.begin() + 128, p.end())});
}

TEST(ChunkReader, ExtendedTimestampRepeatedOnContinuationChunks) {
  auto out = read_all(extended_stream(true));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp_ms, 0x01000005);
  EXPECT_EQ(body_of(out[0]), filler(200, 0x40));
}

TEST(ChunkReader, ExtendedTimestampOmittedOnContinuationChunks) {
  auto out = read_all(extended_stream(false));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].timestamp_ms, 0x01000005);
  EXPECT_EQ(body_of(out[0]), filler(200, 0x40));
}

TEST(ChunkReader, ExtendedDeltaOnType1AndOnANewType3Message) {
  const Bytes input = cat({
      hex("07 00 00 10 00 00 01 08 01 00 00 00"), hex("01"),  // ts 16
      hex("47 FF FF FF 00 00 01 08 01 00 00 00"), hex("02"),  // type 1, delta ext = 0x01000000
      hex("C7 00 00 00 10"), hex("03"),  // type 3 new message: ext field read as its delta (16)
  });
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].timestamp_ms, 16 + 0x01000000);
  EXPECT_EQ(out[2].timestamp_ms, 16 + 0x01000000 + 16);
}

TEST(ChunkReader, ChunkSizeChangeTakesEffectMidMessage) {
  const Bytes payload = filler(300);
  const std::span<const std::byte> p(payload);
  const Bytes input = cat({
      hex("06 00 00 00 00 01 2C 09 01 00 00 00"), Bytes(p.begin(), p.begin() + 128),  // 128 of 300
      hex("02 00 00 00 00 00 04 01 00 00 00 00"    // Set Chunk Size on csid 2, stream 0
          "00 00 01 00"),                          // 256
      hex("C6"), Bytes(p.begin() + 128, p.end()),  // the other 172 bytes in one chunk now
  });
  ChunkReader reader;
  std::vector<Message> out;
  ASSERT_TRUE(reader.feed(input, out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, MessageType::SetChunkSize);
  EXPECT_EQ(reader.chunk_size(), 256u);
  EXPECT_EQ(body_of(out[1]), payload);
}

TEST(ChunkReader, SetChunkSizeBounds) {
  auto set = [](const char* value) {
    return cat({hex("02 00 00 00 00 00 04 01 00 00 00 00"), hex(value)});
  };
  for (const char* bad : {"00 00 00 00", "80 00 00 00", "FF FF FF FF"}) {
    ChunkReader reader;
    std::vector<Message> out;
    auto r = reader.feed(set(bad), out);
    EXPECT_TRUE(r.invalid()) << bad;
    EXPECT_NE(r.error.find("chunk size"), std::string::npos) << r.error;
  }
  ChunkReader big;
  std::vector<Message> out;
  ASSERT_TRUE(big.feed(set("7F FF FF FF"), out).ok());
  EXPECT_EQ(big.chunk_size(), kMaxChunkSize) << "2^31-1 is legal and clamped to 16 MiB";
  ChunkReader one;
  ASSERT_TRUE(one.feed(set("00 00 00 01"), out).ok());
  EXPECT_EQ(one.chunk_size(), 1u);
}

TEST(ChunkReader, AbortDropsThePartialMessage) {
  const Bytes input = cat({
      hex("06 00 00 00 00 01 2C 09 01 00 00 00"), filler(128),  // 128 of 300 on csid 6
      hex("02 00 00 00 00 00 04 02 00 00 00 00 00 00 00 06"),   // Abort(csid 6)
      hex("06 00 00 28 00 00 02 09 01 00 00 00 EE FF"),         // a fresh type-0 message
  });
  ChunkReader reader;
  std::vector<Message> out;
  auto r = reader.feed(input, out);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, MessageType::Abort);
  EXPECT_EQ(body_of(out[1]), hex("EE FF"));
  EXPECT_EQ(reader.held_bytes(), 0u);
}

TEST(ChunkReader, HeaderTypesThatReferToNothingAreErrors) {
  for (const char* bad : {"C9 01", "89 00 00 01 01"}) {
    ChunkReader reader;
    std::vector<Message> out;
    auto r = reader.feed(hex(bad), out);
    EXPECT_TRUE(r.invalid()) << bad;
  }
  // A type-0 header inside an unfinished message.
  ChunkReader reader;
  std::vector<Message> out;
  auto r = reader.feed(cat({hex("06 00 00 00 00 01 2C 09 01 00 00 00"), filler(128),
                            hex("06 00 00 00 00 00 01 09 01 00 00 00 01")}),
                       out);
  EXPECT_TRUE(r.invalid());
  EXPECT_TRUE(reader.feed(hex("02"), out).invalid()) << "a failed reader stays failed";
}

TEST(ChunkReader, FreshChunkStreamMayStartWithType1) {
  // librtmp's ping, as quoted in SRS: fmt 1 on a chunk stream never seen.
  const Bytes input =
      hex("42"           // fmt 1, csid 2
          "00 00 00"     // delta 0
          "00 00 06"     // length 6
          "04"           // user control
          "00 06"        // ping request
          "00 00 0D 0F"  // its timestamp
      );
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, MessageType::UserControl);
  EXPECT_EQ(out[0].stream_id, 0u);
}

TEST(ChunkReader, ZeroLengthMessage) {
  auto out =
      read_all(hex("03 00 00 01 00 00 00 12 01 00 00 00  03 00 00 02 00 00 01 12 01 00 00 00 7A"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].body.empty());
  EXPECT_EQ(body_of(out[1]), hex("7A"));
}

TEST(ChunkReader, TimestampsRunPast24BitsThroughDeltas) {
  // 40 ms video deltas from 0xFFFFFF - 200: the type-1 deltas stay small, the
  // 64-bit time crosses 0xFFFFFF without a jump.
  Bytes input = type0(6, 0xFFFFFF - 200, 1, 9, 1);
  input.push_back(std::byte{0});
  for (int i = 0; i < 10; ++i) {
    const Bytes h = type1(6, 40, 1, 9);
    input.insert(input.end(), h.begin(), h.end());
    input.push_back(std::byte(i));
  }
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 11u);
  for (std::size_t i = 0; i < out.size(); ++i)
    EXPECT_EQ(out[i].timestamp_ms, 0xFFFFFF - 200 + 40 * std::int64_t(i)) << i;
}

TEST(ChunkReader, AbsoluteTimestampsRunPast24And32Bits) {
  // Type-0 headers only (as some encoders send): the 24-bit field switches to
  // the extended form at 0xFFFFFF, and the 32-bit value wraps after 2^32 ms.
  const std::int64_t start = 0xFFFFFF - 80;
  const std::int64_t wrap_start = (std::int64_t(1) << 32) - 80;
  std::vector<std::int64_t> times;
  for (int i = 0; i < 5; ++i) times.push_back(start + 40 * i);
  for (int i = 0; i < 5; ++i) times.push_back(wrap_start + 40 * i);
  Bytes input;
  for (auto t : times) {
    const Bytes h = type0(6, std::uint32_t(t), 1, 9, 1);  // wire value is t mod 2^32
    input.insert(input.end(), h.begin(), h.end());
    input.push_back(std::byte{0x55});
  }
  auto out = read_all(input);
  ASSERT_EQ(out.size(), times.size());
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_EQ(out[i].timestamp_ms, times[i]) << i;
}

TEST(ChunkReader, DeltasAccumulatePast32Bits) {
  Bytes input = type0(6, 0xFFFFFF00u, 1, 9, 1);
  input.push_back(std::byte{0});
  for (int i = 0; i < 4; ++i) {
    const Bytes h = type1(6, 0x80, 1, 9);
    input.insert(input.end(), h.begin(), h.end());
    input.push_back(std::byte{1});
  }
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[4].timestamp_ms, std::int64_t(0xFFFFFF00u) + 4 * 0x80);
  EXPECT_GT(out[4].timestamp_ms, std::int64_t(1) << 32);
}

TEST(ChunkReader, FirstHeaderOnAnotherChunkStreamUnwrapsNearTheLastMessage) {
  // Audio joins on its own chunk stream after video has wrapped past 2^32.
  Bytes input = type0(6, 0xFFFFFFF0u, 1, 9, 1);
  input.push_back(std::byte{0});
  Bytes h = type1(6, 0x20, 1, 9);  // video now at 2^32 + 0x10
  input.insert(input.end(), h.begin(), h.end());
  input.push_back(std::byte{0});
  h = type0(4, 0x18, 1, 8, 1);  // audio: absolute 0x18 means 2^32 + 0x18
  input.insert(input.end(), h.begin(), h.end());
  input.push_back(std::byte{0});
  auto out = read_all(input);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].timestamp_ms, (std::int64_t(1) << 32) + 0x18);
}

// ---- bounds ----

TEST(ChunkReader, AnnouncedLengthIsNotAllocatedUpFront) {
  ChunkReader reader;
  std::vector<Message> out;
  // 16 MiB - 1 announced, 10 bytes sent.
  ASSERT_TRUE(reader.feed(cat({hex("06 00 00 00 FF FF FF 09 01 00 00 00"), filler(10)}), out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_LE(reader.held_bytes(), 10u);
  // Header alone: nothing held.
  ChunkReader bare;
  ASSERT_TRUE(bare.feed(hex("06 00 00 00 FF FF FF 09 01 00 00 00"), out).ok());
  EXPECT_EQ(bare.held_bytes(), 0u);
}

TEST(ChunkReader, ThousandsOfChunkStreamsAtChunkSize1HoldLittle) {
  // Chunk size 1, then 3000 chunk streams each announcing 16 MiB and sending
  // one byte: what is held follows what was sent.
  Bytes input = hex("02 00 00 00 00 00 04 01 00 00 00 00 00 00 00 01");
  for (std::uint32_t i = 0; i < 3000; ++i) {
    const std::uint32_t csid = 64 + i;  // 3-byte form for most
    input.insert(input.end(), {std::byte{0x01}, std::byte(std::uint8_t((csid - 64) & 0xFF)),
                               std::byte(std::uint8_t((csid - 64) >> 8))});
    const Bytes rest = hex("00 00 00 FF FF FF 09 01 00 00 00 5A");
    input.insert(input.end(), rest.begin(), rest.end());
  }
  ChunkReader::Limits roomy;
  roomy.max_chunk_streams = 5000;
  ChunkReader reader(roomy);
  std::vector<Message> out;
  ASSERT_TRUE(reader.feed(input, out).ok());
  EXPECT_EQ(reader.chunk_streams(), 3001u) << "3000 and the control stream";
  EXPECT_LE(reader.held_bytes(), 3000u) << "one byte per stream was sent";

  ChunkReader strict;  // default: 64 chunk streams
  auto r = strict.feed(input, out);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("more than 64 chunk streams"), std::string::npos) << r.error;
}

TEST(ChunkReader, HeldBytesOverTheLimitIsAnError) {
  ChunkReader::Limits limits;
  limits.max_held_bytes = 1000;
  ChunkReader reader(limits);
  std::vector<Message> out;
  // Two unfinished 2000-byte messages, 600 bytes each so far (chunk size 600).
  const Bytes input = cat({hex("02 00 00 00 00 00 04 01 00 00 00 00 00 00 02 58"),
                           hex("06 00 00 00 00 07 D0 09 01 00 00 00"), filler(600),
                           hex("04 00 00 00 00 07 D0 08 01 00 00 00"), filler(600)});
  auto r = reader.feed(input, out);
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("more than 1000 bytes"), std::string::npos) << r.error;
}

TEST(ChunkReader, MessageLongerThanTheLimitIsAnError) {
  ChunkReader::Limits limits;
  limits.max_message_bytes = 1000;
  ChunkReader reader(limits);
  std::vector<Message> out;
  auto r = reader.feed(hex("06 00 00 00 00 03 E9 09 01 00 00 00"), out);  // 1001 bytes
  ASSERT_TRUE(r.invalid());
  EXPECT_NE(r.error.find("1001"), std::string::npos) << r.error;
}

// ---- input split anywhere ----

Bytes mixed_stream() {
  return cat({
      hex("02 00 00 00 00 00 04 01 00 00 00 00 00 00 00 40"),  // chunk size 64
      type0(3, 0, 70, 20, 0),
      filler(64),
      hex("C3"),
      filler(6, 0x80),
      hex("00 0A FF FF FF 00 00 50 09 01 00 00 00 01 00 00 00"),  // csid 74, ext ts
      filler(64, 0x30),
      hex("C0 0A 01 00 00 00"),
      filler(16, 0x70),  // continuation with ext
      type0(6, 0xFFFFFF, 80, 9, 1),
      filler(64, 0x01),
      hex("C6"),
      filler(16, 0x02),  // ext omitted
      hex("46 00 00 21 00 00 03 09"),
      filler(3),  // type 1
      hex("86 FF FF FF 00 00 00 21"),
      filler(3, 0x20),        // type 2, delta 0x21 in extended form
      hex("C6 FF FF FF FF"),  // type 3 new message after an extended header: 4-byte delta
      filler(3, 0x30),
      hex("01 10 02 00 00 05 00 00 02 08 01 00 00 00 AB CD"),  // csid 592
  });
}

TEST(ChunkReader, InputSplitAtEveryOffsetGivesTheSameMessages) {
  const Bytes input = mixed_stream();
  const auto whole = read_all(input);
  ASSERT_EQ(whole.size(), 8u);
  auto same = [&](const std::vector<Message>& got, const std::string& how) {
    ASSERT_EQ(got.size(), whole.size()) << how;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].type, whole[i].type) << how << " #" << i;
      EXPECT_EQ(got[i].timestamp_ms, whole[i].timestamp_ms) << how << " #" << i;
      EXPECT_EQ(got[i].stream_id, whole[i].stream_id) << how << " #" << i;
      EXPECT_EQ(got[i].csid, whole[i].csid) << how << " #" << i;
      EXPECT_EQ(body_of(got[i]), body_of(whole[i])) << how << " #" << i;
    }
  };
  const std::span<const std::byte> all(input);
  for (std::size_t split = 0; split <= input.size(); ++split) {
    ChunkReader reader;
    std::vector<Message> out;
    ASSERT_TRUE(reader.feed(all.first(split), out).ok()) << split;
    auto r = reader.feed(all.subspan(split), out);
    ASSERT_TRUE(r.ok()) << split << ": " << r.error;
    same(out, "split at " + std::to_string(split));
  }
  ChunkReader reader;
  std::vector<Message> out;
  for (std::size_t i = 0; i < input.size(); ++i)
    ASSERT_TRUE(reader.feed(all.subspan(i, 1), out).ok()) << i;
  same(out, "byte by byte");
  EXPECT_EQ(whole[2].timestamp_ms, 0x01000000);
  EXPECT_EQ(body_of(whole[2]), cat({filler(64, 0x30), filler(16, 0x70)}));
  EXPECT_EQ(body_of(whole[3]), cat({filler(64, 0x01), filler(16, 0x02)}));
  EXPECT_EQ(whole[6].timestamp_ms, 0xFFFFFF + 0x21 + 0x21 + std::int64_t(0xFFFFFFFF));
  EXPECT_EQ(whole[7].csid, 592u);
}

}  // namespace
}  // namespace streamgate::rtmp
