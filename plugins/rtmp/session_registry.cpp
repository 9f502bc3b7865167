#include "session_registry.hpp"

#include <vector>

namespace streamgate::rtmp {

std::uint64_t SessionRegistry::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  sessions_.emplace(id, session);
  return id;
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) emptied_.notify_all();
}

void SessionRegistry::for_each(const std::function<void(const std::shared_ptr<Session>&)>& visit) {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : sessions_)
      if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  for (const auto& session : live) visit(session);
}

bool SessionRegistry::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_for(lock, timeout, [&] { return sessions_.empty(); });
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace streamgate::rtmp
