// The RTMP chunk stream reader (RTMP 1.0 §5.3) fed an arbitrary byte stream
// (what follows the handshake).
//
// Invariants: fed whole or cut into socket-sized pieces it hands out the same
// messages and reaches the same verdict; no message is longer than the limit;
// chunk streams stay within their cap; and what the reader holds for
// unfinished messages stays within twice the bytes actually sent (issue 7:
// a peer announcing 16 MiB and sending 1 byte costs 1 byte).

#include <algorithm>
#include <vector>

#include "chunk_reader.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::rtmp;

ChunkReader::Limits limits() {
  ChunkReader::Limits l;
  // Small caps, so the fuzzer reaches them with small inputs.
  l.max_message_bytes = 64 * 1024;
  l.max_chunk_streams = 8;
  l.max_held_bytes = 96 * 1024;
  return l;
}

struct Outcome {
  std::vector<Message> messages;
  bool failed = false;
};

Outcome run(const std::vector<fuzz::Bytes>& pieces) {
  const auto l = limits();
  ChunkReader reader(l);
  Outcome o;
  std::size_t fed = 0;
  for (auto piece : pieces) {
    const std::size_t before = o.messages.size();
    auto r = reader.feed(piece, o.messages);
    fed += piece.size();
    FUZZ_CHECK(reader.chunk_streams() <= l.max_chunk_streams, "chunk streams stay within the cap");
    FUZZ_CHECK(reader.held_bytes() <= l.max_held_bytes, "held bytes stay within the cap");
    FUZZ_CHECK(reader.held_bytes() <= 2 * fed, "held bytes stay within twice what was sent");
    if (r.invalid()) {
      FUZZ_CHECK(!r.error.empty(), "an invalid stream says why");
      FUZZ_CHECK(reader.feed(piece, o.messages).invalid(), "a failed reader stays failed");
      o.failed = true;
      break;
    }
    FUZZ_CHECK(r.consumed == piece.size(), "feed takes all of its input");
    FUZZ_CHECK(r.value == o.messages.size() - before, "the count matches the messages handed out");
  }
  for (const auto& m : o.messages)
    FUZZ_CHECK(m.body.size() <= l.max_message_bytes, "no message beyond the size limit");
  return o;
}

bool same(const Message& a, const Message& b) {
  return a.type == b.type && a.stream_id == b.stream_id && a.timestamp_ms == b.timestamp_ms &&
         a.csid == b.csid && std::ranges::equal(a.body.span(), b.body.span());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_bytes(data, size);
  const Outcome whole = run({input});
  const Outcome split = run(fuzz::split_like_a_socket(input));
  FUZZ_CHECK(whole.failed == split.failed, "the same verdict however the bytes arrive");
  FUZZ_CHECK(whole.messages.size() == split.messages.size(), "the same messages however the bytes arrive");
  for (std::size_t i = 0; i < whole.messages.size(); ++i)
    FUZZ_CHECK(same(whole.messages[i], split.messages[i]), "the same messages however the bytes arrive");
  return 0;
}
