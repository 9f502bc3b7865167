#pragma once
// Every HttpStream of one HttpServer, so stop() can settle them all: after
// it returns no stream callback runs, even when the workers that would have
// run them no longer do.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/stream_callbacks.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class StreamRegistry {
 public:
  /// The callbacks of a new stream; already stopped when the server is.
  std::shared_ptr<StreamCallbacks> create(std::shared_ptr<spdlog::logger> logger, std::string peer);
  /// Refuses new streams and settles every live one (StreamCallbacks::server_stopped).
  void stop_all();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<StreamCallbacks>> streams_;
  std::size_t prune_at_ = 64;  // forgets the streams gone since, amortised
  bool stopped_ = false;
};

}  // namespace streamgate::http

#pragma GCC visibility pop
