// The recorder adapter under faults: crash leftovers, data on disk at the
// flush interval, unwritable folders, a full disk, a stalled disk, and stop().

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "disk_faults.hpp"
#include "recorder_fixture.hpp"

namespace streamgate::flvrecord {
namespace {

using namespace test;

// A player's view: a plain bus subscription with a generous queue.
struct Player {
  std::unique_ptr<Subscription> subscription;
  std::size_t media = 0;
  std::size_t dropped = 0;

  Player(Bus& bus, const StreamKey& key) {
    SubscribeOptions options;
    options.max_queue_bytes = 256u << 20;
    options.max_queue_duration = std::chrono::hours(1);
    subscription = bus.subscribe(key, options, [] {});
  }
  void drain() {
    std::vector<BusItem> items;
    subscription->drain(items);
    for (const auto& item : items) media += item.type == BusItem::Type::Media ? 1 : 0;
    dropped = subscription->stats().dropped_packets;
  }
};

TEST_F(RecorderTest, WrittenDataReachesTheDiskAtTheFlushInterval) {
  config.flush_interval = 100ms;
  start();
  auto publisher = publish("cam");
  push_headers(*publisher);
  // ~40 KB in all: it would sit in the file's 64 KiB buffer without a flush.
  const std::size_t pushed = push_media(*publisher, 0, 2000);
  recorder->sync();
  std::this_thread::sleep_for(400ms);
  // Read while the file is still being written: every tag is whole and there.
  const ReadFile file = read("live/cam.flv.part");
  EXPECT_EQ(file.error, "");
  const FileFrames frames = frames_of(file);
  EXPECT_EQ(frames.video + frames.audio, pushed);
}

TEST_F(RecorderTest, UnfinishedFilesAreRepairedAtStart) {
  // A recording cut off by a crash: metadata never rewritten, the last tag torn.
  MemorySink sink;
  {
    FlvWriter writer(sink);
    writer.write(metadata({{"width", amf0::Value::number(640)}}), 0);
    writer.write(video_config(), 0);
    writer.write(audio_config(), 0);
    for (std::int64_t ms = 0; ms < 3000; ms += 40) {
      writer.write(*padded_video(ms, ms % 1000 == 0, 1000), std::uint32_t(ms));
      writer.write(audio(ms + 5), std::uint32_t(ms + 5));
    }
  }
  // ~36 KB of reserved metadata, then ~80 KB of frames: cut in the frames.
  const std::size_t torn_size = sink.bytes.size() * 7 / 10;
  write_bytes(root() / "live/torn.flv.part", std::span(sink.bytes).first(torn_size));
  // Not even a file header: nothing to keep.
  write_bytes(root() / "live/garbage.flv.part", as_bytes("FLV\x01"));
  // Whole, but its name was taken meanwhile: repaired under a numbered name.
  write_bytes(root() / "other/taken.flv", as_bytes("someone else's"));
  write_bytes(root() / "other/taken.flv.part", sink.bytes);

  start();
  EXPECT_EQ(files_under(root()),
            (std::vector<std::string>{"live/torn.flv", "other/taken-1.flv", "other/taken.flv"}));
  const Bytes bytes = read_bytes(root() / "live/torn.flv");
  EXPECT_LT(bytes.size(), torn_size);
  const ReadFile file = read_file(bytes);
  ASSERT_EQ(file.error, "");
  const FileFrames frames = frames_of(file);
  const amf0::Value meta = metadata_of(file);
  // Duration and index rebuilt for what was kept: last frame + 40 ms spacing.
  EXPECT_NEAR(meta_number(meta, "duration"), (frames.times_ms.back() + 40) / 1000.0, 0.001);
  EXPECT_EQ(meta_number(meta, "filesize"), double(bytes.size()));
  ASSERT_NE(meta.find("keyframes"), nullptr);
  std::size_t keyframes = 0;
  for (const auto& t : file.tags)
    keyframes += t.tag.type == flv::TagType::Video && t.tag.body[1] == std::byte{1} &&
                 std::to_integer<int>(t.tag.body[0]) >> 4 == 1;
  EXPECT_EQ(meta.find("keyframes")->find("times")->items().size(), keyframes);
  EXPECT_GE(keyframes, 2u);
  EXPECT_GT(frames.times_ms.back(), 1500u);  // all whole tags survived

  EXPECT_EQ(read_file(read_bytes(root() / "other/taken-1.flv")).error, "");
  EXPECT_EQ(read_bytes(root() / "other/taken.flv"), streamgate::test::text("someone else's"));
  EXPECT_TRUE(host.log_has("file '" + (root() / "live/torn.flv").string() +
                           "' repaired after an unclean stop"))
      << host.log();
  EXPECT_TRUE(host.log_has("file '" + (root() / "live/garbage.flv.part").string() + "' removed"))
      << host.log();
}

TEST_F(RecorderTest, AnUnwritableFolderIsLoggedWhilePlayersKeepReceivingThenRecordingResumes) {
  std::filesystem::create_directories(root() / "live");
  ReadOnlyFolder read_only(root() / "live");
  if (!read_only.active()) GTEST_SKIP() << "cannot make a read-only folder here";
  start();
  Player player(host.bus(), {"live", "cam", ""});
  auto publisher = publish("cam");
  push_headers(*publisher);
  std::size_t pushed = push_media(*publisher, 0, 3000);
  recorder->sync();
  player.drain();
  EXPECT_EQ(player.media, pushed + 3);  // the headers too
  EXPECT_EQ(files_under(root()), std::vector<std::string>{});
  const std::string part = (root() / "live/cam.flv.part").string();
  EXPECT_TRUE(host.log_has("[error] flvrecord: live/cam file '" + part + "' not created"))
      << host.log();

  read_only.lift();  // the fault clears: recording resumes at the next clean start
  pushed = push_media(*publisher, 3000, 5000);
  publisher->end();
  recorder->sync();
  player.drain();
  EXPECT_EQ(player.dropped, 0u);
  ASSERT_EQ(files_under(root()), (std::vector<std::string>{"live/cam.flv"}));
  const ReadFile file = read("live/cam.flv");
  EXPECT_EQ(file.error, "");
  const FileFrames frames = frames_of(file);
  EXPECT_GT(frames.video, 0u);
  EXPECT_GE(frames.ids.front(), 3000);
  EXPECT_TRUE(host.log_has("live/cam recording resumed after")) << host.log();
}

TEST_F(RecorderTest, AMissingFolderThatCannotBeCreatedIsLoggedWithItsPath) {
  // A file where the app folder should be: the folder cannot be created.
  write_bytes(root() / "live", as_bytes("not a folder"));
  start();
  publish_for("cam", 1000);
  recorder->sync();
  EXPECT_TRUE(host.log_has("folder '" + (root() / "live").string() + "' not created"))
      << host.log();
}

TEST_F(RecorderTest, AFullDiskEndsTheFileCleanlyAndRecordingResumesInANewFile) {
  start();
  auto publisher = publish("cam");
  push_headers(*publisher);
  SyntheticMedia media;
  media.video_padding = 3000;  // ~90 KB per second of video
  {
    FileSizeLimit full(150u << 10);
    if (!full.active()) GTEST_SKIP() << "cannot limit the file size here";
    push_media(*publisher, 0, 2500, media);
    recorder->sync();
  }
  push_media(*publisher, 2500, 6000, media);
  publisher->end();
  recorder->sync();

  const std::string first = (root() / "live/cam.flv").string();
  EXPECT_TRUE(host.log_has("[error] flvrecord: live/cam file '" + first +
                           ".part' write failed: File too large"))
      << host.log();
  const auto names = files_under(root());
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names.back(), "live/cam.flv");
  // The cut-off file was repaired: whole tags only, duration for what it holds.
  const Bytes bytes = read_bytes(first);
  EXPECT_LE(bytes.size(), 150u << 10);
  const ReadFile cut = read_file(bytes);
  EXPECT_EQ(cut.error, "");
  EXPECT_EQ(meta_number(metadata_of(cut), "filesize"), double(bytes.size()));
  EXPECT_GT(frames_of(cut).video, 10u);
  // The last file (written once the disk had room again) runs to the end.
  const ReadFile last = read(names[names.size() - 2]);
  EXPECT_EQ(last.error, "");
  EXPECT_GE(frames_of(last).ids.back(), 5900);
}

TEST_F(RecorderTest, AStalledDiskDropsToTheNextKeyframeWithoutHoldingUpThePublisher) {
  config.max_queue_duration = 1s;
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::atomic<bool> stalled{false};
  // Naming the first file is the first disk work: the disk stalls there.
  start([&] {
    stalled = true;
    std::unique_lock lock(mutex);
    released_cv.wait(lock, [&] { return released; });
    return std::chrono::system_clock::now();
  });
  Player player(host.bus(), {"live", "cam", ""});
  auto publisher = publish("cam");
  push_headers(*publisher);
  SyntheticMedia media;
  media.keyframe_interval_ms = 500;
  std::size_t pushed = push_media(*publisher, 0, 200, media);
  for (int i = 0; i < 500 && !stalled; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(stalled);
  // 6 s of media while the writer thread is stuck: the publisher never waits.
  const auto before = std::chrono::steady_clock::now();
  pushed += push_media(*publisher, 200, 6000, media);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 500ms);
  player.drain();
  EXPECT_EQ(player.media, pushed + 3);  // players get everything
  EXPECT_EQ(player.dropped, 0u);
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
  recorder->sync();  // the disk is back and the writer has caught up
  // Dropping may have left nothing queued (the bus waits for a keyframe past
  // the drop): the recording picks up again from the next one.
  pushed += push_media(*publisher, 6000, 7000, media);
  publisher->end();
  recorder->sync();

  EXPECT_TRUE(host.log_has("[warning] flvrecord: live/cam media dropped: the disk falls behind"))
      << host.log();
  const ReadFile file = read("live/cam.flv");
  ASSERT_EQ(file.error, "");
  const FileFrames frames = frames_of(file);
  EXPECT_LT(frames.video + frames.audio, pushed);
  EXPECT_GE(frames.ids.back(), 6900);
  EXPECT_TRUE(std::is_sorted(frames.times_ms.begin(), frames.times_ms.end()));
  // Where media was lost, the video resumes at a keyframe.
  std::int64_t last_video = -1;
  bool gap_seen = false;
  for (const auto& t : file.tags) {
    if (t.tag.type != flv::TagType::Video || t.tag.body[1] != std::byte{1}) continue;
    const std::int64_t id = frame_id(t.tag.body);
    if (last_video >= 0 && id - last_video > 34) {
      gap_seen = true;
      EXPECT_EQ(std::to_integer<int>(t.tag.body[0]) >> 4, 1)
          << "frame " << id << " after a gap is no keyframe";
    }
    last_video = id;
  }
  EXPECT_TRUE(gap_seen);
}

TEST_F(RecorderTest, StopClosesEveryFileWithItsMetadataBeforeReturning) {
  start();
  auto a = publish("a");
  auto b = publish("b");
  for (auto* publisher : {a.get(), b.get()}) {
    push_headers(*publisher);
    push_media(*publisher, 0, 2000);
  }
  recorder->stop();  // the publishers are still live
  ASSERT_EQ(files_under(root()), (std::vector<std::string>{"live/a.flv", "live/b.flv"}));
  for (const auto& name : {"live/a.flv", "live/b.flv"}) {
    const Bytes bytes = read_bytes(root() / name);
    const amf0::Value meta = metadata_of(read_file(bytes));
    EXPECT_NEAR(meta_number(meta, "duration"), 2.0, 0.05) << name;
    EXPECT_EQ(meta_number(meta, "filesize"), double(bytes.size())) << name;
  }
  // Media after stop() goes nowhere and harms nothing.
  push_media(*a, 2000, 3000);
  EXPECT_EQ(files_under(root()).size(), 2u);
}

}  // namespace
}  // namespace streamgate::flvrecord
