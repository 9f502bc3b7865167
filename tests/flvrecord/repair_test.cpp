// Repair of unfinished recordings: every torn form (mid tag header, mid body,
// mid PreviousTagSize) and a garbled tail repair to the last whole tag, with
// rebuilt duration, filesize and keyframe index.

#include "repair.hpp"

#include <gtest/gtest.h>

#include "memory_files.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;

// An unfinished recording: the writer never got to finish(), so the metadata
// still holds the zeros and empty index it was opened with.
// A small index reservation keeps the file small: the every-offset test
// below repairs each of its prefixes.
Bytes unfinished_recording(bool with_video = true) {
  MemorySink sink;
  FlvWriterOptions options;
  options.index.capacity = 8;
  FlvWriter writer(sink, options);
  if (with_video) writer.write(video_config(), 0);
  writer.write(audio_config(), 0);
  std::uint32_t a = 0;
  for (std::uint32_t v = 0; v < 3000; v += 40) {
    for (; a <= v; a += 23) writer.write(audio(a), a);
    if (with_video) writer.write(video(v, v % 1000 == 0), v);
  }
  return sink.bytes;
}

struct TagEnd {
  std::size_t end = 0;  ///< offset just past the tag's PreviousTagSize
  std::uint32_t timestamp_ms = 0;
  bool key = false;
  std::size_t start = 0;
};

std::vector<TagEnd> tag_ends(const Bytes& file) {
  std::vector<TagEnd> out;
  const ReadFile read = read_file(file);
  EXPECT_EQ(read.error, "");
  for (const auto& t : read.tags) {
    const bool key = t.tag.type == flv::TagType::Video && t.tag.body[0] == std::byte{0x17} &&
                     t.tag.body[1] == std::byte{1};
    out.push_back(
        {t.offset + flv::kTagHeaderSize + t.tag.data_size + 4, t.tag.timestamp_ms, key, t.offset});
  }
  return out;
}

TEST(Repair, AWholeFileNeedsNoCutAndGetsItsMetadata) {
  Bytes file = unfinished_recording();
  const RepairPlan plan = plan_repair(file);
  ASSERT_TRUE(plan.usable);
  EXPECT_EQ(plan.truncate_to, file.size());
  EXPECT_EQ(plan.problem, "");
  EXPECT_EQ(plan.duration_ms, 3000u);  // last frame 2960 + 40
  ASSERT_TRUE(plan.rewrite);
  apply_rewrite(file, *plan.rewrite);
  const ReadFile read = read_file(file);
  ASSERT_EQ(read.error, "");
  const amf0::Value meta = metadata_of(read);
  EXPECT_DOUBLE_EQ(meta.find("duration")->as_number(), 3.0);
  EXPECT_EQ(meta.find("filesize")->as_number(), double(file.size()));
  const auto& times = meta.find("keyframes")->find("times")->items();
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(times[2].as_number(), 2.0);
}

// Cut the file at every byte offset after the header: each repairs to the
// end of the last whole tag before the cut, and the result is a valid file
// whose metadata describes exactly the tags kept.
TEST(Repair, EveryTornFormRepairsToTheLastWholeTag) {
  const Bytes whole = unfinished_recording();
  const std::vector<TagEnd> ends = tag_ends(whole);
  ASSERT_GT(ends.size(), 10u);
  for (std::size_t cut = 13; cut <= whole.size(); ++cut) {
    Bytes torn(whole.begin(), whole.begin() + cut);
    const RepairPlan plan = plan_repair(torn);
    ASSERT_TRUE(plan.usable) << "cut " << cut;
    std::size_t expected = 13;
    std::size_t kept = 0;
    std::uint32_t last_ts = 0;
    std::size_t keys = 0;
    for (const auto& e : ends) {
      if (e.end > cut) break;
      expected = e.end;
      ++kept;
      last_ts = e.timestamp_ms;
      keys += e.key;
    }
    ASSERT_EQ(plan.truncate_to, expected) << "cut " << cut;
    EXPECT_EQ(plan.tags, kept) << "cut " << cut;
    EXPECT_EQ(plan.problem.empty(), cut == expected) << "cut " << cut << ": " << plan.problem;
    if (kept == 0) {
      EXPECT_FALSE(plan.rewrite) << "cut " << cut << ": the metadata tag itself is torn";
      continue;
    }
    ASSERT_TRUE(plan.rewrite) << "cut " << cut;
    torn.resize(plan.truncate_to);
    apply_rewrite(torn, *plan.rewrite);
    const ReadFile read = read_file(torn);
    ASSERT_EQ(read.error, "") << "cut " << cut;
    const amf0::Value meta = metadata_of(read);
    EXPECT_EQ(meta.find("filesize")->as_number(), double(torn.size())) << "cut " << cut;
    EXPECT_GE(meta.find("duration")->as_number() * 1000, double(last_ts)) << "cut " << cut;
    EXPECT_EQ(meta.find("keyframes")->find("times")->items().size(), keys) << "cut " << cut;
  }
}

