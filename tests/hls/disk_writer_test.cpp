#include "disk_writer.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/temp_dir.hpp"

namespace streamgate::hls {
namespace {

namespace fs = std::filesystem;

class DiskWriterTest : public ::testing::Test {
 protected:
  std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_ =
      std::make_shared<spdlog::logger>("hls", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
  streamgate::test::TempDir dir_{"streamgate-disk-writer"};
};

TEST_F(DiskWriterTest, WritesThePartsInOrderCreatingFolders) {
  DiskWriter writer(logger_, 1 << 20);
  const auto path = dir_.path() / "live" / "cam" / "7.ts";
  EXPECT_TRUE(writer.write(path, {SharedBytes::copy("abc"), SharedBytes::copy(""), SharedBytes::copy("de")}));
  EXPECT_TRUE(writer.write(dir_.path() / "live" / "cam.m3u8", std::string("#EXTM3U\n")));
  writer.flush();
  EXPECT_EQ(read(path), "abcde");
  EXPECT_EQ(read(dir_.path() / "live" / "cam.m3u8"), "#EXTM3U\n");
  EXPECT_FALSE(fs::exists(DiskWriter::temp_path(path)));
}

TEST_F(DiskWriterTest, ReplacesAFileWhole) {
  DiskWriter writer(logger_, 1 << 20);
  const auto path = dir_.path() / "cam.m3u8";
  writer.write(path, std::string(1000, 'a'));
  writer.write(path, std::string("short"));
  writer.flush();
  EXPECT_EQ(read(path), "short");
}

TEST_F(DiskWriterTest, RefusesWritesPastThePendingLimitWhileTheDiskIsStuck) {
  DiskWriter writer(logger_, 1000);
  // A FIFO at the temporary name: opening it for writing blocks the writer
  // thread until someone reads, as a hung disk would.
  const auto stuck = dir_.path() / "stuck.ts";
  ASSERT_EQ(::mkfifo(DiskWriter::temp_path(stuck).c_str(), 0600), 0);
  EXPECT_TRUE(writer.write(stuck, std::string(10, 's')));
  EXPECT_TRUE(writer.write(dir_.path() / "a.ts", std::string(600, 'a')));
  EXPECT_FALSE(writer.write(dir_.path() / "b.ts", std::string(600, 'b')));  // 10 + 600 + 600 > 1000
  writer.remove(dir_.path() / "a.ts.missing");  // removals are never refused

  std::thread reader([&] {
    std::ifstream fifo(DiskWriter::temp_path(stuck), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(fifo)), {});
    EXPECT_EQ(content, std::string(10, 's'));
  });
  writer.flush();
  reader.join();
  EXPECT_EQ(read(dir_.path() / "a.ts"), std::string(600, 'a'));
  EXPECT_FALSE(fs::exists(dir_.path() / "b.ts"));
  EXPECT_NE(log_.str().find("b.ts' not written"), std::string::npos) << log_.str();
  // Once the disk moves again, writes are accepted again.
  EXPECT_TRUE(writer.write(dir_.path() / "c.ts", std::string(600, 'c')));
}

TEST_F(DiskWriterTest, RemoveTreeTakesEmptyParentsUpToTheRoot) {
  DiskWriter writer(logger_, 1 << 20);
  const auto root = dir_.path() / "hls";
  writer.write(root / "live" / "cam" / "1.ts", std::string("x"));
  writer.write(root / "live" / "cam" / "2.ts", std::string("x"));
  writer.write(root / "other" / "keep" / "1.ts", std::string("x"));
  writer.remove_tree(root / "live" / "cam", root);
  writer.remove_tree(root / "other" / "gone", root);  // absent: fine; "other" is not empty
  writer.flush();
  EXPECT_FALSE(fs::exists(root / "live"));  // emptied, so removed
  EXPECT_TRUE(fs::exists(root));            // the root stays
  EXPECT_TRUE(fs::exists(root / "other" / "keep" / "1.ts"));
}

TEST_F(DiskWriterTest, FinishesQueuedWorkWhenDestroyed) {
  const auto path = dir_.path() / "last.m3u8";
  {
    DiskWriter writer(logger_, 1 << 20);
    for (int i = 0; i < 50; ++i) writer.write(dir_.path() / (std::to_string(i) + ".ts"), std::string(100, 'x'));
    writer.write(path, std::string("#EXT-X-ENDLIST\n"));
  }
  EXPECT_EQ(read(path), "#EXT-X-ENDLIST\n");
}

}  // namespace
}  // namespace streamgate::hls
