// Recording: timeline + segmenter + writer over in-memory files. Cuts happen
// only at clean start points, lose nothing, and every file stands alone.

#include "recording.hpp"

#include <gtest/gtest.h>

#include "memory_files.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;
using namespace std::chrono_literals;

struct Pushed {
  std::vector<std::int64_t> video, audio;  ///< frame ids (their DTS) in push order
};

// A/V stream: 25 fps video (keyframe every `gop_ms`), AAC every 23 ms, from
// `start_ms` for `duration_ms`, with metadata and configs first.
Pushed push_stream(Recording& r, std::int64_t start_ms, std::int64_t duration_ms,
                   std::int64_t gop_ms = 1000, bool with_video = true) {
  Pushed pushed;
  r.push(metadata({{"width", amf0::Value::number(640)}}));
  if (with_video) r.push(video_config());
  r.push(audio_config());
  std::int64_t a = start_ms;
  for (std::int64_t v = start_ms; v < start_ms + duration_ms; v += 40) {
    for (; a <= v; a += 23) {
      r.push(audio(a));
      pushed.audio.push_back(a);
    }
    if (!with_video) continue;
    r.push(video(v, (v - start_ms) % gop_ms == 0));
    pushed.video.push_back(v);
  }
  return pushed;
}

struct FileView {
  ReadFile read;
  std::vector<std::int64_t> video, audio;  ///< frame ids in file order
  std::vector<std::uint32_t> video_ts;
};

FileView view(const MemoryFile& f) {
  FileView v;
  v.read = read_file(f.sink.bytes);
  for (const auto& t : v.read.tags) {
    if (t.tag.type == flv::TagType::Video && t.tag.body[1] == std::byte{1}) {
      v.video.push_back(frame_id(t.tag.body));
      v.video_ts.push_back(t.tag.timestamp_ms);
    } else if (t.tag.type == flv::TagType::Audio && t.tag.body[1] == std::byte{1}) {
      v.audio.push_back(frame_id(t.tag.body));
    }
  }
  return v;
}

