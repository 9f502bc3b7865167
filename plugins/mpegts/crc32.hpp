#pragma once
// CRC-32 of PSI sections (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7,
// register preset to 0xFFFFFFFF, no bit reflection, no final XOR.

#include <cstdint>
#include <span>

namespace streamgate::mpegts {

std::uint32_t crc32_mpeg2(std::span<const std::byte> bytes) noexcept;

}  // namespace streamgate::mpegts
