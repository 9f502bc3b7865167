// The FLV recorder's file scanner and crash repair (plugins/flvrecord:
// FlvScanner, plan_repair) fed arbitrary bytes as a `.part` file, and a
// recording the recorder's own FlvWriter makes from the input's tags, torn at
// a point the input chooses (a crash mid-write).
//
// Invariants: the scanner reaches the same result fed whole or in pieces (as
// it reads a large file); repair keeps a prefix of the file and, applied,
// leaves a file that scans clean with the same tags and duration (repair is
// idempotent); a torn recording of ours is always usable and gets its
// metadata rewritten.

#include <algorithm>
#include <vector>

#include "flv_scanner.hpp"
#include "flv_writer.hpp"
#include "fuzz_support.hpp"
#include "repair.hpp"
#include "streamgate/format/flv.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::flvrecord;

struct MemorySink : ByteSink {
  std::vector<std::byte> bytes;
  bool append(std::span<const std::span<const std::byte>> parts) override {
    for (auto part : parts) bytes.insert(bytes.end(), part.begin(), part.end());
    return true;
  }
};

void check_scan_in_pieces(fuzz::Bytes file) {
  FlvScanner whole;
  whole.feed(file);
  FlvScanner pieces;
  std::vector<std::byte> pending;  // bytes fed but not used yet, fed again with the next piece
  for (auto piece : fuzz::split_like_a_socket(file, 700)) {
    pending.insert(pending.end(), piece.begin(), piece.end());
    const std::size_t used = pieces.feed(pending);
    FUZZ_CHECK(used <= pending.size(), "the scanner uses no more than it is given");
    pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(used));
  }
  FUZZ_CHECK(whole.stopped() == pieces.stopped() && whole.problem() == pieces.problem(),
             "the same verdict however the file is read");
  FUZZ_CHECK(whole.valid_size() == pieces.valid_size() && whole.tags() == pieces.tags(),
             "the same valid prefix however the file is read");
  FUZZ_CHECK(whole.indexer().end_ms() == pieces.indexer().end_ms(), "the same duration however the file is read");
  FUZZ_CHECK(whole.indexer().index().entries() == pieces.indexer().index().entries(),
             "the same keyframe index however the file is read");
  FUZZ_CHECK(whole.valid_size() <= file.size(), "the valid prefix lies inside the file");
}

// Applies `plan` to `file`, then checks that repairing the result changes nothing.
void check_repair(fuzz::Bytes file, bool ours) {
  const RepairPlan plan = plan_repair(file);
  if (ours) FUZZ_CHECK(plan.usable, "a torn recording of ours past its header is usable");
  if (!plan.usable) {
    FUZZ_CHECK(!plan.problem.empty(), "an unusable file says why");
    return;
  }
  FUZZ_CHECK(plan.truncate_to >= flv::kFileHeaderSize + 4 && plan.truncate_to <= file.size(),
             "repair keeps the header and no more than the file");
  std::vector<std::byte> fixed(file.begin(), file.begin() + std::ptrdiff_t(plan.truncate_to));
  if (plan.rewrite) {
    const auto& r = *plan.rewrite;
    FUZZ_CHECK(r.offset + r.bytes.size() <= fixed.size(), "the rewrite lies inside the kept bytes");
    std::copy(r.bytes.begin(), r.bytes.end(), fixed.begin() + std::ptrdiff_t(r.offset));
  }
  const RepairPlan again = plan_repair(fixed);
  FUZZ_CHECK(again.usable && again.problem.empty(), "a repaired file scans clean");
  FUZZ_CHECK(again.truncate_to == fixed.size(), "a repaired file is kept whole");
  FUZZ_CHECK(again.tags == plan.tags && again.duration_ms == plan.duration_ms,
             "repair keeps the tags and the duration");
  FUZZ_CHECK(again.rewrite.has_value() == plan.rewrite.has_value(), "repair keeps the metadata layout");
  if (again.rewrite)
    FUZZ_CHECK(std::ranges::equal(again.rewrite->bytes, plan.rewrite->bytes), "a second repair rewrites the same");
}

// The input's tags, through the recorder's writer, into an in-memory file.
std::vector<std::byte> record(fuzz::Bytes input, std::size_t& metadata_end) {
  MemorySink sink;
  FlvWriterOptions options;
  options.index = {4, 1000};  // a small index, so thinning happens
  FlvWriter writer(sink, options);
  auto header = flv::parse_file_header(input);
  if (!header.ok()) return {};
  input = input.subspan(header.consumed);
  while (!input.empty()) {
    auto tag = flv::read_tag(input, 1 << 20);
    if (!tag.ok()) break;
    auto packet = flv::packet_from_tag(tag.value.type, SharedBytes::copy(tag.value.body), tag.value.timestamp_ms);
    if (packet.ok() && packet.value) writer.write(*packet.value, tag.value.timestamp_ms);
    input = input.subspan(tag.consumed);
  }
  if (!writer.started()) return {};
  FUZZ_CHECK(!writer.failed(), "a memory sink never fails");
  auto rewrite = writer.finish();
  FUZZ_CHECK(rewrite.has_value(), "a started recording always closes with a metadata rewrite");
  FUZZ_CHECK(rewrite->offset + rewrite->bytes.size() <= sink.bytes.size(), "the rewrite lies inside the file");
  metadata_end = rewrite->offset + rewrite->bytes.size() + 4;
  std::copy(rewrite->bytes.begin(), rewrite->bytes.end(), sink.bytes.begin() + std::ptrdiff_t(rewrite->offset));
  FUZZ_CHECK(sink.bytes.size() == writer.size(), "the writer counts what it wrote");
  return sink.bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::as_bytes(data, size);
  check_scan_in_pieces(input);
  check_repair(input, false);

  std::size_t metadata_end = 0;
  const auto recording = record(input, metadata_end);
  if (recording.empty()) return 0;
  const RepairPlan closed = plan_repair(recording);
  FUZZ_CHECK(closed.usable && closed.problem.empty() && closed.truncate_to == recording.size(),
             "a closed recording needs no repair");
  FUZZ_CHECK(closed.rewrite.has_value(), "the scanner recognises the recorder's metadata");
  // A crash tears the file anywhere after the metadata (written first).
  const std::size_t cut = metadata_end + (size * 7919) % (recording.size() - metadata_end + 1);
  check_scan_in_pieces(std::span(recording).first(cut));
  check_repair(std::span(recording).first(cut), true);
  return 0;
}
