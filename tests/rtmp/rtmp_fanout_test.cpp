// Fan-out through the real gateway with two worker threads: the players of
// one stream sit on both workers, the publisher on one of them, and each
// worker's Feed hands the stream to its players. Every player must get every
// frame exactly once, in order, from a keyframe on: the players waiting
// before the publisher, and the ones joining mid-stream, which play from a
// subscription of their own first and switch to the feed (no gap and no
// duplicate at the switch). Also with a write-coalescing window, across a
// republish, and with one player whose socket stays full (it alone falls
// behind, and resumes at a keyframe).

#include <atomic>
#include <thread>

#include "gateway_fixture.hpp"
#include "status.hpp"
#include "synthetic_publisher.hpp"

namespace streamgate::rtmp::test {
namespace {

constexpr int kGop = 30;  // a keyframe a second at 30 fps

// Each frame carries its number, so a player can tell a gap from a duplicate.
// Video: the number goes after the NAL type byte (offset 10); audio after the
// AAC packet type (offset 2). FLV 10.1 E.4.2.1, E.4.3.1.
TagBody video_frame(std::uint32_t number, std::size_t size = 2000) {
  TagBody body = avc_frame(number % kGop == 0, size);
  for (int i = 0; i < 4; ++i) body[10 + i] = std::byte((number >> (24 - 8 * i)) & 0xFF);
  return body;
}
TagBody audio_frame(std::uint32_t number) {
  TagBody body = aac_frame();
  for (int i = 0; i < 4; ++i) body[2 + i] = std::byte((number >> (24 - 8 * i)) & 0xFF);
  return body;
}
std::uint32_t number_at(const Message& m, std::size_t offset) {
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < 4; ++i) n = (n << 8) | std::to_integer<std::uint32_t>(m.body[offset + i]);
  return n;
}
bool is_config(const Message& m) { return m.body.size() > 1 && m.body[1] == std::byte{0}; }

// What one player received, in frame numbers.
struct Numbers {
  std::vector<std::uint32_t> video;
  std::vector<std::uint32_t> audio;
  bool first_video_is_key = false;
};
Numbers numbers_of(const RtmpTestClient& client) {
  Numbers out;
  for (const auto* m : client.media()) {
    if (is_config(*m)) continue;
    if (m->type == MessageType::Video) {
      if (out.video.empty()) out.first_video_is_key = (std::to_integer<int>(m->body[0]) >> 4) == 1;
      out.video.push_back(number_at(*m, 10));
    } else if (m->type == MessageType::Audio) {
      out.audio.push_back(number_at(*m, 2));
    }
  }
  return out;
}

// Gaps and repeats in a run of frame numbers.
std::string continuity(const std::vector<std::uint32_t>& numbers) {
  for (std::size_t i = 1; i < numbers.size(); ++i)
    if (numbers[i] != numbers[i - 1] + 1)
      return "frame " + std::to_string(numbers[i - 1]) + " followed by " + std::to_string(numbers[i]);
  return "";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A player on a thread of its own: joins `join_after` after the start, plays,
// and reads until it has video frame `last` (or the time is up).
class Player {
 public:
  /// `stall`: a player that stops reading right after play, until `paused`
  /// is cleared, and whose socket fills fast (RtmpTestClient's small receive
  /// buffer and segment size; once data flowed, Linux would let the socket
  /// buffer megabytes).
  Player(std::uint16_t port, std::string name, std::chrono::milliseconds join_after,
         std::uint32_t last, bool stall = false)
      : paused(stall), thread_([=, this] { run(port, name, join_after, last, stall); }) {}
  ~Player() { join(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  /// After join(): what it got.
  const RtmpTestClient& client() const { return *client_; }
  std::uint32_t stream_id() const { return stream_id_; }
  const std::string& failure() const { return failure_; }
  std::atomic<bool> paused;  // not reading (a full socket)

 private:
  void run(std::uint16_t port, const std::string& name, std::chrono::milliseconds join_after,
           std::uint32_t last, bool stall) {
    std::this_thread::sleep_for(join_after);
    client_ = stall ? std::make_unique<RtmpTestClient>(port, ClientConfig{}, 4096, 536)
                    : std::make_unique<RtmpTestClient>(port);
    if (client_->connect("live") != status::kConnectSuccess) return fail("connect failed");
    stream_id_ = client_->create_stream();
    if (client_->play(stream_id_, name) != status::kPlayReset) return fail("play failed");
    std::size_t seen = 0;
    bool done = false;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!done && std::chrono::steady_clock::now() < deadline && !client_->closed_by_peer()) {
      if (paused) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      client_->wait_until(
          [&] {
            const auto media = client_->media();
            for (; seen < media.size(); ++seen)
              if (media[seen]->type == MessageType::Video && !is_config(*media[seen]) &&
                  number_at(*media[seen], 10) == last)
                done = true;
            return done || paused;
          },
          100ms);
    }
    if (!done) fail("video frame " + std::to_string(last) + " never arrived");
  }
  void fail(const std::string& why) { failure_ = why; }

  std::unique_ptr<RtmpTestClient> client_;
  std::uint32_t stream_id_ = 0;
  std::string failure_;
  std::thread thread_;
};

class RtmpFanout : public RtmpGatewayTest {
 protected:
  // Frames `first`..`last` at 30 fps, each video frame with an audio frame.
  static void send_frames(SyntheticPublisher& publisher, std::uint32_t first, std::uint32_t last,
                          std::int64_t base_ms = 0) {
    auto next = std::chrono::steady_clock::now();
    for (std::uint32_t n = first; n <= last; ++n) {
      std::this_thread::sleep_until(next);
      next += std::chrono::microseconds(33'333);
      const std::int64_t at = base_ms + std::int64_t(n - first) * 33;
      publisher.send(MessageType::Video, at, video_frame(n));
      publisher.send(MessageType::Audio, at, audio_frame(n));
    }
  }

  // 12 players waiting before the publisher, 12 joining mid-stream (in the
  // middle of a GOP too): all of them must get every frame from a keyframe on.
  void every_player_gets_every_frame(const std::string& settings) {
    start_gateway(settings, 2);
    constexpr std::uint32_t kLast = 3 * kGop - 1;
    std::vector<std::unique_ptr<Player>> players;
    for (int i = 0; i < 12; ++i)
      players.push_back(std::make_unique<Player>(gateway().rtmp_port(), "fan", 0ms, kLast));
    std::this_thread::sleep_for(500ms);  // they are waiting
    {
      SyntheticPublisher publisher(gateway().rtmp_port(), "fan");
      publisher.configs();
      for (int i = 0; i < 12; ++i)  // from 0.3 s to 2.5 s into the stream
        players.push_back(std::make_unique<Player>(gateway().rtmp_port(), "fan",
                                                   std::chrono::milliseconds(300 + 200 * i), kLast));
      send_frames(publisher, 0, kLast);
      for (auto& player : players) player->join();
    }
    // Each player left its own subscription for its worker's shared one.
    EXPECT_EQ(count(gateway().log(), "play joined its worker's shared feed"), players.size());
    for (std::size_t i = 0; i < players.size(); ++i) {
      SCOPED_TRACE("player " + std::to_string(i) + (i < 12 ? " (waiting)" : " (joined mid-stream)"));
      const auto& player = *players[i];
      ASSERT_EQ(player.failure(), "");
      const auto got = numbers_of(player.client());
      ASSERT_FALSE(got.video.empty());
      EXPECT_TRUE(got.first_video_is_key) << "starts at a keyframe (the cached GOP)";
      if (i < 12) {
        EXPECT_EQ(got.video.front(), 0u) << "a waiting player gets the stream from its start";
      }
      EXPECT_EQ(got.video.back(), kLast);
      EXPECT_EQ(continuity(got.video), "") << "every video frame once, in order";
      ASSERT_FALSE(got.audio.empty());
      EXPECT_EQ(continuity(got.audio), "") << "every audio frame once, in order";
    }
  }
};

TEST_F(RtmpFanout, EveryPlayerOnBothWorkersGetsEveryFrameOnceInOrder) {
  every_player_gets_every_frame("");
}

TEST_F(RtmpFanout, EveryPlayerGetsEveryFrameWithAWriteCoalescingWindow) {
  every_player_gets_every_frame("<write-coalesce>200ms</write-coalesce>\n");
}

TEST_F(RtmpFanout, WithoutHoldingAudioEveryPlayerGetsEveryFrameToo) {
  every_player_gets_every_frame("<hold-audio-for-video>false</hold-audio-for-video>\n");
}

TEST_F(RtmpFanout, ARepublishReachesEveryFedPlayer) {
  start_gateway("", 2);
  constexpr std::uint32_t kSecond = 1000;  // the second publisher's frames are numbered from here
  std::vector<std::unique_ptr<Player>> players;
  {
    SyntheticPublisher first(gateway().rtmp_port(), "re");
    first.configs();
    for (int i = 0; i < 8; ++i)
      players.push_back(std::make_unique<Player>(gateway().rtmp_port(), "re",
                                                 std::chrono::milliseconds(50 * i), kSecond + kGop));
    send_frames(first, 0, kGop + 10);
  }  // the publisher leaves
  std::this_thread::sleep_for(300ms);
  {
    SyntheticPublisher second(gateway().rtmp_port(), "re");
    second.configs(5000);
    send_frames(second, kSecond, kSecond + kGop, 5000);
    for (auto& player : players) player->join();
  }
  for (std::size_t i = 0; i < players.size(); ++i) {
    SCOPED_TRACE("player " + std::to_string(i));
    const auto& player = *players[i];
    ASSERT_EQ(player.failure(), "");
    EXPECT_EQ(player.client().status_codes(player.stream_id()),
              (std::vector<std::string>{std::string(status::kPlayReset),
                                        std::string(status::kPlayStart),
                                        std::string(status::kPlayUnpublishNotify),
                                        std::string(status::kPlayPublishNotify)}));
    EXPECT_EQ(player.client().count_user_control(kStreamEof), 1u);
    const auto got = numbers_of(player.client());
    // The first publisher's frames, then the second's from its first keyframe.
    const auto split = std::find(got.video.begin(), got.video.end(), kSecond);
    ASSERT_NE(split, got.video.end());
    EXPECT_EQ(*std::prev(split), kGop + 10u);
    EXPECT_EQ(continuity({got.video.begin(), split}), "");
    EXPECT_EQ(continuity({split, got.video.end()}), "");
  }
}

TEST_F(RtmpFanout, APlayerWhoseSocketStaysFullFallsBehindAloneAndResumesAtAKeyframe) {
  // A 64 KiB queue bound (the smallest): the stalled player's backlog passes
  // it within the stall, its socket long full.
  start_gateway("<player-queue-size>64k</player-queue-size>\n", 2);
  constexpr std::uint32_t kLast = 5 * kGop - 1;
  std::vector<std::unique_ptr<Player>> players;
  for (int i = 0; i < 6; ++i)
    players.push_back(std::make_unique<Player>(gateway().rtmp_port(), "slow", 0ms, kLast));
  Player stalled(gateway().rtmp_port(), "slow", 0ms, kLast, true);
  std::this_thread::sleep_for(500ms);  // all waiting for the stream
  SyntheticPublisher publisher(gateway().rtmp_port(), "slow");
  publisher.configs();
  // 8 KB frames (2 Mbit/s); the stalled player reads nothing for 3 s.
  auto next = std::chrono::steady_clock::now();
  for (std::uint32_t n = 0; n <= kLast; ++n) {
    std::this_thread::sleep_until(next);
    next += std::chrono::microseconds(33'333);
    if (n == 3 * kGop) stalled.paused = false;
    publisher.send(MessageType::Video, std::int64_t(n) * 33, video_frame(n, 8000));
    publisher.send(MessageType::Audio, std::int64_t(n) * 33, audio_frame(n));
  }
  stalled.join();
  for (auto& player : players) player->join();
  for (std::size_t i = 0; i < players.size(); ++i) {
    SCOPED_TRACE("player " + std::to_string(i));
    ASSERT_EQ(players[i]->failure(), "");
    EXPECT_EQ(continuity(numbers_of(players[i]->client()).video), "") << "the others lose nothing";
  }
  ASSERT_EQ(stalled.failure(), "");
  const auto got = numbers_of(stalled.client());
  const std::string gap = continuity(got.video);
  EXPECT_NE(gap, "") << "the stalled player's queue dropped media";
  // After every gap: a keyframe (a decoder can go on), never an inter frame.
  for (std::size_t i = 1; i < got.video.size(); ++i)
    if (got.video[i] != got.video[i - 1] + 1) {
      EXPECT_EQ(got.video[i] % kGop, 0u) << "resumed at frame " << got.video[i];
    }
  EXPECT_EQ(got.video.back(), kLast);
}

}  // namespace
}  // namespace streamgate::rtmp::test
