#include "http/connection_registry.hpp"

#include <vector>

#include "http/http_connection.hpp"

namespace streamgate::http {

std::uint64_t ConnectionRegistry::add(std::weak_ptr<HttpConnection> connection, bool counted,
                                      const std::string& address) {
  std::lock_guard lock(mutex_);
  if (closing_) return 0;
  auto id = next_id_++;
  entries_.emplace(id, Entry{std::move(connection), counted, address});
  if (counted) {
    ++counted_;
    ++counted_by_address_[address];
  }
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (it->second.counted) {
      --counted_;
      auto from = counted_by_address_.find(it->second.address);
      if (from != counted_by_address_.end() && --from->second == 0) counted_by_address_.erase(from);
    }
    entries_.erase(it);
    if (!entries_.empty()) return;
  }
  empty_.notify_all();
}

std::size_t ConnectionRegistry::counted() const {
  std::lock_guard lock(mutex_);
  return counted_;
}

std::size_t ConnectionRegistry::counted_from(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto it = counted_by_address_.find(address);
  return it == counted_by_address_.end() ? 0 : it->second;
}

std::size_t ConnectionRegistry::uncounted() const {
  std::lock_guard lock(mutex_);
  return entries_.size() - counted_;
}

void ConnectionRegistry::close_all() {
  std::vector<std::shared_ptr<HttpConnection>> open;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    open.reserve(entries_.size());
    for (auto& [id, entry] : entries_) {
      if (auto connection = entry.connection.lock()) open.push_back(std::move(connection));
    }
  }
  // Outside the lock: close() only posts, but a connection's last reference
  // may drop here and its destructor calls remove().
  for (auto& connection : open) connection->close();
}

bool ConnectionRegistry::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return empty_.wait_for(lock, timeout, [&] { return entries_.empty(); });
}

}  // namespace streamgate::http
