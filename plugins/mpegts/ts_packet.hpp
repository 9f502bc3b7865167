#pragma once
// Transport stream packets: the 4-byte header (ISO/IEC 13818-1 §2.4.3.2), the
// adaptation field (§2.4.3.4, §2.4.3.5) and the packetization of one payload
// (a PES packet or a PSI section) into whole 188-byte packets.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "clock.hpp"
#include "gather.hpp"

namespace streamgate::mpegts {

inline constexpr std::size_t kTsPacketSize = 188;
inline constexpr std::size_t kTsHeaderSize = 4;
inline constexpr std::size_t kTsPayloadCapacity = kTsPacketSize - kTsHeaderSize;
inline constexpr std::uint8_t kSyncByte = 0x47;
inline constexpr std::uint16_t kPatPid = 0x0000;
// PIDs 0x0000-0x000F are reserved and 0x1FFF is the null packet (Table 2-3).
inline constexpr std::uint16_t kMinElementaryPid = 0x0010;
inline constexpr std::uint16_t kMaxElementaryPid = 0x1FFE;

// adaptation_field_control (§2.4.3.2 Table 2-5).
enum class AdaptationFieldControl : std::uint8_t {
  Invalid = 0b00,
  PayloadOnly = 0b01,
  AdaptationOnly = 0b10,
  Both = 0b11
};

// §2.4.3.2 Table 2-2: sync_byte; transport_error_indicator (1),
// payload_unit_start_indicator (1), transport_priority (1), PID (13);
// transport_scrambling_control (2), adaptation_field_control (2),
// continuity_counter (4). Error, priority and scrambling are always 0.
void write_header(std::byte* out, std::uint16_t pid, bool unit_start,
                  AdaptationFieldControl control, std::uint8_t continuity_counter) noexcept;

// The adaptation-field fields this muxer sets (§2.4.3.4).
struct AdaptationField {
  bool discontinuity = false;  // discontinuity_indicator (time base jump on the PCR PID)
  bool random_access = false;  // random_access_indicator
  std::optional<Pcr> pcr;

  // Bytes including adaptation_field_length; 0 when nothing is set.
  std::size_t size() const noexcept {
    if (!discontinuity && !random_access && !pcr) return 0;
    return 2 + (pcr ? 6 : 0);
  }
};

// §2.4.3.5: program_clock_reference_base (33 bits), 6 reserved bits ('1'),
// program_clock_reference_extension (9 bits).
std::array<std::byte, 6> encode_pcr(Pcr pcr) noexcept;

// How many packets carry `payload_size` (> 0) bytes when the first packet
// also carries `first`.
std::size_t packets_needed(std::size_t payload_size, const AdaptationField& first) noexcept;

// Writes all of `payload` (non-empty) on `pid`: the first packet has
// payload_unit_start_indicator set and carries `first`; the last is filled up
// to 188 bytes with adaptation-field stuffing. `continuity_counter` is the
// counter of the next payload-bearing packet and is advanced. Returns the
// number of bytes written (packets_needed(...) * 188).
std::size_t write_payload_packets(std::byte* out, std::uint16_t pid,
                                  std::uint8_t& continuity_counter, const AdaptationField& first,
                                  GatherReader& payload) noexcept;

// One packet holding only an adaptation field (adaptation_field_control '10'),
// e.g. to carry a PCR between frames. Such packets carry the counter of the
// previous payload packet unchanged (§2.4.3.3), i.e. `next_continuity_counter - 1`.
void write_adaptation_only_packet(std::byte* out, std::uint16_t pid,
                                  std::uint8_t next_continuity_counter,
                                  const AdaptationField& field) noexcept;

}  // namespace streamgate::mpegts
