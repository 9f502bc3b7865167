#pragma once
// The Publisher handle: pushes into its stream entry; ending it (or dropping
// it) unpublishes through the registry, which tells watchers.

#include <cstdint>
#include <memory>

#include "streamgate/bus.hpp"

namespace streamgate::bus {

class StreamEntry;
class StreamRegistry;

class LocalPublisher final : public Publisher {
 public:
  LocalPublisher(std::shared_ptr<StreamRegistry> registry, std::shared_ptr<StreamEntry> entry,
                 std::uint64_t generation);
  ~LocalPublisher() override;

  void push(PacketPtr packet) override;
  void end() override;
  const StreamKey& key() const override;
  std::uint64_t generation() const override { return generation_; }

 private:
  std::shared_ptr<StreamRegistry> registry_;
  std::shared_ptr<StreamEntry> entry_;
  const std::uint64_t generation_;
};

}  // namespace streamgate::bus
