#include "ts_scanner.hpp"

#include <array>

namespace streamgate::mpegts::test {
namespace {

constexpr std::size_t kPacket = 188;
constexpr std::uint64_t k33 = std::uint64_t{1} << 33;

std::uint8_t u8(std::span<const std::byte> b, std::size_t i) {
  return std::to_integer<std::uint8_t>(b[i]);
}

std::uint64_t read_timestamp(std::span<const std::byte> b) {
  // '00xx' TS[32..30] marker, TS[29..15] marker, TS[14..0] marker
  return (std::uint64_t(u8(b, 0) & 0x0E) << 29) | (std::uint64_t(u8(b, 1)) << 22) |
         (std::uint64_t(u8(b, 2) >> 1) << 15) | (std::uint64_t(u8(b, 3)) << 7) | (u8(b, 4) >> 1);
}

struct PidState {
  std::optional<std::uint8_t> last_cc;
  std::optional<std::size_t> open_pes;  // index into TsScan::pes
  std::vector<std::byte> section;       // PSI bytes collected from PUSI on
};

class Scanner {
 public:
  TsScan run(std::span<const std::byte> bytes) {
    if (bytes.size() % kPacket != 0) error(0, "stream is not a whole number of packets");
    for (std::size_t at = 0; at + kPacket <= bytes.size(); at += kPacket)
      packet(bytes.subspan(at, kPacket));
    for (auto& [pid, state] : pids_) close_pes(state);
    return std::move(scan_);
  }

 private:
  void error(std::size_t index, const std::string& what) {
    if (scan_.errors.size() < 200)
      scan_.errors.push_back("packet " + std::to_string(index) + ": " + what);
  }

  void packet(std::span<const std::byte> p) {
    const std::size_t index = scan_.packets++;
    if (u8(p, 0) != 0x47) return error(index, "sync byte missing");
    if (u8(p, 1) & 0x80) error(index, "transport_error_indicator set");
    const bool unit_start = u8(p, 1) & 0x40;
    const std::uint16_t pid = static_cast<std::uint16_t>(((u8(p, 1) & 0x1F) << 8) | u8(p, 2));
    if (u8(p, 3) & 0xC0) error(index, "scrambled");
    const unsigned control = (u8(p, 3) >> 4) & 0x3;
    const std::uint8_t cc = u8(p, 3) & 0x0F;
    ++scan_.packets_per_pid[pid];
    if (control == 0) return error(index, "adaptation_field_control 00 is reserved");
    const bool has_payload = control & 0x1;
    const bool has_field = control & 0x2;

    std::size_t at = 4;
    bool discontinuity = false;
    bool random_access = false;
    if (has_field) {
      const std::size_t length = u8(p, 4);
      if (!has_payload && length != 183)
        error(index, "adaptation-only packet with field length " + std::to_string(length));
      if (has_payload && length > 182) return error(index, "adaptation field leaves no payload");
      if (length > 0) {
        const std::uint8_t flags = u8(p, 5);
        discontinuity = flags & 0x80;
        random_access = flags & 0x40;
        if (flags & 0x10) {
          if (length < 7) return error(index, "PCR flag with a short adaptation field");
          const auto pcr = p.subspan(6, 6);
          const std::uint64_t base = (std::uint64_t(u8(pcr, 0)) << 25) |
                                     (std::uint64_t(u8(pcr, 1)) << 17) |
                                     (std::uint64_t(u8(pcr, 2)) << 9) |
                                     (std::uint64_t(u8(pcr, 3)) << 1) | (u8(pcr, 4) >> 7);
          if ((u8(pcr, 4) & 0x7E) != 0x7E) error(index, "PCR reserved bits not set");
          const std::uint64_t ext = (std::uint64_t(u8(pcr, 4) & 1) << 8) | u8(pcr, 5);
          if (ext >= 300) error(index, "PCR extension >= 300");
          on_pcr(index, pid, base, ext, discontinuity);
          if (!has_payload) ++scan_.pcr_only_packets;
        }
        // stuffing after the fields must be 0xFF
        const std::size_t fields_end = 6 + ((flags & 0x10) ? 6 : 0);
        for (std::size_t i = fields_end; i < 5 + length; ++i)
          if (u8(p, i) != 0xFF) {
            error(index, "adaptation stuffing byte is not 0xFF");
            break;
          }
      }
      at = 5 + length;
    }

    auto& state = pids_[pid];
    if (state.last_cc && !discontinuity) {
      const std::uint8_t expected = has_payload ? (*state.last_cc + 1) & 0x0F : *state.last_cc;
      if (cc != expected)
        error(index, "PID " + std::to_string(pid) + " continuity " + std::to_string(cc) +
                         ", expected " + std::to_string(expected));
    }
    state.last_cc = cc;
    if (!has_payload) return;
    const auto payload = p.subspan(at);
    if (pid == 0 || (scan_.pmt_pid && pid == *scan_.pmt_pid))
      return psi(index, pid, state, unit_start, payload);
    elementary(index, pid, state, unit_start, random_access, payload);
  }

