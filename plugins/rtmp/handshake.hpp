#pragma once
// The RTMP handshake (RTMP 1.0 §5.2), both sides, bytes in and bytes out.
//
//   client -> C0 (1 byte, version 3) C1 (1536)     server -> S0 S1 S2
//   client -> C2 (1536)
// C1/S1 = time(4) zero-or-version(4) random(1528); C2/S2 echo the peer's
// block. On top of this sits the Flash Player 9 digest scheme
// (handshake_digest.hpp): a client that puts a version in C1[4..7] and a valid
// digest in C1 expects S1 to carry a server digest and S2 a response
// signature; rtmpdump and ffmpeg's player verify both.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "handshake_digest.hpp"
#include "streamgate/format/parse.hpp"

namespace streamgate::rtmp {

constexpr std::uint8_t kRtmpVersion = 3;
constexpr std::size_t kHandshakeBlockSize = digest::kBlockSize;

enum class HandshakeKind : std::uint8_t { Invalid = 0, Plain, Digest };

using RandomFill = std::function<void(std::span<std::byte>)>;

/// The server side. feed() returns:
///  - NeedMore: every byte was taken (buffered); feed more;
///  - Ok: done; `consumed` bytes were handshake, the rest is chunk stream;
///    the value says which handshake was made;
///  - Invalid: the peer is not speaking RTMP (error says why).
/// S0+S1+S2 are appended to `out` as soon as C0+C1 are complete.
class ServerHandshake {
 public:
  struct Options {
    bool allow_digest = true;          ///< answer digest clients with a digest handshake
    std::uint32_t server_time_ms = 0;  ///< S1 time field
    RandomFill random;                 ///< default: OpenSSL RAND_bytes
  };

  ServerHandshake() : ServerHandshake(Options{}) {}
  explicit ServerHandshake(Options options);

  Parsed<HandshakeKind> feed(std::span<const std::byte> in, std::vector<std::byte>& out);

  bool done() const noexcept { return state_ == State::Done; }
  HandshakeKind kind() const noexcept { return kind_; }
  /// Which digest position the client used (Invalid for a plain handshake).
  digest::Scheme scheme() const noexcept { return scheme_; }

 private:
  enum class State : std::uint8_t { Invalid = 0, WaitC0C1, WaitC2, Done, Failed };

  void answer(std::vector<std::byte>& out);

  Options options_;
  State state_ = State::WaitC0C1;
  HandshakeKind kind_ = HandshakeKind::Invalid;
  digest::Scheme scheme_ = digest::Scheme::Invalid;
  std::array<std::byte, 1 + kHandshakeBlockSize> c0c1_{};
  std::size_t c0c1_size_ = 0;
  std::size_t c2_size_ = 0;
};

/// The client side, for tests and the load tool. start() gives C0+C1; feed()
/// takes S0+S1+S2 (same result rules as the server) and appends C2 to `out`
/// once S1 is complete. With a digest C1, S1's digest and S2's signature are
/// verified when the server answered with a version (as rtmpdump does).
class ClientHandshake {
 public:
  struct Options {
    bool digest = true;
    digest::Scheme scheme = digest::Scheme::Offset8;  ///< ffmpeg: 8; rtmpdump: 772
    std::uint32_t client_time_ms = 0;
    RandomFill random;
  };

  ClientHandshake() : ClientHandshake(Options{}) {}
  explicit ClientHandshake(Options options);

  std::vector<std::byte> start();
  Parsed<HandshakeKind> feed(std::span<const std::byte> in, std::vector<std::byte>& out);

  bool done() const noexcept { return state_ == State::Done; }

 private:
  enum class State : std::uint8_t { Invalid = 0, Start, WaitS0S1, WaitS2, Done, Failed };

  Parsed<HandshakeKind> reply_to_s1(std::vector<std::byte>& out);
  Parsed<HandshakeKind> check_s2();

  Options options_;
  State state_ = State::Start;
  HandshakeKind kind_ = HandshakeKind::Invalid;
  std::array<std::byte, kHandshakeBlockSize> c1_{};
  std::size_t c1_digest_offset_ = 0;
  std::array<std::byte, 1 + kHandshakeBlockSize> s0s1_{};
  std::size_t s0s1_size_ = 0;
  std::array<std::byte, kHandshakeBlockSize> s2_{};
  std::size_t s2_size_ = 0;
};

}  // namespace streamgate::rtmp
