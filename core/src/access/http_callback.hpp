#pragma once
// One HTTP callback: POST a form body to a CallbackUrl with Beast's HTTP/1.1
// client, asynchronously on a worker io_context, and report the status line
// (only the response header is read, bounded). Resolve, connect, send and
// receive share one deadline.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "access/callback_url.hpp"

namespace boost::asio {
class io_context;
}

namespace streamgate::access {

struct CallbackResult {
  enum class Outcome : std::uint8_t { Invalid = 0, Answered, TimedOut, Failed };
  Outcome outcome = Outcome::Invalid;
  int status = 0;     ///< the HTTP status, when Answered
  std::string error;  ///< what went wrong, when Failed (e.g. "Connection refused")

  bool success() const noexcept { return outcome == Outcome::Answered && status >= 200 && status < 300; }
};

/// Longest response header read from a callback; past it the call fails.
constexpr std::uint32_t kMaxCallbackHeaderBytes = 8192;

/// Starts the call and returns at once. `done` runs exactly once, on `io`'s
/// thread, unless `io` is destroyed first (then it is destroyed unrun).
void post_callback(boost::asio::io_context& io, const CallbackUrl& url, std::string body,
                   std::chrono::milliseconds timeout, std::function<void(CallbackResult)> done);

}  // namespace streamgate::access
