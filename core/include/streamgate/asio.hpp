#pragma once
// Opt-in bridge for plugins that do their own networking with Boost.Asio.
// Including this pulls in Asio; plugins that only use the bus should not.
//
// Include Asio only through this header, first: plugins are built with hidden
// visibility, but Asio's template statics (e.g. the per-thread call stack that
// answers running_in_this_thread()) must be one object across the core and
// every plugin, so Asio's declarations are given default visibility here.
// Asio's non-template code is compiled once, in the core library
// (BOOST_ASIO_SEPARATE_COMPILATION).

#pragma GCC visibility push(default)
#include <boost/asio.hpp>
#pragma GCC visibility pop

#include "streamgate/executor.hpp"

namespace streamgate {

inline boost::asio::io_context& io_context_of(Executor& executor) {
  return *static_cast<boost::asio::io_context*>(executor.native_handle());
}

}  // namespace streamgate
