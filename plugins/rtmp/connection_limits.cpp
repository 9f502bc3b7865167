#include "connection_limits.hpp"

#include <utility>

namespace streamgate::rtmp {

ConnectionLimits::Ticket::Ticket(Ticket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      kind_(other.kind_),
      key_(std::move(other.key_)) {}

ConnectionLimits::Ticket& ConnectionLimits::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    kind_ = other.kind_;
    key_ = std::move(other.key_);
  }
  return *this;
}

ConnectionLimits::Ticket::~Ticket() { release(); }

void ConnectionLimits::Ticket::release() noexcept {
  if (owner_ == nullptr) return;
  std::exchange(owner_, nullptr)->release(kind_, key_);
}

ConnectionLimits::ConnectionLimits(Settings settings) : settings_(settings) {
  connections_.max = settings_.max_connections;
  connections_.max_per_key = settings_.max_connections_per_ip;
  publishers_.max = settings_.max_publishers;
  publishers_.max_per_key = settings_.max_streams_per_app;
}

ConnectionLimits::Admission ConnectionLimits::admit_connection(std::string_view address) {
  static constexpr Words kWords{"connections are open", " from this address", "max-connections",
                                "max-connections-per-ip"};
  std::lock_guard lock(mutex_);
  return admit(connections_, Ticket::Kind::Connection, address, kWords);
}

ConnectionLimits::Admission ConnectionLimits::admit_publisher(std::string_view app) {
  static constexpr Words kWords{"streams are being published", " in this app", "max-publishers",
                                "max-streams-per-app"};
  std::lock_guard lock(mutex_);
  return admit(publishers_, Ticket::Kind::Publisher, app, kWords);
}

ConnectionLimits::Admission ConnectionLimits::admit(Pool& pool, Ticket::Kind kind,
                                                    std::string_view key, const Words& words) {
  Admission admission;
  if (pool.open >= pool.max) {
    admission.refusal = std::to_string(pool.open) + " " + words.things + " (" + words.max_name +
                        " " + std::to_string(pool.max) + ")";
    return admission;
  }
  // Looked up without inserting: a refusal must not leave an entry behind.
  const std::size_t for_key = count_of(pool.per_key, key);
  if (for_key >= pool.max_per_key) {
    admission.refusal = std::to_string(for_key) + " " + words.things + words.per_key + " (" +
                        words.key_name + " " + std::to_string(pool.max_per_key) + ")";
    return admission;
  }
  ++pool.open;
  ++pool.per_key[std::string(key)];
  admission.ticket = Ticket(this, kind, std::string(key));
  return admission;
}

ConnectionLimits::Pool& ConnectionLimits::pool(Ticket::Kind kind) noexcept {
  return kind == Ticket::Kind::Connection ? connections_ : publishers_;
}

void ConnectionLimits::release(Ticket::Kind kind, const std::string& key) noexcept {
  std::lock_guard lock(mutex_);
  Pool& from = pool(kind);
  --from.open;
  // Entries go when they reach 0, so the maps hold only what is open.
  if (auto it = from.per_key.find(key); it != from.per_key.end() && --it->second == 0)
    from.per_key.erase(it);
}

std::size_t ConnectionLimits::count_of(const Counts& counts, std::string_view key) {
  const auto it = counts.find(std::string(key));
  return it == counts.end() ? 0 : it->second;
}

std::size_t ConnectionLimits::connections() const {
  std::lock_guard lock(mutex_);
  return connections_.open;
}

std::size_t ConnectionLimits::connections_from(std::string_view address) const {
  std::lock_guard lock(mutex_);
  return count_of(connections_.per_key, address);
}

std::size_t ConnectionLimits::publishers() const {
  std::lock_guard lock(mutex_);
  return publishers_.open;
}

std::size_t ConnectionLimits::publishers_in(std::string_view app) const {
  std::lock_guard lock(mutex_);
  return count_of(publishers_.per_key, app);
}

}  // namespace streamgate::rtmp
