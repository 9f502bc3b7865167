#pragma once
// Drives a ServerProtocol with a ClientProtocol through an in-memory pipe.
// The test body plays the adapter: it reads the server's events and makes
// the decisions (accept, refuse, start_play, send_media).

#include <gtest/gtest.h>

#include <algorithm>
#include <variant>
#include <vector>

#include "client_protocol.hpp"
#include "format/test_bytes.hpp"
#include "server_protocol.hpp"
#include "streamgate/format/amf0.hpp"
#include "streamgate/format/flv.hpp"

namespace streamgate::rtmp::test_support {

template <class T, class Variant>
std::vector<T> of(const std::vector<Variant>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

struct Session {
  ServerProtocol server;
  ClientProtocol client;
  std::vector<ServerEvent> server_events;
  std::vector<ClientEvent> client_events;
  std::size_t feed_step = 0;  // 0: whole batches; n: n bytes at a time into the server
  std::size_t bytes_to_server = 0;

  explicit Session(ServerConfig server_config = {}, ClientConfig client_config = {})
      : server(std::move(server_config)), client(std::move(client_config)) {
    client.start();
  }

  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      if (client.has_output()) {
        const auto bytes = client.take_output().flatten();
        bytes_to_server += bytes.size();
        const std::span<const std::byte> all(bytes);
        const std::size_t step = feed_step == 0 ? bytes.size() : feed_step;
        for (std::size_t at = 0; at < bytes.size(); at += step)
          server.feed(all.subspan(at, std::min(step, bytes.size() - at)));
        moved = true;
      }
      if (server.has_output()) {
        client.feed(server.take_output().flatten());
        moved = true;
      }
      server.take_events(server_events);
      client.take_events(client_events);
    }
  }

  template <class T>
  std::vector<T> server_seen() const {
    return of<T>(server_events);
  }
  template <class T>
  std::vector<T> client_seen() const {
    return of<T>(client_events);
  }
  void forget() {
    server_events.clear();
    client_events.clear();
  }

  /// connect, accepted, then createStream; returns the stream id.
  std::uint32_t connect_and_create(const std::string& app = "live") {
    ConnectOptions options;
    options.app = app;
    options.tc_url = "rtmp://127.0.0.1:1935/" + app;
    client.connect(options);
    pump();
    EXPECT_EQ(server_seen<event::ConnectRequested>().size(), 1u);
    server.accept_connect();
    pump();
    const double transaction = client.create_stream();
    pump();
    for (const auto& r : client_seen<client_event::Result>())
      if (r.transaction_id == transaction) {
        forget();
        return r.stream_id;
      }
    ADD_FAILURE() << "no createStream result";
    return 0;
  }

  /// The codes of onStatus messages the client received, in order.
  std::vector<std::string> status_codes() const {
    std::vector<std::string> out;
    for (const auto& s : client_seen<client_event::StatusReceived>()) out.push_back(s.status.code);
    return out;
  }
};

// ---- FLV tag bodies as encoders send them (FLV 10.1 E.4.2, E.4.3) ----

inline test::Bytes avc_config_body() {
  return test::hex("17 00 000000  01 64 00 1F FF E1 00 04 67 64 00 1F 01 00 04 68 EE 3C 80");
}
inline test::Bytes avc_frame_body(bool key, std::size_t size) {
  test::Bytes out = test::hex(key ? "17 01 000000" : "27 01 000000");
  for (std::size_t i = out.size(); i < size; ++i) out.push_back(std::byte(std::uint8_t(i * 7)));
  return out;
}
inline test::Bytes aac_config_body() { return test::hex("AF 00 12 10"); }
inline test::Bytes aac_frame_body() { return test::hex("AF 01 21 10 04 60 8C 1C"); }
inline test::Bytes metadata_body() {
  const amf0::Value values[] = {amf0::Value::string("onMetaData"),
                                amf0::Value::ecma_array({{"width", amf0::Value::number(1280)}})};
  return amf0::encode_all(values);
}

inline PacketPtr packet(flv::TagType type, const test::Bytes& body, std::int64_t timestamp_ms) {
  auto parsed = flv::packet_from_tag(type, SharedBytes::copy(body), timestamp_ms);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  return parsed.value;
}

}  // namespace streamgate::rtmp::test_support
