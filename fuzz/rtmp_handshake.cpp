// The server side of the RTMP handshake (RTMP 1.0 §5.2, plus the Flash
// Player 9 digest scheme) fed arbitrary client bytes.
//
// Invariants: fed whole or cut into socket-sized pieces it decides the same
// and answers the same bytes; the answer is S0+S1+S2 (1 + 2 x 1536 bytes,
// version 3); a digest answer carries a valid S1 digest and the S2 response
// signature for the client's digest (what rtmpdump and ffmpeg check); a plain
// answer echoes C1 in S2 (§5.2.4).

#include <algorithm>
#include <vector>

#include "fuzz_support.hpp"
#include "handshake.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::rtmp;

constexpr std::size_t kAnswerSize = 1 + 2 * kHandshakeBlockSize;

ServerHandshake::Options options() {
  ServerHandshake::Options o;
  o.server_time_ms = 0x01020304;
  // Fixed "random" bytes: two runs must be comparable byte for byte.
  o.random = [](std::span<std::byte> out) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::byte(i * 13 + 7);
  };
  return o;
}

struct Outcome {
  ParseStatus status = ParseStatus::Invalid;
  std::size_t consumed = 0;  // handshake bytes, when Ok
  HandshakeKind kind = HandshakeKind::Invalid;
  std::vector<std::byte> out;
};

Outcome run(const std::vector<fuzz::Bytes>& pieces) {
  ServerHandshake handshake(options());
  Outcome o;
  o.status = ParseStatus::NeedMore;
  std::size_t before = 0;
  for (auto piece : pieces) {
    auto r = handshake.feed(piece, o.out);
    o.kind = handshake.kind();  // known once C1 is in, before C2
    if (r.invalid()) {
      FUZZ_CHECK(!r.error.empty(), "an invalid handshake says why");
      o.status = ParseStatus::Invalid;
      return o;
    }
    if (r.ok()) {
      FUZZ_CHECK(r.consumed <= piece.size(), "consumed no more than was fed");
      o.status = ParseStatus::Ok;
      o.consumed = before + r.consumed;
      FUZZ_CHECK(handshake.done() && o.kind == r.value, "done() and kind() agree with Ok");
      return o;
    }
    FUZZ_CHECK(r.consumed == piece.size(), "NeedMore takes every byte");
    before += piece.size();
  }
  return o;
}

void check_answer(fuzz::Bytes input, const Outcome& o) {
  if (o.out.empty()) return;
  FUZZ_CHECK(o.out.size() == kAnswerSize, "the answer is S0+S1+S2");
  FUZZ_CHECK(o.out[0] == std::byte{kRtmpVersion}, "S0 is version 3");
  const std::span<const std::byte, kHandshakeBlockSize> c1{input.data() + 1, kHandshakeBlockSize};
  const std::span<const std::byte, kHandshakeBlockSize> s1{o.out.data() + 1, kHandshakeBlockSize};
  const std::span<const std::byte, kHandshakeBlockSize> s2{o.out.data() + 1 + kHandshakeBlockSize,
                                                           kHandshakeBlockSize};
  if (o.kind != HandshakeKind::Digest) {
    // §5.2.4: S2 echoes C1's time and random bytes (time2 is ours).
    FUZZ_CHECK(std::equal(c1.begin(), c1.begin() + 4, s2.begin()), "S2 echoes C1's time");
    FUZZ_CHECK(std::equal(c1.begin() + 8, c1.end(), s2.begin() + 8), "S2 echoes C1's random bytes");
    return;
  }
  // The client signed C1 under one of the two schemes; S1 is signed under the same one.
  std::optional<std::size_t> client_offset;
  digest::Scheme scheme = digest::Scheme::Invalid;
  for (auto s : {digest::Scheme::Offset772, digest::Scheme::Offset8}) {
    client_offset = digest::verify_block(c1, s, digest::player_key().first(digest::kPlayerKeyPublicSize));
    if (client_offset) {
      scheme = s;
      break;
    }
  }
  FUZZ_CHECK(client_offset.has_value(), "a digest answer only to a signed C1");
  FUZZ_CHECK(digest::verify_block(s1, scheme, digest::server_key().first(digest::kServerKeyPublicSize)),
             "S1 carries a valid server digest");
  FUZZ_CHECK(digest::verify_response(s2, c1.subspan(*client_offset, digest::kDigestSize), digest::server_key()),
             "S2 carries the response signature for C1's digest");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_bytes(data, size);
  const Outcome whole = run({input});
  const Outcome split = run(fuzz::split_like_a_socket(input, 2000));
  FUZZ_CHECK(whole.status == split.status, "the same verdict however the bytes arrive");
  FUZZ_CHECK(whole.out == split.out, "the same answer however the bytes arrive");
  FUZZ_CHECK(whole.consumed == split.consumed && whole.kind == split.kind,
             "the same end of handshake however the bytes arrive");
  if (whole.status == ParseStatus::Ok) FUZZ_CHECK(whole.consumed == kAnswerSize, "C0+C1+C2 is 3073 bytes");
  if (!whole.out.empty()) check_answer(input, whole);
  return 0;
}