  void on_pcr(std::size_t index, std::uint16_t pid, std::uint64_t base, std::uint64_t ext,
              bool discontinuity) {
    if (scan_.pmt && pid != scan_.pmt->pcr_pid)
      error(index, "PCR on PID " + std::to_string(pid) + ", not the PCR PID");
    // unwrap the 33-bit base
    if (last_pcr_base_) {
      std::uint64_t step = (base - *last_pcr_base_) & (k33 - 1);
      if (step > k33 / 2 && !discontinuity) error(index, "PCR went backwards");
      unwrapped_base_ += step;
    } else {
      unwrapped_base_ = base;
    }
    last_pcr_base_ = base;
    const std::uint64_t value = unwrapped_base_ * 300 + ext;
    if (!scan_.pcrs.empty() && !discontinuity && value >= scan_.pcrs.back().second)
      scan_.max_pcr_gap = std::max(scan_.max_pcr_gap, value - scan_.pcrs.back().second);
    if (discontinuity) ++scan_.pcr_discontinuities;
    scan_.pcrs.emplace_back(index, value);
    ++scan_.pcr_count;
    now_ = value;
  }

  void psi(std::size_t index, std::uint16_t pid, PidState& state, bool unit_start,
           std::span<const std::byte> payload) {
    if (!unit_start)
      return error(index, "PSI continuation packets are not expected from this muxer");
    const std::size_t pointer = u8(payload, 0);
    if (pointer + 1 + 3 > payload.size()) return error(index, "pointer_field beyond the packet");
    const auto section = payload.subspan(1 + pointer);
    const std::size_t length = ((u8(section, 1) & 0x0F) << 8) | u8(section, 2);
    if (3 + length > section.size()) return error(index, "section spans packets");
    const auto whole = section.subspan(0, 3 + length);
    if (reference_crc32(whole) != 0) error(index, "section CRC_32 mismatch");
    for (std::size_t i = 3 + length; i < section.size(); ++i)
      if (u8(section, i) != 0xFF) {
        error(index, "bytes after the section are not 0xFF stuffing");
        break;
      }
    const std::uint8_t table = u8(whole, 0);
    if (!(u8(whole, 1) & 0x80)) error(index, "section_syntax_indicator not set");
    if (pid == 0) {
      if (table != 0x00) return error(index, "PID 0 without a PAT");
      if (now_) {
        if (last_pat_time_)
          scan_.max_pat_gap = std::max(scan_.max_pat_gap, *now_ - *last_pat_time_);
        last_pat_time_ = now_;
      }
      ++scan_.pat_count;
      // programs from byte 8 to the CRC, 4 bytes each
      for (std::size_t i = 8; i + 4 <= whole.size() - 4; i += 4) {
        const std::uint16_t program =
            static_cast<std::uint16_t>((u8(whole, i) << 8) | u8(whole, i + 1));
        const std::uint16_t map_pid =
            static_cast<std::uint16_t>(((u8(whole, i + 2) & 0x1F) << 8) | u8(whole, i + 3));
        if (program != 0) scan_.pmt_pid = map_pid;
      }
      return;
    }
    if (table != 0x02) return error(index, "PMT PID without a PMT");
    ++scan_.pmt_count;
    ScannedPmt pmt;
    pmt.version = (u8(whole, 5) >> 1) & 0x1F;
    pmt.pcr_pid = static_cast<std::uint16_t>(((u8(whole, 8) & 0x1F) << 8) | u8(whole, 9));
    const std::size_t info_length = ((u8(whole, 10) & 0x0F) << 8) | u8(whole, 11);
    for (std::size_t i = 12 + info_length; i + 5 <= whole.size() - 4;) {
      const std::uint16_t es_pid =
          static_cast<std::uint16_t>(((u8(whole, i + 1) & 0x1F) << 8) | u8(whole, i + 2));
      pmt.stream_types[es_pid] = u8(whole, i);
      i += 5 + (((u8(whole, i + 3) & 0x0F) << 8) | u8(whole, i + 4));
    }
    scan_.pmt = pmt;
    (void)state;
  }

