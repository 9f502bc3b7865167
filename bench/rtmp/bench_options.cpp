#include "bench_options.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <stdexcept>

namespace streamgate::bench {

namespace po = boost::program_options;

std::optional<BenchOptions> parse_options(int argc, char** argv) {
  BenchOptions o;
  bool no_table = false;
  po::options_description desc(
      "streamgate-bench: N RTMP players (and M publishers) against an RTMP server\n"
      "usage: streamgate-bench --url rtmp://127.0.0.1:1935/live/bench --flv media.flv [options]");
  desc.add_options()("help,h", "this help")(
      "url", po::value(&o.url)->required(),
      "RTMP URL the players play (rtmp://host:port/app/stream)")(
      "publish-url", po::value(&o.publish_url),
      "URL the publishers publish to (default: --url); "
      "with M > 1 publishers, stream i gets the suffix _i and players spread over them")(
      "label", po::value(&o.label), "name of the server in the report")(
      "flv", po::value(&o.flv), "FLV file the publishers send in real time, looping")(
      "players,n", po::value(&o.players)->default_value(o.players), "players")(
      "publishers,m", po::value(&o.publishers)->default_value(o.publishers),
      "publishers (0: play a stream published by another program)")(
      "threads", po::value(&o.threads)->default_value(o.threads), "I/O threads of this tool")(
      "warmup-s", po::value(&o.warmup_s)->default_value(o.warmup_s),
      "publisher alone before players")("ramp-s", po::value(&o.ramp_s)->default_value(o.ramp_s),
                                        "players connect evenly over this")(
      "settle-s", po::value(&o.settle_s)->default_value(o.settle_s), "wait after the ramp")(
      "duration-s", po::value(&o.duration_s)->default_value(o.duration_s), "measurement window")(
      "max-drift-ms", po::value(&o.max_drift_ms)->default_value(o.max_drift_ms),
      "a player whose media time falls this far behind wall time does not keep up")(
      "chunk-size", po::value(&o.chunk_size)->default_value(o.chunk_size),
      "publisher's chunk size")(
      "watch-pid", po::value(&o.watch_pids)->composing(),
      "server process to measure (CPU, RSS; its child processes too); repeatable")(
      "json", po::value(&o.json_path), "write the report as JSON to this file ('-' = stdout)")(
      "no-table", po::bool_switch(&no_table), "do not print the human-readable table");
  po::variables_map vars;
  po::store(po::parse_command_line(argc, argv, desc), vars);
  if (vars.count("help")) {
    std::cout << desc << "\n";
    return std::nullopt;
  }
  po::notify(vars);
  o.table = !no_table;
  if (o.publish_url.empty()) o.publish_url = o.url;
  if (o.players < 0 || o.publishers < 0 || o.threads < 1)
    throw std::invalid_argument("players and publishers must be >= 0, threads >= 1");
  if (o.publishers > 0 && o.flv.empty()) throw std::invalid_argument("--flv is needed to publish");
  if (o.duration_s <= 0) throw std::invalid_argument("--duration-s must be > 0");
  if (o.chunk_size < 128 || o.chunk_size > 65536)
    throw std::invalid_argument("--chunk-size must be within 128..65536");
  return o;
}

}  // namespace streamgate::bench
