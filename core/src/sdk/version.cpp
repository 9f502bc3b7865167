#include "streamgate/version.hpp"

namespace streamgate {

SdkVersion host_sdk_version() noexcept { return {STREAMGATE_SDK_MAJOR, STREAMGATE_SDK_MINOR}; }

const char* host_build_signature() noexcept { return STREAMGATE_BUILD_SIGNATURE; }

}  // namespace streamgate
