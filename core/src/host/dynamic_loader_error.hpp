#pragma once
// The one OS-specific seam of the loader: the dynamic loader's own reason for
// the last failed load (dlerror on POSIX), which Boost.DLL reports only as
// "bad file descriptor".

#include <string>

namespace streamgate {

/// The loader's message for the last failure on this thread, or "" if none.
std::string last_dynamic_loader_error();

}  // namespace streamgate
