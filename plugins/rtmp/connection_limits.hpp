#pragma once
// Admission of RTMP connections and publishers: how many connections are open
// (in all and per client address) and how many streams are being published
// (in all and per app). Each check and its count happen in one step under a
// lock, so sessions admitted on several worker threads at once never
// overshoot a limit. What was admitted is held by a Ticket; dropping the
// ticket gives the place back. No I/O.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace streamgate::rtmp {

class ConnectionLimits {
 public:
  struct Settings {
    std::size_t max_connections = 10'000;
    std::size_t max_connections_per_ip = 2'000;
    std::size_t max_publishers = 1'000;
    std::size_t max_streams_per_app = 1'000;
  };

  /// One admitted connection or publisher. Movable; releases on destruction.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

    bool held() const noexcept { return owner_ != nullptr; }
    /// Gives the place back now.
    void release() noexcept;

   private:
    friend class ConnectionLimits;
    enum class Kind : std::uint8_t { Invalid = 0, Connection, Publisher };
    Ticket(ConnectionLimits* owner, Kind kind, std::string key)
        : owner_(owner), kind_(kind), key_(std::move(key)) {}

    ConnectionLimits* owner_ = nullptr;
    Kind kind_ = Kind::Invalid;
    std::string key_;
  };

  /// A ticket, or (ticket not held) the reason for the refusal.
  struct Admission {
    Ticket ticket;
    std::string refusal;
    explicit operator bool() const noexcept { return ticket.held(); }
  };

  explicit ConnectionLimits(Settings settings);
  ConnectionLimits(const ConnectionLimits&) = delete;
  ConnectionLimits& operator=(const ConnectionLimits&) = delete;

  /// A place for one more connection from `address` (the client's IP address).
  Admission admit_connection(std::string_view address);
  /// A place for one more stream published into `app`.
  Admission admit_publisher(std::string_view app);

  std::size_t connections() const;
  std::size_t connections_from(std::string_view address) const;
  std::size_t publishers() const;
  std::size_t publishers_in(std::string_view app) const;

  const Settings& settings() const noexcept { return settings_; }

 private:
  using Counts = std::unordered_map<std::string, std::size_t>;

  // Places of one kind: in all, and per key (client address or app).
  struct Pool {
    std::size_t max = 0;
    std::size_t max_per_key = 0;
    std::size_t open = 0;
    Counts per_key;
  };
  // How a refusal names a pool's limits.
  struct Words {
    const char* things;    // "connections are open"
    const char* per_key;   // " from this address", " in this app"
    const char* max_name;  // the setting of `max`
    const char* key_name;  // the setting of `max_per_key`
  };

  Admission admit(Pool& pool, Ticket::Kind kind, std::string_view key, const Words& words);
  void release(Ticket::Kind kind, const std::string& key) noexcept;
  Pool& pool(Ticket::Kind kind) noexcept;
  static std::size_t count_of(const Counts& counts, std::string_view key);

  const Settings settings_;
  mutable std::mutex mutex_;
  Pool connections_;
  Pool publishers_;
};

}  // namespace streamgate::rtmp
