#include "flvrecord_config.hpp"

#include "path_template.hpp"

namespace streamgate::flvrecord {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The AMF0 decoder's default element limit (65 536) must hold the index
// twice (times and positions) plus the publisher's properties.
constexpr std::int64_t kMaxIndexCapacity = 30000;

FlvRecordConfig parse_flvrecord_config(const ConfigNode& node) {
  FlvRecordConfig config;
  config.apps = node.list("apps");
  config.streams = node.list("streams");
  config.mode = node.one_of("mode", "all", {"all", "record"}) == "record" ? RecordMode::Record
                                                                          : RecordMode::All;

  std::filesystem::path root(node.string("root", config.root.string()));
  if (root.empty()) node.fail("root", "must name a folder");
  if (root.is_relative()) root = std::filesystem::path(node.file()).parent_path() / root;
  config.root = root.lexically_normal();

  config.path_template = node.string("file", config.path_template);
  if (auto problem = path_template_problem(config.path_template)) node.fail("file", *problem);

  config.max_duration =
      node.duration("max-duration", config.max_duration, milliseconds(0), hours(24 * 7));
  if (config.max_duration.count() != 0 && config.max_duration < seconds(1))
    node.fail("max-duration", "must be 0 (no limit) or at least 1s");
  config.max_bytes = node.bytes("max-size", config.max_bytes, 0, 1ull << 40);
  if (config.max_bytes != 0 && config.max_bytes < (64u << 10))
    node.fail("max-size", "must be 0 (no limit) or at least 64k");
  config.flush_interval =
      node.duration("flush-interval", config.flush_interval, milliseconds(50), seconds(60));
  config.max_queue_bytes = node.bytes("queue-size", config.max_queue_bytes, 256u << 10, 1ull << 30);
  config.max_queue_duration =
      node.duration("queue-duration", config.max_queue_duration, seconds(1), seconds(600));
  config.retry_after = node.duration("retry-after", config.retry_after, milliseconds(0), hours(1));
  config.index_capacity = static_cast<std::size_t>(
      node.integer("index-size", std::int64_t(config.index_capacity), 16, kMaxIndexCapacity));
  config.writer_threads = static_cast<std::size_t>(
      node.integer("writer-threads", std::int64_t(config.writer_threads), 1, 64));
  return config;
}

}  // namespace streamgate::flvrecord
