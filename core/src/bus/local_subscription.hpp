#pragma once
// The Subscription handle: drains its subscriber's queue; destroying it stops
// on_ready and detaches from the stream.

#include <memory>

#include "streamgate/bus.hpp"

namespace streamgate::bus {

class StreamEntry;
class StreamRegistry;
class Subscriber;

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(std::shared_ptr<StreamRegistry> registry, std::shared_ptr<StreamEntry> entry,
                    std::shared_ptr<Subscriber> subscriber);
  ~LocalSubscription() override;

  std::size_t drain(std::vector<BusItem>& out) override;
  SubscriptionStats stats() const override;
  const StreamKey& key() const override;

 private:
  std::shared_ptr<StreamRegistry> registry_;
  std::shared_ptr<StreamEntry> entry_;
  std::shared_ptr<Subscriber> subscriber_;
};

}  // namespace streamgate::bus
