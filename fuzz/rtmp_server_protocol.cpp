// The whole server side of an RTMP connection (ServerProtocol::feed:
// handshake, chunks, commands, media) fed an arbitrary client byte stream
// in socket-sized pieces, with this file playing the adapter: it accepts
// every connect, publish and play (refusing names that start with
// "refused"), turns published media into bus packets with the plugin's
// Ingest (as its Session does) and sends them back to the connection's
// players.
//
// Invariants: everything the server writes is S0+S1+S2 followed by a chunk
// stream our own reader accepts (so a real client could read it); after a
// Closed event nothing more is raised; a refused stream gets no media; a
// published track's DTS never steps back by less than Ingest's clamp bound.

#include <algorithm>
#include <set>
#include <string_view>
#include <variant>
#include <vector>

#include <map>

#include "chunk_reader.hpp"
#include "fuzz_support.hpp"
#include "ingest.hpp"
#include "server_protocol.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::rtmp;

constexpr std::size_t kAnswerSize = 1 + 2 * kHandshakeBlockSize;

bool refused(std::string_view name) { return name.starts_with("refused"); }

class Adapter {
 public:
  Adapter() : server_(config()) {}

  void feed(fuzz::Bytes piece) {
    server_.feed(piece);
    drain();
  }

  void finish() {
    // What a client reading our output would see.
    while (server_.has_output()) {
      auto batch = server_.take_output();
      const auto bytes = batch.flatten();
      FUZZ_CHECK(bytes.size() == batch.size_bytes(), "a batch flattens to its size");
      read_output(bytes);
      server_.recycle(std::move(batch));
    }
  }

 private:
  static ServerConfig config() {
    ServerConfig c;
    c.handshake.random = [](std::span<std::byte> out) { std::fill(out.begin(), out.end(), std::byte{0x5A}); };
    c.max_pending_media_bytes = 64 * 1024;
    return c;
  }

  void drain() {
    for (int round = 0; round < 8; ++round) {
      std::vector<ServerEvent> events;
      server_.take_events(events);
      if (events.empty()) break;
      for (std::size_t i = 0; i < events.size(); ++i) handle(events, i);
    }
    finish();
  }

  // A request the client took back later in the same batch (closeStream,
  // deleteStream, FCUnpublish) gets no answer: accept_publish / start_play /
  // refuse_* name only the stream id, which may already carry a newer
  // request that the answer would then decide.
  static bool withdrawn(const std::vector<ServerEvent>& events, std::size_t i, std::uint32_t id) {
    for (std::size_t j = i + 1; j < events.size(); ++j) {
      if (auto* e = std::get_if<event::PublishEnded>(&events[j]); e && e->stream_id == id) return true;
      if (auto* e = std::get_if<event::PlayEnded>(&events[j]); e && e->stream_id == id) return true;
    }
    return false;
  }

  void handle(std::vector<ServerEvent>& events, std::size_t i) {
    ServerEvent& e = events[i];
    FUZZ_CHECK(!closed_seen_, "no event after Closed");
    if (auto* c = std::get_if<event::ConnectRequested>(&e)) {
      if (refused(c->request.app)) return server_.reject_connect("refused by the fuzz adapter");
      return server_.accept_connect();
    }
    if (auto* p = std::get_if<event::PublishRequested>(&e)) {
      if (withdrawn(events, i, p->stream_id)) return;
      if (refused(p->request.name))
        return server_.refuse_publish(p->stream_id, "NetStream.Publish.BadName", "refused");
      const bool accepted = server_.accept_publish(p->stream_id);
      FUZZ_CHECK(accepted || server_.closed(), "a pending publish can be accepted");
      if (accepted) publishing_.try_emplace(p->stream_id);
      return;
    }
    if (auto* p = std::get_if<event::PlayRequested>(&e)) {
      if (withdrawn(events, i, p->stream_id)) return;
      if (refused(p->request.name)) {
        refused_players_.insert(p->stream_id);
        return server_.refuse_play(p->stream_id, "NetStream.Play.StreamNotFound", "refused");
      }
      const bool started = server_.start_play(p->stream_id);
      FUZZ_CHECK(started || server_.closed(), "a pending play can be started");
      if (started) {
        refused_players_.erase(p->stream_id);
        players_.insert(p->stream_id);
      }
      return;
    }
    if (auto* m = std::get_if<event::MediaReceived>(&e)) {
      auto publisher = publishing_.find(m->stream_id);
      FUZZ_CHECK(publisher != publishing_.end(), "media only from an accepted publisher");
      return relay(publisher->second, m->message);
    }
    if (auto* p = std::get_if<event::PublishEnded>(&e)) {
      publishing_.erase(p->stream_id);
      for (auto id : players_) server_.notify_unpublished(id);
      return;
    }
    if (auto* p = std::get_if<event::PlayEnded>(&e)) {
      players_.erase(p->stream_id);
      return;
    }
    if (auto* c = std::get_if<event::Closed>(&e)) {
      FUZZ_CHECK(server_.closed(), "Closed event while the protocol is closed");
      FUZZ_CHECK(!c->error || !c->reason.empty(), "a protocol error says why");
      closed_seen_ = true;
    }
  }

  struct Publisher {
    Ingest ingest;
    std::map<TrackKind, MediaTime> last_dts;  // of frames, per track
  };

  void relay(Publisher& publisher, const Message& message) {
    auto result = publisher.ingest.convert(message);
    if (!result.packet) return;
    const MediaPacket& p = *result.packet;
    if (!p.config && p.kind != TrackKind::Data) {
      // ingest.hpp: steps back up to kMaxClampedStep are clamped; larger ones are a new timeline.
      auto last = publisher.last_dts.find(p.kind);
      if (last != publisher.last_dts.end())
        FUZZ_CHECK(p.dts >= last->second || last->second - p.dts > Ingest::kMaxClampedStep,
                   "a track's DTS never steps back a little");
      publisher.last_dts[p.kind] = p.dts;
    }
    for (auto id : players_) server_.send_media(id, p);
    for (auto id : refused_players_) FUZZ_CHECK(!server_.send_media(id, p), "no media to a refused player");
  }

  void read_output(const std::vector<std::byte>& bytes) {
    std::span<const std::byte> rest(bytes);
    if (handshake_seen_ < kAnswerSize) {
      const std::size_t n = std::min(rest.size(), kAnswerSize - handshake_seen_);
      if (handshake_seen_ == 0 && n > 0) FUZZ_CHECK(rest[0] == std::byte{kRtmpVersion}, "S0 is version 3");
      handshake_seen_ += n;
      rest = rest.subspan(n);
    }
    if (rest.empty()) return;
    FUZZ_CHECK(handshake_seen_ == kAnswerSize, "chunks only after the whole handshake answer");
    std::vector<Message> messages;
    auto r = client_.feed(rest, messages);
    FUZZ_CHECK(r.ok(), "the server writes a chunk stream a client can read");
  }

  ServerProtocol server_;
  ChunkReader client_;
  std::size_t handshake_seen_ = 0;
  std::map<std::uint32_t, Publisher> publishing_;
  std::set<std::uint32_t> players_;
  std::set<std::uint32_t> refused_players_;
  bool closed_seen_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Adapter adapter;
  for (auto piece : fuzz::split_like_a_socket(fuzz::as_bytes(data, size), 1500)) adapter.feed(piece);
  adapter.finish();
  return 0;
}
