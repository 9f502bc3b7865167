// The recorder's files on disk: DiskFile's buffering, in-place rewrite,
// continuation and sticky errors; recording names; .part repair on disk.

#include "disk_file.hpp"

#include <gtest/gtest.h>

#include "disk_faults.hpp"
#include "part_repair.hpp"
#include "recorder_fixture.hpp"
#include "recording_paths.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using streamgate::test::text;

bool append(DiskFile& file, std::initializer_list<std::string_view> parts) {
  std::vector<std::span<const std::byte>> spans;
  for (auto part : parts) spans.push_back(as_bytes(part));
  return file.append(spans);
}

TEST(DiskFile, CreateNeverReplacesAnExistingFile) {
  streamgate::test::TempDir dir("sg-diskfile");
  write_bytes(dir / "x.flv", as_bytes("keep"));
  std::error_code ec;
  EXPECT_EQ(DiskFile::create(dir / "x.flv", ec), nullptr);
  EXPECT_EQ(ec, std::errc::file_exists);
  EXPECT_EQ(read_bytes(dir / "x.flv"), text("keep"));
}

TEST(DiskFile, AppendsAreBufferedUntilFlushThenOnDisk) {
  streamgate::test::TempDir dir("sg-diskfile");
  std::error_code ec;
  auto file = DiskFile::create(dir / "x.flv", ec);
  ASSERT_NE(file, nullptr) << ec.message();
  ASSERT_TRUE(append(*file, {"head", "-body-", "tail"}));
  EXPECT_EQ(file->size(), 14u);
  EXPECT_EQ(file->unflushed(), 14u);
  EXPECT_EQ(std::filesystem::file_size(dir / "x.flv"), 0u);  // still in the buffer
  ASSERT_TRUE(file->flush());
  EXPECT_EQ(file->unflushed(), 0u);
  EXPECT_EQ(read_bytes(dir / "x.flv"), text("head-body-tail"));
}

TEST(DiskFile, WriteAtRewritesInPlaceAndAppendsStillGoToTheEnd) {
  streamgate::test::TempDir dir("sg-diskfile");
  std::error_code ec;
  auto file = DiskFile::create(dir / "x.flv", ec);
  ASSERT_NE(file, nullptr);
  ASSERT_TRUE(append(*file, {"0123456789"}));
  ASSERT_TRUE(file->write_at(2, as_bytes("AB")));
  ASSERT_TRUE(append(*file, {"xy"}));
  ASSERT_TRUE(file->close());
  EXPECT_EQ(read_bytes(dir / "x.flv"), text("01AB456789xy"));
  EXPECT_FALSE(append(*file, {"late"}));  // closed
}

TEST(DiskFile, ContinueAtCutsTheTailThenAppends) {
  streamgate::test::TempDir dir("sg-diskfile");
  write_bytes(dir / "x.flv", as_bytes("whole-torn"));
  std::error_code ec;
  auto file = DiskFile::continue_at(dir / "x.flv", 5, ec);
  ASSERT_NE(file, nullptr) << ec.message();
  EXPECT_EQ(file->size(), 5u);
  ASSERT_TRUE(append(*file, {"+more"}));
  ASSERT_TRUE(file->close());
  EXPECT_EQ(read_bytes(dir / "x.flv"), text("whole+more"));
  EXPECT_EQ(DiskFile::continue_at(dir / "missing.flv", 0, ec), nullptr);
  EXPECT_TRUE(ec);
}

TEST(DiskFile, AWriteErrorIsKeptAndRefusesEveryLaterWrite) {
  streamgate::test::TempDir dir("sg-diskfile");
  std::error_code ec;
  auto file = DiskFile::create(dir / "x.flv", ec);
  ASSERT_NE(file, nullptr);
  {
    FileSizeLimit full(1000);
    if (!full.active()) GTEST_SKIP() << "cannot limit the file size here";
    const std::string big(3000, 'z');
    // The buffer takes it; the error shows when it reaches the file.
    const bool appended = append(*file, {big}) && file->flush();
    EXPECT_FALSE(appended);
  }
  EXPECT_EQ(file->error(), std::errc::file_too_large);
  EXPECT_FALSE(append(*file, {"x"}));
  EXPECT_FALSE(file->flush());
  EXPECT_FALSE(file->close());
  EXPECT_LE(std::filesystem::file_size(dir / "x.flv"), 1000u);
}

