// The MPEG-TS plugin's HEVCDecoderConfigurationRecord parser (ISO/IEC
// 14496-15 §8.3.3.1.2) and its conversion of one length-prefixed access unit
// to Annex B: the record at the front of the input, the frame after it.
// Invariants: see video_config_check.hpp (VPS, SPS and PPS: at least 3).

#include "hevc.hpp"
#include "video_config_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace streamgate;
  fuzz::check_video_config(fuzz::as_bytes(data, size), mpegts::parse_hevc_config, mpegts::hevc_syntax(), 3);
  return 0;
}
