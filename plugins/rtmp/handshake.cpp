#include "handshake.hpp"

#include <algorithm>
#include <string>

#include "byte_order.hpp"

namespace streamgate::rtmp {
namespace {

using Result = Parsed<HandshakeKind>;
using Block = std::span<const std::byte, kHandshakeBlockSize>;
using MutableBlock = std::span<std::byte, kHandshakeBlockSize>;

// FMS 4.5.1: ffmpeg verifies S1's digest only when this first byte is >= 3.
constexpr std::array<std::byte, 4> kServerVersion = {std::byte{4}, std::byte{5}, std::byte{0},
                                                     std::byte{1}};
// Flash Player 128.0.7.2, the version rtmpdump announces with a digest C1.
constexpr std::array<std::byte, 4> kClientVersion = {std::byte{0x80}, std::byte{0}, std::byte{7},
                                                     std::byte{2}};

// Appends what fits of `in` to the `have` bytes already in `dst`; returns how many.
std::size_t fill(std::span<std::byte> dst, std::size_t& have, std::span<const std::byte> in) {
  const std::size_t n = std::min(dst.size() - have, in.size());
  std::copy_n(in.begin(), n, dst.begin() + std::ptrdiff_t(have));
  have += n;
  return n;
}

Result need_more(std::size_t consumed) { return Result{ParseStatus::NeedMore, consumed, {}, {}}; }

bool has_version(Block block) {
  return std::any_of(block.begin() + 4, block.begin() + 8,
                     [](std::byte b) { return b != std::byte{0}; });
}

RandomFill or_default(RandomFill random) {
  if (random) return random;
  return [](std::span<std::byte> out) { digest::random_fill(out); };
}

std::string version_error(std::uint8_t version) {
  std::string why = "handshake: unsupported RTMP version " + std::to_string(version);
  if (version == 6 || version == 8) why += " (RTMPE encryption is not supported)";
  return why;
}

}  // namespace

// ---- server ----

ServerHandshake::ServerHandshake(Options options) : options_(std::move(options)) {
  options_.random = or_default(std::move(options_.random));
}

Parsed<HandshakeKind> ServerHandshake::feed(std::span<const std::byte> in,
                                            std::vector<std::byte>& out) {
  std::size_t used = 0;
  if (state_ == State::Failed) return Result::fail("handshake: already failed");
  if (state_ == State::Done) return Result::done(0, kind_);
  if (state_ == State::WaitC0C1) {
    used += fill(c0c1_, c0c1_size_, in);
    // C0 alone already tells a non-RTMP peer apart; fail before buffering more.
    if (c0c1_size_ >= 1 && std::to_integer<std::uint8_t>(c0c1_[0]) != kRtmpVersion) {
      state_ = State::Failed;
      return Result::fail(version_error(std::to_integer<std::uint8_t>(c0c1_[0])));
    }
    if (c0c1_size_ < c0c1_.size()) return need_more(used);
    answer(out);
    state_ = State::WaitC2;
  }
  // C2 is read and not checked: encoders in the wild send C2s that echo
  // neither S1 nor its digest (MediaMTX had to learn this from Streamlabs).
  const std::size_t take = std::min(kHandshakeBlockSize - c2_size_, in.size() - used);
  c2_size_ += take;
  used += take;
  if (c2_size_ < kHandshakeBlockSize) return need_more(used);
  state_ = State::Done;
  return Result::done(used, kind_);
}

void ServerHandshake::answer(std::vector<std::byte>& out) {
  const Block c1{c0c1_.data() + 1, kHandshakeBlockSize};
  std::size_t client_digest_offset = 0;
  kind_ = HandshakeKind::Plain;
  if (options_.allow_digest && has_version(c1)) {
    const auto player_key = digest::player_key().first(digest::kPlayerKeyPublicSize);
    // nginx-rtmp's order: 772 first (FMS and rtmpdump), then 8 (ffmpeg, Flash).
    for (const auto scheme : {digest::Scheme::Offset772, digest::Scheme::Offset8}) {
      if (auto offset = digest::verify_block(c1, scheme, player_key)) {
        kind_ = HandshakeKind::Digest;
        scheme_ = scheme;
        client_digest_offset = *offset;
        break;
      }
    }
  }

  const std::size_t start = out.size();
  out.resize(start + 1 + 2 * kHandshakeBlockSize);
  out[start] = std::byte{kRtmpVersion};
  const MutableBlock s1{out.data() + start + 1, kHandshakeBlockSize};
  const MutableBlock s2{out.data() + start + 1 + kHandshakeBlockSize, kHandshakeBlockSize};

  options_.random(s1.subspan(8));
  store_be(s1.data(), options_.server_time_ms, 4);
  if (kind_ == HandshakeKind::Digest) {
    std::copy(kServerVersion.begin(), kServerVersion.end(), s1.begin() + 4);
    digest::sign_block(s1, scheme_, digest::server_key().first(digest::kServerKeyPublicSize));
    options_.random(s2);
    digest::sign_response(s2, c1.subspan(client_digest_offset, digest::kDigestSize),
                          digest::server_key());
  } else {
    std::fill_n(s1.begin() + 4, 4, std::byte{0});
    // §5.2.4: S2 = C1's time, the time C1 was read, C1's random echoed.
    std::copy(c1.begin(), c1.end(), s2.begin());
    store_be(s2.data() + 4, options_.server_time_ms, 4);
  }
}

// ---- client ----

ClientHandshake::ClientHandshake(Options options) : options_(std::move(options)) {
  options_.random = or_default(std::move(options_.random));
}

std::vector<std::byte> ClientHandshake::start() {
  std::vector<std::byte> out(1 + kHandshakeBlockSize);
  out[0] = std::byte{kRtmpVersion};
  options_.random(c1_);
  store_be(c1_.data(), options_.client_time_ms, 4);
  if (options_.digest) {
    std::copy(kClientVersion.begin(), kClientVersion.end(), c1_.begin() + 4);
    c1_digest_offset_ = digest::sign_block(
        c1_, options_.scheme, digest::player_key().first(digest::kPlayerKeyPublicSize));
  } else {
    std::fill_n(c1_.begin() + 4, 4, std::byte{0});
  }
  std::copy(c1_.begin(), c1_.end(), out.begin() + 1);
  state_ = State::WaitS0S1;
  return out;
}

Parsed<HandshakeKind> ClientHandshake::feed(std::span<const std::byte> in,
                                            std::vector<std::byte>& out) {
  std::size_t used = 0;
  switch (state_) {
    case State::Start:
      return Result::fail("handshake: start() was not called");
    case State::Failed:
      return Result::fail("handshake: already failed");
    case State::Done:
      return Result::done(0, kind_);
    case State::WaitS0S1: {
      used += fill(s0s1_, s0s1_size_, in);
      if (s0s1_size_ >= 1 && std::to_integer<std::uint8_t>(s0s1_[0]) != kRtmpVersion) {
        state_ = State::Failed;
        return Result::fail(version_error(std::to_integer<std::uint8_t>(s0s1_[0])));
      }
      if (s0s1_size_ < s0s1_.size()) return need_more(used);
      auto replied = reply_to_s1(out);
      if (replied.invalid()) {
        state_ = State::Failed;
        return replied;
      }
      state_ = State::WaitS2;
      [[fallthrough]];
    }
    case State::WaitS2: {
      used += fill(s2_, s2_size_, in.subspan(used));
      if (s2_size_ < s2_.size()) return need_more(used);
      auto checked = check_s2();
      if (checked.invalid()) {
        state_ = State::Failed;
        return checked;
      }
      state_ = State::Done;
      return Result::done(used, kind_);
    }
    case State::Invalid:
      break;
  }
  return Result::fail("handshake: bad state");
}

Parsed<HandshakeKind> ClientHandshake::reply_to_s1(std::vector<std::byte>& out) {
  const Block s1{s0s1_.data() + 1, kHandshakeBlockSize};
  const std::size_t start = out.size();
  out.resize(start + kHandshakeBlockSize);
  const MutableBlock c2{out.data() + start, kHandshakeBlockSize};
  // A server without a version in S1 declined the digest handshake (rtmpdump
  // falls back the same way).
  if (options_.digest && has_version(s1)) {
    const auto key = digest::server_key().first(digest::kServerKeyPublicSize);
    std::optional<std::size_t> offset;
    for (const auto scheme : {digest::Scheme::Offset772, digest::Scheme::Offset8})
      if (!offset) offset = digest::verify_block(s1, scheme, key);
    if (!offset) {
      out.resize(start);
      return Result::fail("handshake: S1 digest does not verify");
    }
    kind_ = HandshakeKind::Digest;
    options_.random(c2);
    digest::sign_response(c2, s1.subspan(*offset, digest::kDigestSize), digest::player_key());
  } else {
    kind_ = HandshakeKind::Plain;
    std::copy(s1.begin(), s1.end(), c2.begin());
    store_be(c2.data() + 4, options_.client_time_ms, 4);
  }
  return Result::done(0, kind_);
}

Parsed<HandshakeKind> ClientHandshake::check_s2() {
  if (kind_ != HandshakeKind::Digest) return Result::done(0, kind_);
  const auto own_digest =
      std::span<const std::byte>(c1_).subspan(c1_digest_offset_, digest::kDigestSize);
  if (!digest::verify_response(s2_, own_digest, digest::server_key()))
    return Result::fail("handshake: S2 signature does not verify");
  return Result::done(0, kind_);
}

}  // namespace streamgate::rtmp
