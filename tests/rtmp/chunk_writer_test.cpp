// Chunk stream output (RTMP 1.0 §5.3) and the shared-body fan-out path.

#include "chunk_writer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "chunk_reader.hpp"
#include "format/test_bytes.hpp"
#include "streamgate/media.hpp"

namespace streamgate::rtmp {
namespace {

using test::Bytes;
using test::cat;
using test::hex;

Bytes filler(std::size_t n, std::uint8_t start = 0) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::byte(std::uint8_t(start + i));
  return out;
}

Bytes drain(OutputQueue& queue) { return queue.take().flatten(); }

Bytes part(const Bytes& b, std::size_t at, std::size_t n) {
  return Bytes(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + n));
}

TEST(ChunkWriter, SetChunkSizeIsAType0ControlMessage) {
  ChunkWriter writer;
  OutputQueue out;
  writer.set_chunk_size(4096, out);
  EXPECT_EQ(drain(out), hex("02"           // fmt 0, csid 2 (§5.4: protocol control)
                            "00 00 00"     // timestamp 0
                            "00 00 04"     // length 4
                            "01"           // type 1: Set Chunk Size
                            "00 00 00 00"  // stream id 0
                            "00 00 10 00"  // 4096 (§5.4.1)
                            ));
  EXPECT_EQ(writer.chunk_size(), 4096u);
}

TEST(ChunkWriter, PicksType0Then1Then2) {
  ChunkWriter writer;
  OutputQueue out;
  writer.write(6, MessageType::Video, 1, 1000, hex("AA BB"), out, true);
  writer.write(6, MessageType::Video, 1, 1040, hex("CC DD EE"), out, true);  // new length
  writer.write(6, MessageType::Video, 1, 1080, hex("11 22 33"), out, true);  // same length and type
  writer.write(6, MessageType::Video, 1, 1070, hex("44 55 66"), out, true);  // back in time
  writer.write(6, MessageType::Video, 2, 1100, hex("77"), out, true);        // other stream
  writer.write(6, MessageType::Video, 2, 1200, hex("88"), out);              // not compact
  EXPECT_EQ(drain(out), cat({hex("06 00 03 E8 00 00 02 09 01 00 00 00  AA BB"),
                             hex("46 00 00 28 00 00 03 09  CC DD EE"),  // type 1: delta 40
                             hex("86 00 00 28  11 22 33"),              // type 2: delta 40
                             hex("06 00 04 2E 00 00 03 09 01 00 00 00  44 55 66"),
                             hex("06 00 04 4C 00 00 01 09 02 00 00 00  77"),
                             hex("06 00 04 B0 00 00 01 09 02 00 00 00  88")}));
}

TEST(ChunkWriter, LongMessageGetsType3Continuations) {
  ChunkWriter writer;  // 128
  OutputQueue out;
  const Bytes payload = filler(300);
  writer.write(4, MessageType::Audio, 1, 0, payload, out);
  EXPECT_EQ(drain(out),
            cat({hex("04 00 00 00 00 01 2C 08 01 00 00 00"), part(payload, 0, 128), hex("C4"),
                 part(payload, 128, 128), hex("C4"), part(payload, 256, 44)}));
}

TEST(ChunkWriter, LargeChunkStreamIdsUseTheLongBasicHeaders) {
  ChunkWriter writer(2);
  OutputQueue out;
  writer.write(100, MessageType::Audio, 1, 0, hex("01 02 03"), out);
  writer.write(400, MessageType::Audio, 1, 0, hex("04 05 06"), out);
  EXPECT_EQ(drain(out),
            cat({hex("00 24  00 00 00 00 00 03 08 01 00 00 00  01 02  C0 24  03"),
                 // 400 - 64 = 336 = 0x0150, low byte first
                 hex("01 50 01  00 00 00 00 00 03 08 01 00 00 00  04 05  C1 50 01  06")}));
}

TEST(ChunkWriter, ExtendedTimestampIsRepeatedInEveryContinuation) {
  ChunkWriter writer;
  OutputQueue out;
  const Bytes payload = filler(200);
  writer.write(6, MessageType::Video, 1, 0x01000005, payload, out);
  // §5.3.1.3, and what ffmpeg and librtmp expect on type-3 chunks.
  EXPECT_EQ(drain(out),
            cat({hex("06 FF FF FF 00 00 C8 09 01 00 00 00  01 00 00 05"), part(payload, 0, 128),
                 hex("C6 01 00 00 05"), part(payload, 128, 72)}));
}