TEST(Recording, OneFileWithEverythingAndItsMetadata) {
  MemoryFiles files;
  Recording r(files, {});
  const Pushed pushed = push_stream(r, 70'000, 3000);
  r.end();
  ASSERT_EQ(files.files.size(), 1u);
  const MemoryFile& f = *files.files[0];
  EXPECT_TRUE(f.closed);
  ASSERT_TRUE(f.rewrite);
  const FileView v = view(f);
  ASSERT_EQ(v.read.error, "");
  EXPECT_EQ(v.video, pushed.video);
  EXPECT_EQ(v.audio, pushed.audio);
  EXPECT_EQ(v.video_ts.front(), 0u);  // the file's timeline starts at 0
  EXPECT_EQ(metadata_of(v.read).find("width")->as_number(), 640);
  EXPECT_EQ(metadata_of(v.read).find("filesize")->as_number(), double(f.sink.bytes.size()));
  EXPECT_EQ(f.summary.bytes, f.sink.bytes.size());
  EXPECT_EQ(f.summary.duration_ms, 3000u);
}

TEST(Recording, CutsByDurationAtKeyframesAndLosesNothing) {
  MemoryFiles files;
  RecordingOptions options;
  options.segments.max_duration = 2500ms;  // with a keyframe every second: cut at 3 s, 6 s
  Recording r(files, options);
  const Pushed pushed = push_stream(r, 0, 8000);
  r.end();
  ASSERT_EQ(files.files.size(), 3u);
  std::vector<std::int64_t> all_video, all_audio;
  for (std::size_t i = 0; i < files.files.size(); ++i) {
    const FileView v = view(*files.files[i]);
    ASSERT_EQ(v.read.error, "") << "file " << i;
    // Each file stands alone: metadata, both configs, then a keyframe at 0.
    ASSERT_GE(v.read.tags.size(), 4u);
    EXPECT_EQ(v.read.tags[0].tag.type, flv::TagType::Script);
    EXPECT_EQ(v.read.tags[1].tag.body[1], std::byte{0}) << "video config, file " << i;
    EXPECT_EQ(v.read.tags[2].tag.body[1], std::byte{0}) << "audio config, file " << i;
    EXPECT_EQ(v.video.front() % 1000, 0) << "file " << i << " starts at a keyframe";
    EXPECT_EQ(v.video_ts.front(), 0u) << "file " << i;
    EXPECT_TRUE(v.read.header.has_video && v.read.header.has_audio);
    all_video.insert(all_video.end(), v.video.begin(), v.video.end());
    all_audio.insert(all_audio.end(), v.audio.begin(), v.audio.end());
    EXPECT_TRUE(files.files[i]->rewrite) << "file " << i;
  }
  EXPECT_EQ(view(*files.files[0]).video.back(), 2960);
  EXPECT_EQ(view(*files.files[1]).video.front(), 3000);
  EXPECT_EQ(all_video, pushed.video);  // every frame, in order, exactly once
  EXPECT_EQ(all_audio, pushed.audio);
}

TEST(Recording, CutsBySize) {
  MemoryFiles files;
  RecordingOptions options;
  options.writer.index.capacity = 8;
  options.segments.max_bytes = 3000;
  Recording r(files, options);
  const Pushed pushed = push_stream(r, 0, 6000);
  r.end();
  ASSERT_GE(files.files.size(), 2u);
  std::vector<std::int64_t> all_video;
  for (const auto& f : files.files) {
    const FileView v = view(*f);
    ASSERT_EQ(v.read.error, "");
    EXPECT_EQ(v.video.front() % 1000, 0);
    all_video.insert(all_video.end(), v.video.begin(), v.video.end());
  }
  EXPECT_EQ(all_video, pushed.video);
}

TEST(Recording, AudioOnlyStreamsCutAtAnyAudioFrame) {
  MemoryFiles files;
  RecordingOptions options;
  options.segments.max_duration = 1000ms;
  Recording r(files, options);
  const Pushed pushed = push_stream(r, 0, 3500, 1000, false);
  r.end();
  ASSERT_EQ(files.files.size(), 4u);  // 0-1012, 1035-2047, ...
  std::vector<std::int64_t> all_audio;
  for (const auto& f : files.files) {
    const FileView v = view(*f);
    EXPECT_FALSE(v.read.header.has_video);
    all_audio.insert(all_audio.end(), v.audio.begin(), v.audio.end());
  }
  EXPECT_EQ(all_audio, pushed.audio);
}

TEST(Recording, StartsAtAKeyframeWhenJoiningMidGop) {
  MemoryFiles files;
  Recording r(files, {});
  r.push(video_config());
  r.push(video(500, false));  // mid-GOP: cannot start here
  r.push(video(540, false));
  EXPECT_FALSE(r.writing());
  r.push(video(1000, true));
  EXPECT_TRUE(r.writing());
  r.push(video(1040, false));
  r.end();
  const FileView v = view(*files.files[0]);
  EXPECT_EQ(v.video, (std::vector<std::int64_t>{1000, 1040}));
  EXPECT_EQ(v.video_ts, (std::vector<std::uint32_t>{0, 40}));
}

TEST(Recording, AFailedOpenIsRetriedAtALaterKeyframe) {
  MemoryFiles files;
  files.can_open = [](std::uint32_t n) { return n >= 1; };  // the first open fails
  RecordingOptions options;
  options.retry_after = 2000ms;
  Recording r(files, options);
  push_stream(r, 0, 5000);
  r.end();
  ASSERT_EQ(files.refused, (std::vector<std::uint32_t>{0}));
  ASSERT_EQ(files.files.size(), 1u);
  const FileView v = view(*files.files[0]);
  ASSERT_EQ(v.read.error, "");
  EXPECT_EQ(v.video.front(), 2000);  // the first keyframe 2 s after the failure
  EXPECT_EQ(v.video_ts.front(), 0u);
  ASSERT_FALSE(files.notes.empty());
  EXPECT_EQ(files.notes[0].type, RecordingNote::Type::OpenFailed);
}

TEST(Recording, AFailedWriteEndsTheFileAndRecordingResumesLater) {
  MemoryFiles files;
  files.fail_write_at = 5'000;  // the disk fills up after ~2.8 s of media
  RecordingOptions options;
  options.writer.index.capacity = 8;
  options.retry_after = 2000ms;
  Recording r(files, options);
  std::int64_t a = 0;
  for (std::int64_t v = 0; v < 10'000; v += 40) {
    if (v == 4000) files.fail_write_at.reset();  // space is freed: later files can be written
    for (; a <= v; a += 23) r.push(audio(a));
    r.push(video(v, v % 1000 == 0));
  }
  r.end();
  ASSERT_EQ(files.files.size(), 2u);
  EXPECT_TRUE(files.files[0]->summary.failed);
  EXPECT_FALSE(files.files[0]->rewrite);                       // left for repair
  EXPECT_EQ(read_file(files.files[0]->sink.bytes).error, "");  // what reached the disk is whole
  const MemoryFile& last = *files.files.back();
  EXPECT_FALSE(last.summary.failed);
  EXPECT_TRUE(last.rewrite);
  EXPECT_EQ(view(last).video.back(), 9960);
  // Not before retry_after: the failure came at ~2.8 s, the new file ~2 s later.
  EXPECT_GE(view(last).audio.front(), view(*files.files[0]).audio.back() + 2000);
  bool noted = false;
  for (const auto& n : files.notes) noted = noted || n.type == RecordingNote::Type::WriteFailed;
  EXPECT_TRUE(noted);
}

TEST(Recording, TimestampProblemsAreNoted) {
  MemoryFiles files;
  Recording r(files, {});
  r.push(video_config());
  r.push(video(0, true));
  r.push(video(40, false));
  r.push(video(39, false));        // small step back: clamped
  r.push(video(38, false));        // again: not noted twice
  r.push(video(3'600'000, true));  // a jump: folded
  r.end();
  int clamps = 0, jumps = 0;
  for (const auto& n : files.notes) {
    clamps += n.type == RecordingNote::Type::TimestampClamped;
    jumps += n.type == RecordingNote::Type::TimestampJump;
  }
  EXPECT_EQ(clamps, 1);
  EXPECT_EQ(jumps, 1);
  EXPECT_EQ(view(*files.files[0]).video_ts, (std::vector<std::uint32_t>{0, 40, 40, 40, 80}));
}

TEST(Recording, AppendContinuesAnExistingFile) {
  // A first session writes and closes a file.
  MemoryFiles first;
  Recording one(first, {});
  push_stream(one, 0, 2000);
  one.end();
  Bytes existing = first.files[0]->sink.bytes;

  // The publisher comes back in append mode: scan the file, continue it.
  FlvScanner scanner;
  scanner.feed(existing);
  auto point = scanner.resume_point();
  ASSERT_TRUE(point);
  EXPECT_EQ(point->size, existing.size());

  MemoryFiles second;
  second.apply_rewrites = false;  // its bytes follow `existing`
  Recording two(second, {});
  two.resume(*point);
  push_stream(two, 500'000, 2000);  // the encoder's clock is elsewhere now
  two.end();
  ASSERT_EQ(second.files.size(), 1u);
  const MemoryFile& appended = *second.files[0];
  ASSERT_TRUE(appended.rewrite);
  // The adapter appends to the existing bytes; the rewrite targets the old metadata.
  Bytes whole = existing;
  whole.insert(whole.end(), appended.sink.bytes.begin(), appended.sink.bytes.end());
  apply_rewrite(whole, *appended.rewrite);
  const ReadFile read = read_file(whole);
  ASSERT_EQ(read.error, "");
  const amf0::Value meta = metadata_of(read);
  EXPECT_DOUBLE_EQ(meta.find("duration")->as_number(), 4.0);
  EXPECT_EQ(meta.find("filesize")->as_number(), double(whole.size()));
  EXPECT_EQ(meta.find("keyframes")->find("times")->items().size(), 4u);
  // Timestamps carry on from where the first session ended.
  std::vector<std::uint32_t> video_ts;
  for (const auto& t : read.tags)
    if (t.tag.type == flv::TagType::Video && t.tag.body[1] == std::byte{1})
      video_ts.push_back(t.tag.timestamp_ms);
  ASSERT_EQ(video_ts.size(), 100u);
  EXPECT_EQ(video_ts[49], 1960u);
  EXPECT_EQ(video_ts[50], 2000u);
  EXPECT_TRUE(std::is_sorted(video_ts.begin(), video_ts.end()));
}

}  // namespace
}  // namespace streamgate::flvrecord
