#pragma once
// An independent reader of transport streams for tests: it shares no code
// with the muxer, parses ISO/IEC 13818-1 from scratch, and reports what a
// stream analyser (TR 101 290 first/second priority) would: sync, continuity
// counters, PAT/PMT presence and CRC, PAT/PMT spacing, PCR gaps, and the PES
// packets with their timestamps.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace streamgate::mpegts::test {

// CRC-32/MPEG-2 by the shift-register model of ISO/IEC 13818-1 Annex A, bit
// by bit (no tables, no library): the reference the muxer is checked against.
std::uint32_t reference_crc32(std::span<const std::byte> bytes);

struct ScannedPes {
  std::uint16_t pid = 0;
  std::size_t first_packet = 0;  // index of the packet that opened it
  std::uint8_t stream_id = 0;
  std::optional<std::uint64_t> pts;  // 90 kHz, as written (33 bits)
  std::optional<std::uint64_t> dts;
  bool random_access = false;         // random_access_indicator on its first packet
  std::uint16_t declared_length = 0;  // PES_packet_length
  std::vector<std::byte> payload;     // elementary stream bytes
};

struct ScannedPmt {
  std::uint16_t pcr_pid = 0;
  std::uint8_t version = 0;
  std::map<std::uint16_t, std::uint8_t> stream_types;  // elementary PID -> stream_type
};

struct TsScan {
  std::size_t packets = 0;
  std::vector<std::string> errors;  // every violation found, with its packet index
  std::map<std::uint16_t, std::size_t> packets_per_pid;
  std::optional<std::uint16_t> pmt_pid;
  std::optional<ScannedPmt> pmt;  // the last one seen
  std::size_t pat_count = 0;
  std::size_t pmt_count = 0;
  std::size_t pcr_count = 0;
  std::size_t pcr_discontinuities = 0;
  std::size_t pcr_only_packets = 0;
  // Longest step between consecutive PCRs (27 MHz ticks), discontinuities excluded.
  std::uint64_t max_pcr_gap = 0;
  // Longest PCR-time between consecutive PATs (27 MHz ticks), measured with
  // the latest PCR when each PAT arrives.
  std::uint64_t max_pat_gap = 0;
  std::vector<ScannedPes> pes;
  // PCR values (27 MHz, unwrapped) with the index of their packet.
  std::vector<std::pair<std::size_t, std::uint64_t>> pcrs;

  std::vector<const ScannedPes*> pes_on(std::uint16_t pid) const;
};

// Scans `bytes` (a whole number of 188-byte packets, else an error is listed).
TsScan scan_ts(std::span<const std::byte> bytes);

// Milliseconds from 27 MHz ticks / from 90 kHz ticks.
inline double ms_27mhz(std::uint64_t ticks) { return static_cast<double>(ticks) / 27000.0; }
inline double ms_90khz(std::uint64_t ticks) { return static_cast<double>(ticks) / 90.0; }

}  // namespace streamgate::mpegts::test