TEST(ChunkWriter, SharedBodyIsChunkedOnceAndReferenced) {
  const SharedBytes payload = SharedBytes::copy(filler(10000));
  const ChunkedBody body = chunk_body(payload, 4096, 6);
  // 4096 + (C6 + 4096) + (C6 + 1808)
  ASSERT_EQ(body.bytes.size(), 10000u + 2);
  EXPECT_EQ(body.bytes[4096], std::byte{0xC6});
  EXPECT_EQ(body.bytes[4096 + 1 + 4096], std::byte{0xC6});

  ChunkWriter a(4096), b(4096);
  OutputQueue qa, qb;
  a.write_shared(MessageType::Video, 1, 0, body, qa);
  b.write_shared(MessageType::Video, 1, 5000, body, qb);
  const OutputBatch ba = qa.take();
  const OutputBatch bb = qb.take();
  ASSERT_EQ(ba.buffers().size(), 2u) << "own header + shared body";
  EXPECT_EQ(ba.buffers()[1].data(), body.bytes.data()) << "the body is referenced, not copied";
  EXPECT_EQ(bb.buffers()[1].data(), body.bytes.data());

  // Same bytes as chunking it for that player alone.
  ChunkWriter alone(4096);
  OutputQueue q;
  alone.write(6, MessageType::Video, 1, 5000, payload.span(), q);
  EXPECT_EQ(bb.flatten(), drain(q));
}

TEST(ChunkWriter, SharedBodyFallsBackWhenAPlayerNeedsExtendedTimestamps) {
  const SharedBytes payload = SharedBytes::copy(filler(5000));
  const ChunkedBody body = chunk_body(payload, 4096, 6);
  ChunkWriter writer(4096);
  OutputQueue out;
  writer.write_shared(MessageType::Video, 1, 0x01234567, body, out);
  ChunkWriter alone(4096);
  OutputQueue q;
  alone.write(6, MessageType::Video, 1, 0x01234567, payload.span(), q);
  const Bytes expected = drain(q);
  EXPECT_EQ(drain(out), expected);
  EXPECT_EQ(part(expected, 16 + 4096, 5), hex("C6 01 23 45 67")) << "ext ts on the type-3 chunk";
}

TEST(ChunkWriter, SharedBodyFromAnotherChunkSizeIsRechunked) {
  const SharedBytes payload = SharedBytes::copy(filler(300));
  const ChunkedBody body = chunk_body(payload, 128, 6);
  ChunkWriter writer(256);
  OutputQueue out;
  writer.write_shared(MessageType::Video, 1, 0, body, out);
  EXPECT_EQ(drain(out),
            cat({hex("06 00 00 00 00 01 2C 09 01 00 00 00"), part(test::to_bytes(payload), 0, 256),
                 hex("C6"), part(test::to_bytes(payload), 256, 44)}));
}

TEST(ChunkWriter, ChunkedBodyIsCachedOnThePacketPerChunkSize) {
  auto packet = std::make_shared<MediaPacket>();
  packet->payload = SharedBytes::copy(filler(9000));
  int built = 0;
  auto make = [&](std::uint32_t size) {
    return [&, size] {
      ++built;
      return std::make_shared<const ChunkedBody>(chunk_body(packet->payload, size, 6));
    };
  };
  auto first = packet->derived<ChunkedBody>(chunked_body_key(4096, 6), make(4096));
  auto second = packet->derived<ChunkedBody>(chunked_body_key(4096, 6), make(4096));
  auto other = packet->derived<ChunkedBody>(chunked_body_key(128, 6), make(128));
  EXPECT_EQ(first.get(), second.get());
  EXPECT_NE(first.get(), other.get());
  EXPECT_EQ(built, 2);
  EXPECT_EQ(chunked_body_key(4096, 6), chunked_body_key(4096, 6));
  EXPECT_NE(chunked_body_key(4096, 6), chunked_body_key(4096, 4));
}

