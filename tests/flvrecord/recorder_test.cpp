// The recorder adapter through the core's LocalBus: what gets recorded, where,
// and how files start, end, split and continue.

#include <gtest/gtest.h>

#include <set>

#include "flv_recorder.hpp"
#include "recorder_fixture.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;

// Every keyframe index entry points at a video keyframe tag of the file.
void expect_index_points_at_keyframes(const ReadFile& file, const amf0::Value& meta,
                                      std::size_t expected_entries) {
  const amf0::Value* keyframes = meta.find("keyframes");
  ASSERT_NE(keyframes, nullptr);
  ASSERT_NE(keyframes->find("filepositions"), nullptr);
  ASSERT_NE(keyframes->find("times"), nullptr);
  const auto& positions = keyframes->find("filepositions")->items();
  const auto& times = keyframes->find("times")->items();
  ASSERT_EQ(positions.size(), expected_entries);
  ASSERT_EQ(times.size(), expected_entries);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const auto at = std::find_if(file.tags.begin(), file.tags.end(), [&](const ReadTag& t) {
      return t.offset == std::size_t(positions[i].as_number());
    });
    ASSERT_NE(at, file.tags.end()) << "entry " << i << " names no tag";
    EXPECT_EQ(at->tag.type, flv::TagType::Video) << i;
    EXPECT_EQ(std::to_integer<int>(at->tag.body[0]) >> 4, 1) << "entry " << i << " is no keyframe";
    EXPECT_NEAR(times[i].as_number(), at->tag.timestamp_ms / 1000.0, 0.0005) << i;
  }
}

TEST_F(RecorderTest, RecordsAStreamIntoAFileRenamedWhenItEnds) {
  start();
  auto publisher = publish("cam");
  push_headers(*publisher);
  const std::size_t pushed = push_media(*publisher, 0, 3000);
  recorder->sync();
  // While it is written, the file exists under its .part name only.
  EXPECT_EQ(files_under(root()), (std::vector<std::string>{"live/cam.flv.part"}));
  publisher->end();
  recorder->sync();
  ASSERT_EQ(files_under(root()), (std::vector<std::string>{"live/cam.flv"}));

  const Bytes bytes = read_bytes(root() / "live/cam.flv");
  const ReadFile file = read_file(bytes);
  EXPECT_EQ(file.error, "");
  EXPECT_TRUE(file.header.has_audio);
  EXPECT_TRUE(file.header.has_video);
  const FileFrames frames = frames_of(file);
  EXPECT_EQ(frames.video + frames.audio, pushed);
  EXPECT_EQ(frames.times_ms.front(), 0u);
  EXPECT_TRUE(std::is_sorted(frames.times_ms.begin(), frames.times_ms.end()));

  const amf0::Value meta = metadata_of(file);
  EXPECT_EQ(meta_number(meta, "width"), 640);  // the publisher's metadata
  // Last audio frame at 2990 ms plus its 23 ms spacing.
  EXPECT_NEAR(meta_number(meta, "duration"), 3.013, 0.001);
  EXPECT_EQ(meta_number(meta, "filesize"), double(bytes.size()));
  expect_index_points_at_keyframes(file, meta, 3);  // 0, 1, 2 s
  EXPECT_TRUE(host.log_has("live/cam file '" + (root() / "live/cam.flv").string() + "' closed"))
      << host.log();
}

TEST_F(RecorderTest, ALateStartBeginsWithMetadataConfigsAndTheCachedKeyframe) {
  auto publisher = publish("cam");
  push_headers(*publisher);
  push_media(*publisher, 0, 1500);
  start();  // the stream is live already: the bus replays its cache
  push_media(*publisher, 1500, 3000);
  publisher->end();
  recorder->sync();

  const ReadFile file = read("live/cam.flv");
  ASSERT_EQ(file.error, "");
  ASSERT_GE(file.tags.size(), 4u);
  EXPECT_EQ(file.tags[0].tag.type, flv::TagType::Script);
  // AVC/AAC packet type 0 in the second body byte: the sequence headers.
  EXPECT_EQ(file.tags[1].tag.type, flv::TagType::Video);
  EXPECT_EQ(file.tags[1].tag.body[1], std::byte{0});
  EXPECT_EQ(file.tags[2].tag.type, flv::TagType::Audio);
  EXPECT_EQ(file.tags[2].tag.body[1], std::byte{0});
  EXPECT_EQ(file.tags[3].tag.type, flv::TagType::Video);
  EXPECT_EQ(std::to_integer<int>(file.tags[3].tag.body[0]) >> 4, 1);  // a keyframe
  EXPECT_EQ(frame_id(file.tags[3].tag.body), 1000);  // the last keyframe before the start
  EXPECT_EQ(file.tags[3].tag.timestamp_ms, 0u);
}

