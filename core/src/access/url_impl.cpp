// Boost.URL's non-template code, compiled once into the core with the hidden
// visibility access/boost_url.hpp explains. Debian ships Boost.URL without
// its library, so the core carries it.
#define STREAMGATE_BOOST_URL_SOURCE
#include "access/boost_url.hpp"
