// Placeholder until the host lands (issue 2): prints the SDK version.
#include <cstdio>

#include "streamgate/version.hpp"

int main() {
  const auto v = streamgate::host_sdk_version();
  std::printf("streamgate (SDK %u.%u, %s): host not built yet\n", v.major, v.minor,
              streamgate::host_build_signature());
  return 1;
}
