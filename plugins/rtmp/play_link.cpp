#include "play_link.hpp"

#include <vector>

namespace streamgate::rtmp {

PlayLink::Pumped PlayLink::pump(ServerProtocol& protocol) {
  // One scratch list per thread rather than per player: a thousand idle
  // players should not each keep a GOP's worth of slots.
  thread_local std::vector<BusItem> items;
  items.clear();
  Pumped pumped;
  pumped.items = subscription_->drain(items);
  for (const BusItem& item : items) {
    switch (item.type) {
      case BusItem::Type::StreamStart:
        // The first start is the one Play.Start already announced.
        if (seen_stream_) protocol.notify_published(stream_id_);
        seen_stream_ = true;
        break;
      case BusItem::Type::Media:
        seen_stream_ = true;
        if (item.after_drop) ++pumped.dropped;
        if (item.packet) protocol.send_media(stream_id_, *item.packet);
        break;
      case BusItem::Type::StreamEnd:
        seen_stream_ = true;
        protocol.notify_unpublished(stream_id_);
        break;
      case BusItem::Type::Invalid:
        break;
    }
  }
  items.clear();
  return pumped;
}

}  // namespace streamgate::rtmp
