// Boost.JSON's compiled part, built once into the core library (Debian ships
// Boost.JSON without a separate library) and used by the core and the tests.
#include <boost/json/src.hpp>
