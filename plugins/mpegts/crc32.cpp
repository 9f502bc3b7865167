#include "crc32.hpp"

#include <boost/crc.hpp>

namespace streamgate::mpegts {

std::uint32_t crc32_mpeg2(std::span<const std::byte> bytes) noexcept {
  // Table-driven by Boost; the parameters are exactly Annex A's decoder model.
  boost::crc_optimal<32, 0x04C11DB7, 0xFFFFFFFF, 0x00000000, false, false> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

}  // namespace streamgate::mpegts
