#include "output_queue.hpp"

namespace streamgate::rtmp {

std::vector<std::byte> OutputBatch::flatten() const {
  std::vector<std::byte> out;
  out.reserve(size_bytes_);
  for (const auto& buffer : buffers_) out.insert(out.end(), buffer.begin(), buffer.end());
  return out;
}

void OutputQueue::append(std::span<const std::byte> bytes) {
  append_with([&](std::vector<std::byte>& arena) {
    arena.insert(arena.end(), bytes.begin(), bytes.end());
  });
}

void OutputQueue::append(SharedBytes bytes) {
  if (bytes.empty()) return;
  size_bytes_ += bytes.size();
  segments_.push_back(Segment{true, shared_.size(), bytes.size()});
  shared_.push_back(std::move(bytes));
}

void OutputQueue::add_arena_segment(std::size_t offset, std::size_t size) {
  if (size == 0) return;
  size_bytes_ += size;
  // Consecutive small writes become one buffer.
  if (!segments_.empty() && !segments_.back().shared &&
      segments_.back().index + segments_.back().size == offset) {
    segments_.back().size += size;
    return;
  }
  segments_.push_back(Segment{false, offset, size});
}

OutputBatch OutputQueue::take() {
  OutputBatch batch;
  batch.arena_ = std::move(arena_);
  batch.shared_ = std::move(shared_);
  shared_ = std::move(spare_shared_);
  batch.buffers_ = std::move(spare_buffers_);
  batch.buffers_.clear();
  batch.buffers_.reserve(segments_.size());
  // The arena stops growing here, so spans into it stay valid.
  for (const auto& segment : segments_) {
    if (segment.shared)
      batch.buffers_.push_back(batch.shared_[segment.index].span());
    else
      batch.buffers_.emplace_back(batch.arena_.data() + segment.index, segment.size);
  }
  batch.size_bytes_ = size_bytes_;
  arena_ = std::move(spare_arena_);
  arena_.clear();
  shared_.clear();
  segments_.clear();
  if (segments_.capacity() > kMaxSpareBuffers) segments_ = {};
  size_bytes_ = 0;
  return batch;
}

void OutputQueue::recycle(OutputBatch&& done) {
  if (done.arena_.capacity() > spare_arena_.capacity() &&
      done.arena_.capacity() <= kMaxSpareArena)
    spare_arena_ = std::move(done.arena_);
  if (done.buffers_.capacity() > spare_buffers_.capacity() &&
      done.buffers_.capacity() <= kMaxSpareBuffers)
    spare_buffers_ = std::move(done.buffers_);
  done.shared_.clear();  // the bodies go now, whatever happens to the list
  if (done.shared_.capacity() > spare_shared_.capacity() &&
      done.shared_.capacity() <= kMaxSpareBuffers)
    spare_shared_ = std::move(done.shared_);
  done = OutputBatch{};
}

std::size_t OutputQueue::spare_bytes() const noexcept {
  return spare_arena_.capacity() + spare_buffers_.capacity() * sizeof(std::span<const std::byte>) +
         spare_shared_.capacity() * sizeof(SharedBytes);
}

}  // namespace streamgate::rtmp
