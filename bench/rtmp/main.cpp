// streamgate-bench: an RTMP load generator (see docs/benchmarks.md).
#include <boost/json/serialize.hpp>
#include <exception>
#include <fstream>
#include <iostream>

#include "bench_run.hpp"

int main(int argc, char** argv) {
  using namespace streamgate::bench;
  try {
    auto options = parse_options(argc, argv);
    if (!options) return 0;
    const BenchReport report = run_bench(*options);
    if (options->table) report.print_table(options->json_path == "-" ? std::cerr : std::cout);
    const std::string json = boost::json::serialize(report.to_json());
    if (options->json_path == "-") {
      std::cout << json << "\n";
    } else if (!options->json_path.empty()) {
      std::ofstream out(options->json_path);
      out << json << "\n";
      if (!out) throw std::runtime_error("bench: cannot write " + options->json_path);
    }
    return exit_code(report);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}
