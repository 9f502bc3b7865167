// Beast's non-template code, compiled once into the core
// (BOOST_BEAST_SEPARATE_COMPILATION is defined for this target only), with
// the hidden visibility http/beast.hpp explains.
#include "http/beast.hpp"

#pragma GCC visibility push(hidden)
#include <boost/beast/src.hpp>
#pragma GCC visibility pop
