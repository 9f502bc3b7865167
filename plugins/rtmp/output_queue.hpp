#pragma once
// Bytes waiting to be written to one peer, gathered: small bytes (chunk
// headers, control messages, commands) are copied into one growing arena;
// large shared bodies (media chunked once for every player) are referenced,
// never copied. take() hands everything over as one batch whose buffer list
// stays valid while the batch lives, so one gathered write can send it while
// new output queues up behind it.

#include <cstddef>
#include <span>
#include <vector>

#include "streamgate/bytes.hpp"

namespace streamgate::rtmp {

class OutputBatch {
 public:
  OutputBatch() = default;
  OutputBatch(OutputBatch&&) noexcept = default;
  OutputBatch& operator=(OutputBatch&&) noexcept = default;

  /// The bytes in order, for a gathered write (e.g. asio::buffer per span).
  const std::vector<std::span<const std::byte>>& buffers() const noexcept { return buffers_; }
  std::size_t size_bytes() const noexcept { return size_bytes_; }
  bool empty() const noexcept { return size_bytes_ == 0; }
  /// All bytes in one vector (tests, small writes).
  std::vector<std::byte> flatten() const;

 private:
  friend class OutputQueue;
  std::vector<std::byte> arena_;
  std::vector<SharedBytes> shared_;
  std::vector<std::span<const std::byte>> buffers_;
  std::size_t size_bytes_ = 0;
};

class OutputQueue {
 public:
  /// Copies `bytes` into the arena.
  void append(std::span<const std::byte> bytes);
  /// References `bytes` (no copy).
  void append(SharedBytes bytes);
  /// Lets `fill(std::vector<std::byte>&)` append to the arena directly.
  template <class Fill>
  void append_with(Fill&& fill) {
    const std::size_t start = arena_.size();
    fill(arena_);
    add_arena_segment(start, arena_.size() - start);
  }

  bool empty() const noexcept { return size_bytes_ == 0; }
  std::size_t size_bytes() const noexcept { return size_bytes_; }
  std::size_t segments() const noexcept { return segments_.size(); }

  /// Everything queued so far, as one batch; the queue is empty afterwards.
  OutputBatch take();
  /// Gives a written batch's storage back, so steady state allocates nothing.
  /// Storage beyond the kMaxSpare* bounds is freed instead: one large batch (a
  /// late joiner's GOP) must not stay in the memory of every idle player.
  void recycle(OutputBatch&& done);
  /// Bytes kept for reuse (arena and buffer lists).
  std::size_t spare_bytes() const noexcept;

  // What a 200 ms window of media needs (about 15 messages): more is what a
  // late joiner's GOP needed once, and is freed.
  static constexpr std::size_t kMaxSpareArena = 2 * 1024;
  static constexpr std::size_t kMaxSpareBuffers = 64;

 private:
  struct Segment {
    bool shared = false;
    std::size_t index = 0;  // into shared_, or offset into arena_
    std::size_t size = 0;
  };
  void add_arena_segment(std::size_t offset, std::size_t size);

  std::vector<std::byte> arena_;
  std::vector<SharedBytes> shared_;
  std::vector<Segment> segments_;
  std::size_t size_bytes_ = 0;
  std::vector<std::byte> spare_arena_;
  std::vector<std::span<const std::byte>> spare_buffers_;
  std::vector<SharedBytes> spare_shared_;
};

}  // namespace streamgate::rtmp
