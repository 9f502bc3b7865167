#include "bus/local_publisher.hpp"

#include "bus/stream_entry.hpp"
#include "bus/stream_registry.hpp"

namespace streamgate::bus {

LocalPublisher::LocalPublisher(std::shared_ptr<StreamRegistry> registry,
                               std::shared_ptr<StreamEntry> entry, std::uint64_t generation)
    : registry_(std::move(registry)), entry_(std::move(entry)), generation_(generation) {}

LocalPublisher::~LocalPublisher() { end(); }

// The entry ignores packets once this generation has ended (or the bus was cleared).
void LocalPublisher::push(PacketPtr packet) { entry_->push(packet, generation_); }

void LocalPublisher::end() { registry_->end(entry_, generation_); }

const StreamKey& LocalPublisher::key() const { return entry_->key(); }

}  // namespace streamgate::bus
