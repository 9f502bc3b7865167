// The MPEG-TS plugin's AVCDecoderConfigurationRecord parser (ISO/IEC 14496-15
// §5.3.3.1.2) and its conversion of one length-prefixed access unit to
// Annex B: the record at the front of the input, the frame after it.
// Invariants: see video_config_check.hpp.

#include "h264.hpp"
#include "video_config_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace streamgate;
  fuzz::check_video_config(fuzz::as_bytes(data, size), mpegts::parse_avc_config, mpegts::h264_syntax(), 2);
  return 0;
}
