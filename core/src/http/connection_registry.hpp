#pragma once
// Every open connection of one HttpServer, so stop() can close them all and
// wait until they are gone, and so accept can enforce max_connections.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class HttpConnection;

class ConnectionRegistry {
 public:
  /// Registers `connection` from client `address`; 0 when the server is
  /// stopping (close it then). `counted` connections count against the
  /// connection limits; the short-lived ones that only answer 503 do not.
  std::uint64_t add(std::weak_ptr<HttpConnection> connection, bool counted,
                    const std::string& address);
  void remove(std::uint64_t id);

  std::size_t counted() const;
  std::size_t counted_from(const std::string& address) const;
  std::size_t uncounted() const;

  /// Refuses further add() calls and asks every connection to close.
  void close_all();
  /// Waits until no connection is left or `timeout` passed; true when empty.
  bool wait_empty(std::chrono::milliseconds timeout);

 private:
  struct Entry {
    std::weak_ptr<HttpConnection> connection;
    bool counted = false;
    std::string address;
  };

  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  std::size_t counted_ = 0;
  std::unordered_map<std::string, std::size_t> counted_by_address_;
  bool closing_ = false;
};

}  // namespace streamgate::http

#pragma GCC visibility pop
