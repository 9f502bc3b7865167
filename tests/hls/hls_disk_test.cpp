// The hls service's disk output, as a web server reading the folder sees it.
#include <set>

#include "service_fixture.hpp"
#include "support/temp_dir.hpp"

namespace streamgate::hls {
namespace {

namespace fs = std::filesystem;
using test::HlsServiceTest;
using test::parse;
using test::read_file;

class HlsDiskTest : public HlsServiceTest {
 protected:
  HlsConfig disk_config() {
    HlsConfig config;
    config.disk = true;
    config.disk_path = dir_.path();
    config.playlist_segments = 3;
    return config;
  }
  std::string disk_file(const std::string& relative) {
    service_->flush_disk();
    return read_file(dir_.path() / relative);
  }
  std::set<std::string> files() {
    service_->flush_disk();
    std::set<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path()))
      out.insert(fs::relative(entry.path(), dir_.path()).generic_string());
    return out;
  }
  streamgate::test::TempDir dir_{"streamgate-hls"};
};

TEST_F(HlsDiskTest, WritesPlaylistAndSegmentsAsServed) {
  start(disk_config());
  auto publisher = publish("cam");
  video(*publisher, 0, 7);
  const auto served = get("/live/cam.m3u8").body;
  const auto on_disk = disk_file("live/cam.m3u8");
  EXPECT_EQ(on_disk, served);  // the name needs no sanitizing: same URIs
  const auto parsed = parse(on_disk);
  ASSERT_EQ(parsed.uris.size(), 3u);
  for (const auto& uri : parsed.uris) {
    EXPECT_EQ(read_file(dir_.path() / "live" / uri), get("/live/" + uri).body) << uri;
  }
  for (const auto& file : files()) EXPECT_FALSE(file.ends_with(".tmp")) << file;
}

TEST_F(HlsDiskTest, DeletesSegmentsAfterTheyLeftThePlaylistAndItsGrace) {
  start(disk_config());
  auto publisher = publish("cam");
  video(*publisher, 0, 41);  // 20 segments of 2 s
  const auto parsed = parse(disk_file("live/cam.m3u8"));
  const auto on_disk = files();
  // Listed segments are there; so are a few in grace; the old ones are gone.
  for (const auto& uri : parsed.uris) EXPECT_TRUE(on_disk.contains("live/" + uri)) << uri;
  std::size_t segments = 0;
  for (const auto& file : on_disk) segments += file.ends_with(".ts") ? 1 : 0;
  EXPECT_LE(segments, parsed.uris.size() + 5);
  EXPECT_FALSE(on_disk.contains("live/cam/" + std::to_string(parsed.media_sequence - 10) + ".ts"));
}

TEST_F(HlsDiskTest, LeavesNothingAfterTheEndAndTheDelay) {
  auto config = disk_config();
  config.end_delay = std::chrono::seconds(5);
  config.endlist_delay = std::chrono::seconds(1);
  start(config);
  publish_then_end(9);
  service_->flush_disk();
  EXPECT_FALSE(parse(disk_file("live/cam.m3u8")).endlist) << "open for a returning encoder";
  host_.clock.advance(std::chrono::seconds(1));
  host_.executor.run();
  service_->flush_disk();
  EXPECT_TRUE(parse(disk_file("live/cam.m3u8")).endlist);
  host_.clock.advance(std::chrono::seconds(4));
  host_.executor.run();
  EXPECT_TRUE(files().empty());
  EXPECT_TRUE(fs::exists(dir_.path()));  // the configured folder itself stays
}

TEST_F(HlsDiskTest, SanitizesNamesOnDisk) {
  start(disk_config());
  auto publisher = publish("my cam");
  video(*publisher, 0, 3);
  service_->flush_disk();
  // On disk: "my_cam"; over HTTP the name stays and is percent-encoded in the URIs.
  const auto on_disk = parse(disk_file("live/my_cam.m3u8"));
  ASSERT_EQ(on_disk.uris.size(), 1u);
  EXPECT_TRUE(on_disk.uris[0].starts_with("my_cam/"));
  EXPECT_TRUE(fs::exists(dir_.path() / "live" / on_disk.uris[0]));
  const auto served = playlist("/live/my cam.m3u8");
  EXPECT_TRUE(served.uris[0].starts_with("my%20cam/"));
}

TEST_F(HlsDiskTest, StopRemovesTheOutput) {
  start(disk_config());
  auto publisher = publish("cam");
  video(*publisher, 0, 5);
  EXPECT_FALSE(files().empty());
  service_->stop();
  EXPECT_TRUE(files().empty());
}

TEST_F(HlsDiskTest, AnUnusableFolderStopsStartUp) {
  std::ofstream(dir_.path() / "file") << "not a folder";
  auto config = disk_config();
  config.disk_path = dir_.path() / "file" / "hls";
  HlsService service(config, host_, [this] { return host_.clock.wall(); });
  EXPECT_THROW(service.start(), std::runtime_error);
}

TEST_F(HlsDiskTest, ClearsLeftoversOfAnEarlierRun) {
  fs::create_directories(dir_.path() / "live" / "cam");
  std::ofstream(dir_.path() / "live" / "cam" / "17.ts") << "old";
  start(disk_config());
  auto publisher = publish("cam");
  video(*publisher, 0, 3);
  EXPECT_FALSE(files().contains("live/cam/17.ts"));
}


}  // namespace
}  // namespace streamgate::hls
