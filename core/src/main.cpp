// streamgate [-c FILE] [-t] [-v] [-h]
//
// Exit codes: 0 after a successful -t or a stop by SIGINT/SIGTERM; 1 when the
// config is wrong, a plugin is refused, or something fails to start; 2 for a
// bad command line.

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <spdlog/logger.h>

#include "host/gateway.hpp"
#include "streamgate/version.hpp"

#ifndef STREAMGATE_VERSION
#define STREAMGATE_VERSION "unknown"
#endif

namespace po = boost::program_options;

namespace {

constexpr const char* kDefaultConfig = "etc/streamgate.xml";

void print_version() {
  const auto sdk = streamgate::host_sdk_version();
  std::cout << "streamgate " << STREAMGATE_VERSION << " (plugin SDK " << sdk.major << "."
            << sdk.minor << ", build " << streamgate::host_build_signature() << ")\n";
}

// Errors go to the log when it reaches the console, else straight to stderr
// (and to the log file as well, when there is one).
void report(const streamgate::Gateway& gateway, const std::string& message) {
  if (gateway.logger()) gateway.logger()->critical("core: {}", message);
  if (!gateway.logs_to_console()) std::cerr << "streamgate: " << message << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("Usage: streamgate [-c FILE] [-t] [-v] [-h]\nOptions");
  options.add_options()
      ("config,c", po::value<std::string>()->default_value(kDefaultConfig)->value_name("FILE"),
       "config file")
      ("test,t", "check the config and the plugins it enables, then exit")
      ("version,v", "print the version and exit")
      ("help,h", "print this help and exit");
  po::variables_map args;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), args);
    po::notify(args);
  } catch (const po::error& e) {
    std::cerr << "streamgate: " << e.what() << "\n" << options;
    return 2;
  }
  if (args.count("help")) {
    std::cout << options;
    return 0;
  }
  if (args.count("version")) {
    print_version();
    return 0;
  }

  const std::string config_file = args["config"].as<std::string>();
  const bool test_only = args.count("test") > 0;
  streamgate::Gateway gateway(config_file);
  try {
    gateway.load();
  } catch (const std::exception& e) {
    report(gateway, e.what());
    if (test_only) std::cerr << "streamgate: configuration file " << config_file << " test failed\n";
    return 1;
  }
  if (test_only) {
    std::cerr << "streamgate: configuration file " << config_file << " test is successful\n";
    return 0;
  }

  try {
    gateway.start();
  } catch (const std::exception& e) {
    report(gateway, e.what());
    gateway.stop();
    return 1;
  }
  gateway.wait_for_signal();
  gateway.stop();
  return 0;
}
