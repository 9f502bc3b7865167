// Asio's non-template code, compiled once for the core and every plugin
// (BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