TEST_F(RecorderTest, ARepublishStartsANewFileAndNothingIsOverwritten) {
  write_bytes(root() / "live/cam.flv", as_bytes("an operator's file"));
  start();
  publish_for("cam", 1000);
  publish_for("cam", 1000);
  recorder->sync();
  EXPECT_EQ(files_under(root()),
            (std::vector<std::string>{"live/cam-1.flv", "live/cam-2.flv", "live/cam.flv"}));
  EXPECT_EQ(read_bytes(root() / "live/cam.flv"), streamgate::test::text("an operator's file"));
  EXPECT_EQ(read("live/cam-1.flv").error, "");
  EXPECT_EQ(read("live/cam-2.flv").error, "");
}

TEST_F(RecorderTest, AppendContinuesTheLastFileOnItsTimeline) {
  start();
  auto first = publish("cam", PublishMode::Record);
  push_headers(*first);
  const std::size_t pushed_first = push_media(*first, 0, 2000);
  first->end();
  recorder->sync();  // (the bus bounds a queue by DTS span, across a republish too)
  // The encoder comes back with its own clock, far from the first one.
  auto second = publish("cam", PublishMode::Append);
  push_headers(*second);
  const std::size_t pushed_second = push_media(*second, 50'000, 52'000);
  second->end();
  recorder->sync();

  ASSERT_EQ(files_under(root()), (std::vector<std::string>{"live/cam.flv"}));
  const Bytes bytes = read_bytes(root() / "live/cam.flv");
  const ReadFile file = read_file(bytes);
  ASSERT_EQ(file.error, "");
  const FileFrames frames = frames_of(file);
  EXPECT_EQ(frames.video + frames.audio, pushed_first + pushed_second);
  EXPECT_TRUE(std::is_sorted(frames.times_ms.begin(), frames.times_ms.end()));
  // The appended media follows the first publish's last frame.
  const auto resumed = std::find(frames.ids.begin(), frames.ids.end(), 50'000);
  ASSERT_NE(resumed, frames.ids.end());
  const std::uint32_t resumed_at = frames.times_ms[std::size_t(resumed - frames.ids.begin())];
  EXPECT_GE(resumed_at, 1990u);
  EXPECT_LE(resumed_at, 2040u);

  const amf0::Value meta = metadata_of(file);
  EXPECT_NEAR(meta_number(meta, "duration"), 4.0, 0.1);
  EXPECT_EQ(meta_number(meta, "filesize"), double(bytes.size()));
  expect_index_points_at_keyframes(file, meta, 4);  // two per publish
  // One onMetaData only: a second would make players drop the index.
  EXPECT_EQ(std::count_if(file.tags.begin(), file.tags.end(),
                          [](const ReadTag& t) { return t.tag.type == flv::TagType::Script; }),
            1);
}

TEST_F(RecorderTest, ModeRecordRecordsOnlyRecordAndAppendPublishes) {
  config.mode = RecordMode::Record;
  start();
  for (const auto& [name, mode] :
       {std::pair{"live-type", PublishMode::Live}, std::pair{"record-type", PublishMode::Record},
        std::pair{"append-type", PublishMode::Append}}) {
    auto publisher = publish(name, mode);
    push_headers(*publisher);
    push_media(*publisher, 0, 500);
    publisher->end();
  }
  recorder->sync();
  EXPECT_EQ(files_under(root()),
            (std::vector<std::string>{"live/append-type.flv", "live/record-type.flv"}));
}

TEST_F(RecorderTest, AppsAndStreamPatternsChooseWhatIsRecorded) {
  config.apps = {"live"};
  config.streams = {"cam*", "?x"};
  start();
  for (const auto& [app, name] :
       {std::pair{"live", "cam1"}, std::pair{"live", "studio"}, std::pair{"other", "cam1"},
        std::pair{"live", "ax"}, std::pair{"live", "xax"}}) {
    auto publisher = publish(name, PublishMode::Live, app);
    push_headers(*publisher);
    push_media(*publisher, 0, 500);
    publisher->end();
  }
  recorder->sync();
  EXPECT_EQ(files_under(root()), (std::vector<std::string>{"live/ax.flv", "live/cam1.flv"}));
  EXPECT_EQ(recorder->stream_count(), 0u);  // ended streams are let go
}

TEST_F(RecorderTest, StreamNamesCannotWriteOutsideTheRoot) {
  start();
  const std::string names[] = {"../../escape", "a/b", "..", std::string("nul\0byte", 8), "/abs"};
  for (const auto& name : names) publish_for(name, 300);
  recorder->sync();
  // Everything the test folder holds is inside the root, one file per name.
  const auto everything = files_under(dir.path());
  EXPECT_EQ(everything.size(), std::size(names));
  for (const auto& path : everything) {
    EXPECT_TRUE(path.starts_with("rec/live/")) << path;
    for (const auto& part : std::filesystem::path(path)) EXPECT_NE(part, "..") << path;
    EXPECT_EQ(std::count(path.begin(), path.end(), '/'), 2) << path;
    EXPECT_EQ(read_file(read_bytes(dir.path() / path)).error, "") << path;
  }
}

TEST_F(RecorderTest, PathTemplateNamesFilesByAppStreamDateTimeAndUnixTime) {
  config.path_template = "{app}/{date}/{stream}-{time}-{unix}.flv";
  // 1 700 000 000 s after the epoch is 2023-11-14 22:13:20 UTC.
  start([] { return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)); });
  publish_for("cam", 500);
  recorder->sync();
  EXPECT_EQ(files_under(root()),
            (std::vector<std::string>{"live/2023-11-14/cam-22-13-20-1700000000.flv"}));
}

