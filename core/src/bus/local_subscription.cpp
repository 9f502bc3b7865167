#include "bus/local_subscription.hpp"

#include "bus/stream_registry.hpp"
#include "bus/subscriber.hpp"

namespace streamgate::bus {

LocalSubscription::LocalSubscription(std::shared_ptr<StreamRegistry> registry,
                                     std::shared_ptr<StreamEntry> entry,
                                     std::shared_ptr<Subscriber> subscriber)
    : registry_(std::move(registry)),
      entry_(std::move(entry)),
      subscriber_(std::move(subscriber)) {}

LocalSubscription::~LocalSubscription() {
  // Close first: waits for an on_ready running on the publisher's thread and
  // guarantees none starts after this destructor returns.
  subscriber_->close();
  registry_->unsubscribe(entry_, subscriber_);
}

std::size_t LocalSubscription::drain(std::vector<BusItem>& out) { return subscriber_->drain(out); }

SubscriptionStats LocalSubscription::stats() const { return subscriber_->stats(); }

const StreamKey& LocalSubscription::key() const { return subscriber_->key(); }

}  // namespace streamgate::bus