TEST(Repair, TornHeaderIsNotUsable) {
  const Bytes whole = unfinished_recording();
  for (std::size_t cut = 0; cut < 13; ++cut) {
    const RepairPlan plan = plan_repair(std::span(whole).first(cut));
    EXPECT_FALSE(plan.usable) << "cut " << cut;
    EXPECT_FALSE(plan.problem.empty());
  }
  Bytes not_flv = whole;
  not_flv[0] = std::byte{'X'};
  EXPECT_FALSE(plan_repair(not_flv).usable);
}

TEST(Repair, GarbageAfterTheLastTagIsCut) {
  // A crash can leave a zero-filled tail (the file system extended the file
  // but the data never arrived).
  const Bytes whole = unfinished_recording();
  Bytes file = whole;
  file.insert(file.end(), 4096, std::byte{0});
  const RepairPlan plan = plan_repair(file);
  ASSERT_TRUE(plan.usable);
  EXPECT_EQ(plan.truncate_to, whole.size());
  EXPECT_NE(plan.problem.find("invalid tag"), std::string::npos) << plan.problem;
  // A wrong PreviousTagSize in the middle stops the scan there.
  const std::vector<TagEnd> ends = tag_ends(whole);
  Bytes bad = whole;
  bad[ends[20].end - 1] ^= std::byte{0x01};
  EXPECT_EQ(plan_repair(bad).truncate_to, ends[19].end);
}

TEST(Repair, ChunkedScanGivesTheSameAnswer) {
  const Bytes whole = unfinished_recording();
  const Bytes torn(whole.begin(), whole.end() - 7);
  const RepairPlan at_once = plan_repair(torn);
  // Feed 1000 bytes at a time, carrying what the scanner did not use.
  FlvScanner scanner;
  Bytes pending;
  for (std::size_t pos = 0; pos < torn.size(); pos += 1000) {
    pending.insert(pending.end(), torn.begin() + pos,
                   torn.begin() + std::min(torn.size(), pos + 1000));
    const std::size_t used = scanner.feed(pending);
    pending.erase(pending.begin(), pending.begin() + used);
  }
  const RepairPlan chunked = plan_repair(scanner, torn.size());
  EXPECT_EQ(chunked.truncate_to, at_once.truncate_to);
  EXPECT_EQ(chunked.duration_ms, at_once.duration_ms);
  ASSERT_TRUE(chunked.rewrite && at_once.rewrite);
  EXPECT_EQ(chunked.rewrite->bytes, at_once.rewrite->bytes);
}

TEST(Repair, AudioOnlyRecordingGetsAnAudioIndex) {
  Bytes file = unfinished_recording(false);
  const RepairPlan plan = plan_repair(file);
  ASSERT_TRUE(plan.rewrite);
  apply_rewrite(file, *plan.rewrite);
  const amf0::Value meta = metadata_of(read_file(file));
  const auto& times = meta.find("keyframes")->find("times")->items();
  EXPECT_EQ(times.size(), 3u);  // 0, 1.012, 2.024 s
}

TEST(Repair, RepairAgreesWithTheWriterOnACleanClose) {
  MemorySink sink;
  FlvWriter writer(sink);
  writer.write(video_config(), 0);
  for (std::uint32_t v = 0; v < 5000; v += 40) writer.write(video(v, v % 2000 == 0), v);
  const auto closing = writer.finish();
  ASSERT_TRUE(closing);
  const RepairPlan plan = plan_repair(sink.bytes);
  ASSERT_TRUE(plan.rewrite);
  EXPECT_EQ(plan.rewrite->offset, closing->offset);
  EXPECT_EQ(plan.rewrite->bytes, closing->bytes);
}

TEST(Repair, AFileWithoutOurMetadataIsTruncatedButNotRewritten) {
  // ffmpeg-style file: its own onMetaData (no reservation).
  Bytes file = streamgate::test::to_bytes(flv::file_header(false, true));
  const auto add_tag = [&](flv::TagType type, const Bytes& body, std::uint32_t ts) {
    const auto header = flv::tag_header(type, std::uint32_t(body.size()), ts);
    file.insert(file.end(), header.begin(), header.end());
    file.insert(file.end(), body.begin(), body.end());
    const std::uint32_t previous = std::uint32_t(body.size() + 11);
    for (int s = 24; s >= 0; s -= 8) file.push_back(std::byte(previous >> s));
  };
  add_tag(flv::TagType::Script,
          streamgate::test::cat({streamgate::test::hex("02 00 0A"),
                                 streamgate::test::text("onMetaData"),
                                 streamgate::test::hex("08 00 00 00 00 00 00 09")}),
          0);
  add_tag(flv::TagType::Video, streamgate::test::hex("17 01 00 00 00 AA"), 0);
  file.push_back(std::byte{0x09});  // torn next tag
  const RepairPlan plan = plan_repair(file);
  ASSERT_TRUE(plan.usable);
  EXPECT_EQ(plan.truncate_to, file.size() - 1);
  EXPECT_FALSE(plan.rewrite);
}

}  // namespace
}  // namespace streamgate::flvrecord
