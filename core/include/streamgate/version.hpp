#pragma once
// SDK version and build signature. A plugin records these when it is compiled;
// the host compares them before it calls anything in the plugin.
//
// Rule (as GStreamer and OBS do it): the major must match, the plugin's minor
// must be <= the host's, and the build signature (compiler, C++ runtime ABI,
// Boost version, pointer size) must be identical, because C++ types cross the
// boundary (as nginx compares NGX_MODULE_SIGNATURE).

#include <boost/version.hpp>
#include <cstddef>  // defines the C++ runtime ABI macros read below

#define STREAMGATE_SDK_MAJOR 1
#define STREAMGATE_SDK_MINOR 0

#define STREAMGATE_STR_(x) #x
#define STREAMGATE_STR(x) STREAMGATE_STR_(x)

#if defined(__clang__)
#define STREAMGATE_COMPILER_ID "clang-" STREAMGATE_STR(__clang_major__)
#elif defined(__GNUC__)
#define STREAMGATE_COMPILER_ID "gcc-" STREAMGATE_STR(__GNUC__)
#elif defined(_MSC_VER)
#define STREAMGATE_COMPILER_ID "msvc-" STREAMGATE_STR(_MSC_VER)
#else
#define STREAMGATE_COMPILER_ID "cc"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define STREAMGATE_STDLIB_ID "libstdc++cxx11"
#elif defined(_LIBCPP_VERSION)
#define STREAMGATE_STDLIB_ID "libc++"
#else
#define STREAMGATE_STDLIB_ID "stdlib"
#endif

#define STREAMGATE_BUILD_SIGNATURE                                                         \
  STREAMGATE_COMPILER_ID "|" STREAMGATE_STDLIB_ID "|boost-" STREAMGATE_STR(BOOST_VERSION) \
                         "|ptr" STREAMGATE_STR(__SIZEOF_POINTER__)

namespace streamgate {

struct SdkVersion {
  unsigned major;
  unsigned minor;
};

/// The SDK version the host was built with.
SdkVersion host_sdk_version() noexcept;
/// The build signature the host was built with.
const char* host_build_signature() noexcept;

}  // namespace streamgate