TEST(ChunkWriter, RoundTripThroughTheReader) {
  std::mt19937 rng(42);
  for (std::uint32_t chunk_size : {1u, 7u, 128u, 4096u, 65536u}) {
    ChunkWriter writer(kDefaultChunkSize);
    OutputQueue out;
    writer.set_chunk_size(chunk_size, out);
    struct Sent {
      std::uint32_t csid;
      MessageType type;
      std::uint32_t stream_id;
      std::int64_t ts;
      Bytes body;
    };
    std::vector<Sent> sent;
    std::int64_t ts = 0xFFFF00;  // crosses into extended timestamps
    for (int i = 0; i < 60; ++i) {
      ts += rng() % 3 == 0 ? 0 : std::int64_t(rng() % 100);
      const std::uint32_t csids[] = {3, 4, 6, 70, 400};
      Sent s{csids[rng() % 5], rng() % 2 ? MessageType::Audio : MessageType::Video,
             std::uint32_t(1 + rng() % 2), ts, filler(rng() % 700, std::uint8_t(i))};
      if (i % 2) {
        writer.write(s.csid, s.type, s.stream_id, s.ts, s.body, out, i % 3 == 0);
      } else {
        const ChunkedBody body = chunk_body(SharedBytes::copy(s.body), chunk_size, s.csid);
        writer.write_shared(s.type, s.stream_id, s.ts, body, out);
      }
      sent.push_back(std::move(s));
    }
    ChunkReader reader;
    std::vector<Message> got;
    auto r = reader.feed(drain(out), got);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(got.size(), sent.size() + 1) << chunk_size;
    for (std::size_t i = 0; i < sent.size(); ++i) {
      const Message& m = got[i + 1];
      EXPECT_EQ(m.csid, sent[i].csid) << i;
      EXPECT_EQ(m.type, sent[i].type) << i;
      EXPECT_EQ(m.stream_id, sent[i].stream_id) << i;
      EXPECT_EQ(m.timestamp_ms, sent[i].ts) << i;
      EXPECT_EQ(test::to_bytes(m.body), sent[i].body) << "chunk size " << chunk_size << " #" << i;
    }
  }
}

TEST(OutputQueue, SmallWritesMergeAndBatchesStayValid) {
  OutputQueue queue;
  queue.append(hex("01 02"));
  queue.append(hex("03"));
  const SharedBytes big = SharedBytes::copy(filler(1000));
  queue.append(big);
  queue.append(hex("04"));
  EXPECT_EQ(queue.segments(), 3u);
  OutputBatch batch = queue.take();
  EXPECT_TRUE(queue.empty());
  queue.append(filler(100000));  // more output while the batch is being written
  ASSERT_EQ(batch.buffers().size(), 3u);
  EXPECT_EQ(test::to_bytes(batch.buffers()[0]), hex("01 02 03"));
  EXPECT_EQ(batch.buffers()[1].data(), big.data());
  EXPECT_EQ(test::to_bytes(batch.buffers()[2]), hex("04"));
  EXPECT_EQ(batch.size_bytes(), 1004u);
  queue.recycle(std::move(batch));
  EXPECT_EQ(queue.size_bytes(), 100000u);
  EXPECT_EQ(queue.take().flatten(), filler(100000));
}

TEST(OutputQueue, RecyclingKeepsSmallBatchStorageAndFreesLargeBatches) {
  OutputQueue queue;
  queue.append(filler(1000));
  queue.recycle(queue.take());
  const std::size_t kept = queue.spare_bytes();
  EXPECT_GE(kept, 1000u) << "a steady small batch is reused";
  // A late joiner's whole GOP in one batch: freed, not kept for the player's lifetime.
  queue.append(filler(OutputQueue::kMaxSpareArena * 4));
  for (int i = 0; i < 1000; ++i) queue.append(SharedBytes::copy(filler(10)));
  queue.recycle(queue.take());
  EXPECT_LE(
      queue.spare_bytes(),
      OutputQueue::kMaxSpareArena + OutputQueue::kMaxSpareBuffers *
                                        (sizeof(std::span<const std::byte>) + sizeof(SharedBytes)));
}

}  // namespace
}  // namespace streamgate::rtmp