TEST_F(RecorderTest, SegmentsByDurationEachStartAtAKeyframeWithHeaders) {
  config.max_duration = 2s;
  start();
  const std::size_t pushed = publish_for("cam", 7000);
  recorder->sync();

  const std::vector<std::string> names = {"live/cam.flv", "live/cam-1.flv", "live/cam-2.flv",
                                          "live/cam-3.flv"};
  EXPECT_EQ(files_under(root()).size(), names.size());
  std::size_t frames_total = 0;
  const double expected_duration[] = {2.0, 2.0, 2.0, 1.0};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const ReadFile file = read(names[i]);
    ASSERT_EQ(file.error, "") << names[i];
    const FileFrames frames = frames_of(file);
    frames_total += frames.video + frames.audio;
    // Metadata, both sequence headers, then a keyframe at time 0.
    ASSERT_GE(file.tags.size(), 4u);
    EXPECT_EQ(file.tags[0].tag.type, flv::TagType::Script) << names[i];
    EXPECT_EQ(file.tags[1].tag.body[1], std::byte{0}) << names[i];
    EXPECT_EQ(file.tags[2].tag.body[1], std::byte{0}) << names[i];
    EXPECT_EQ(file.tags[3].tag.type, flv::TagType::Video) << names[i];
    EXPECT_EQ(std::to_integer<int>(file.tags[3].tag.body[0]) >> 4, 1) << names[i];
    EXPECT_EQ(frame_id(file.tags[3].tag.body), std::int64_t(2000 * i)) << names[i];
    EXPECT_EQ(file.tags[3].tag.timestamp_ms, 0u) << names[i];
    EXPECT_NEAR(meta_number(metadata_of(file), "duration"), expected_duration[i], 0.05) << names[i];
  }
  EXPECT_EQ(frames_total, pushed);  // a cut loses nothing
}

TEST_F(RecorderTest, SegmentsBySizeCutAtTheFirstKeyframePastTheLimit) {
  config.max_bytes = 64u << 10;
  start();
  SyntheticMedia media;
  media.video_padding = 3000;  // ~90 KB per second of video
  const std::size_t pushed = publish_for("cam", 5000, PublishMode::Live, "live", media);
  recorder->sync();

  const auto names = files_under(root());
  ASSERT_EQ(names.size(), 5u);  // one per keyframe interval
  std::size_t frames_total = 0;
  for (const auto& name : names) {
    const Bytes bytes = read_bytes(root() / name);
    const ReadFile file = read_file(bytes);
    ASSERT_EQ(file.error, "") << name;
    const FileFrames frames = frames_of(file);
    frames_total += frames.video + frames.audio;
    EXPECT_EQ(std::to_integer<int>(file.tags[3].tag.body[0]) >> 4, 1) << name;
    if (frame_id(file.tags[3].tag.body) != 4000) {  // all but the last file reached the limit
      EXPECT_GE(bytes.size(), 64u << 10) << name;
    }
  }
  EXPECT_EQ(frames_total, pushed);
}

}  // namespace
}  // namespace streamgate::flvrecord