TEST(RecordingPaths, PartNamesAndTheFirstFreeName) {
  streamgate::test::TempDir dir("sg-paths");
  const auto wanted = dir / "live/cam.flv";
  EXPECT_EQ(part_path(wanted), dir / "live/cam.flv.part");
  EXPECT_EQ(final_path_of(dir / "live/cam.flv.part"), wanted);
  EXPECT_EQ(final_path_of(wanted), wanted);
  EXPECT_FALSE(is_part_file(dir / ".part"));
  std::error_code ec;
  EXPECT_EQ(unused_name(wanted, ec), wanted);
  write_bytes(wanted, as_bytes("a"));
  write_bytes(dir / "live/cam-1.flv.part", as_bytes("b"));  // being written: taken too
  EXPECT_EQ(unused_name(wanted, ec), dir / "live/cam-2.flv");
  // A .part being finished may take its own name.
  EXPECT_EQ(unused_name(dir / "live/cam-1.flv", ec, dir / "live/cam-1.flv.part"),
            dir / "live/cam-1.flv");

  EXPECT_FALSE(ec);

  write_bytes(dir / "a/b/c/deep.flv.part", as_bytes("c"));
  auto parts = find_part_files(dir.path(), ec);
  std::sort(parts.begin(), parts.end());
  EXPECT_FALSE(ec);
  EXPECT_EQ(parts, (std::vector<std::filesystem::path>{dir / "a/b/c/deep.flv.part",
                                                       dir / "live/cam-1.flv.part"}));
}

// A whole recording (metadata rewritten at close) in memory.
Bytes whole_recording(std::int64_t duration_ms) {
  MemoryFiles files;
  Recording recording(files, {});
  recording.push(metadata({{"width", amf0::Value::number(640)}}));
  recording.push(video_config());
  recording.push(audio_config());
  for (std::int64_t ms = 0; ms < duration_ms; ms += 40) {
    recording.push(video(ms, ms % 1000 == 0));
    recording.push(audio(ms + 5));
  }
  recording.end();
  return files.files.at(0)->sink.bytes;
}

TEST(PartRepair, AWholeFileIsRenamedAndATornTailCut) {
  streamgate::test::TempDir dir("sg-repair");
  const Bytes whole = whole_recording(2000);
  write_bytes(dir / "whole.flv.part", whole);
  const PartRepair kept = repair_part_file(dir / "whole.flv.part");
  EXPECT_EQ(kept.result, PartRepair::Result::Repaired) << kept.error;
  EXPECT_EQ(kept.final_path, dir / "whole.flv");
  EXPECT_EQ(read_bytes(dir / "whole.flv"), whole);  // nothing to change
  EXPECT_EQ(kept.plan.problem, "");

  Bytes torn = whole;
  torn.resize(whole.size() - 7);  // the last tag loses its trailer and some body
  write_bytes(dir / "torn.flv.part", torn);
  const PartRepair cut = repair_part_file(dir / "torn.flv.part");
  EXPECT_EQ(cut.result, PartRepair::Result::Repaired) << cut.error;
  const Bytes repaired = read_bytes(dir / "torn.flv");
  const ReadFile file = read_file(repaired);
  EXPECT_EQ(file.error, "");
  EXPECT_EQ(meta_number(metadata_of(file), "filesize"), double(repaired.size()));
  EXPECT_NE(cut.plan.problem.find("torn tag"), std::string::npos) << cut.plan.problem;
  EXPECT_FALSE(std::filesystem::exists(dir / "torn.flv.part"));
}

TEST(PartRepair, AFileWithoutAWholeFrameIsRemoved) {
  streamgate::test::TempDir dir("sg-repair");
  const Bytes whole = whole_recording(1000);
  write_bytes(dir / "early.flv.part", std::span(whole).first(200));  // inside the metadata
  EXPECT_EQ(repair_part_file(dir / "early.flv.part").result, PartRepair::Result::Removed);
  EXPECT_TRUE(files_under(dir.path()).empty());
}

TEST(PartRepair, OnlyAWholeRecordingOfOursCanBeContinued) {
  streamgate::test::TempDir dir("sg-repair");
  const Bytes whole = whole_recording(1000);
  write_bytes(dir / "ours.flv", whole);
  std::string why;
  const auto point = resume_point_of(dir / "ours.flv", why);
  ASSERT_TRUE(point) << why;
  EXPECT_EQ(point->size, whole.size());
  EXPECT_TRUE(point->has_audio && point->has_video);

  Bytes with_tail = whole;
  with_tail.push_back(std::byte{0x09});
  write_bytes(dir / "tail.flv", with_tail);
  EXPECT_FALSE(resume_point_of(dir / "tail.flv", why));
  EXPECT_NE(why.find("not a whole tag"), std::string::npos) << why;

  write_bytes(dir / "other.flv", as_bytes("not an flv at all"));
  EXPECT_FALSE(resume_point_of(dir / "other.flv", why));
  EXPECT_FALSE(resume_point_of(dir / "missing.flv", why));
  EXPECT_NE(why.find("not readable"), std::string::npos) << why;
}

}  // namespace
}  // namespace streamgate::flvrecord