  void elementary(std::size_t index, std::uint16_t pid, PidState& state, bool unit_start,
                  bool random_access, std::span<const std::byte> payload) {
    if (unit_start) {
      close_pes(state);
      if (payload.size() < 9 || u8(payload, 0) != 0 || u8(payload, 1) != 0 || u8(payload, 2) != 1)
        return error(index, "PES start code missing");
      ScannedPes pes;
      pes.pid = pid;
      pes.first_packet = index;
      pes.stream_id = u8(payload, 3);
      pes.declared_length = static_cast<std::uint16_t>((u8(payload, 4) << 8) | u8(payload, 5));
      pes.random_access = random_access;
      if ((u8(payload, 6) & 0xC0) != 0x80) error(index, "PES header does not start with '10'");
      const unsigned flags = u8(payload, 7) >> 6;
      const std::size_t header_length = u8(payload, 8);
      if (9 + header_length > payload.size()) return error(index, "PES header spans packets");
      if (flags == 1) error(index, "PTS_DTS_flags '01' is forbidden");
      if (flags & 0x2) {
        if ((u8(payload, 9) >> 4) != (flags == 3 ? 0x3 : 0x2))
          error(index, "PTS prefix bits wrong");
        pes.pts = read_timestamp(payload.subspan(9, 5));
      }
      if (flags == 3) {
        if ((u8(payload, 14) >> 4) != 0x1) error(index, "DTS prefix bits wrong");
        pes.dts = read_timestamp(payload.subspan(14, 5));
      }
      const auto data = payload.subspan(9 + header_length);
      pes.payload.assign(data.begin(), data.end());
      state.open_pes = scan_.pes.size();
      scan_.pes.push_back(std::move(pes));
      return;
    }
    if (!state.open_pes) return error(index, "payload before the first PES start");
    auto& pes = scan_.pes[*state.open_pes];
    pes.payload.insert(pes.payload.end(), payload.begin(), payload.end());
  }

  void close_pes(PidState& state) {
    if (!state.open_pes) return;
    const auto& pes = scan_.pes[*state.open_pes];
    if (pes.declared_length != 0) {
      const std::size_t header_length = 3 + (pes.pts ? 5 : 0) + (pes.dts ? 5 : 0);
      if (pes.declared_length != header_length + pes.payload.size())
        error(pes.first_packet, "PES_packet_length " + std::to_string(pes.declared_length) +
                                    " does not match its " +
                                    std::to_string(header_length + pes.payload.size()) + " bytes");
    }
    state.open_pes.reset();
  }

  TsScan scan_;
  std::map<std::uint16_t, PidState> pids_;
  std::optional<std::uint64_t> last_pcr_base_;
  std::uint64_t unwrapped_base_ = 0;
  std::optional<std::uint64_t> now_;
  std::optional<std::uint64_t> last_pat_time_;
};

}  // namespace

std::uint32_t reference_crc32(std::span<const std::byte> bytes) {
  // Annex A: 32 delay elements; each input bit is XORed with the last one and
  // fed back at the taps of x^26 + x^23 + ... + x + 1. Registers start at 1s.
  std::uint32_t reg = 0xFFFFFFFF;
  for (std::byte byte : bytes)
    for (int bit = 7; bit >= 0; --bit) {
      const bool in = (std::to_integer<unsigned>(byte) >> bit) & 1u;
      const bool top = reg & 0x80000000u;
      reg <<= 1;
      if (in != top) reg ^= 0x04C11DB7u;
    }
  return reg;
}

std::vector<const ScannedPes*> TsScan::pes_on(std::uint16_t pid) const {
  std::vector<const ScannedPes*> out;
  for (const auto& p : pes)
    if (p.pid == pid) out.push_back(&p);
  return out;
}

TsScan scan_ts(std::span<const std::byte> bytes) { return Scanner().run(bytes); }

}  // namespace streamgate::mpegts::test
