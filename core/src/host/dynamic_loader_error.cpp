#include "host/dynamic_loader_error.hpp"

#include <boost/predef/os.h>

#if !BOOST_OS_WINDOWS
#include <dlfcn.h>
#endif

namespace streamgate {

std::string last_dynamic_loader_error() {
#if !BOOST_OS_WINDOWS
  if (const char* text = ::dlerror()) return text;
#endif
  return {};
}

}  // namespace streamgate
