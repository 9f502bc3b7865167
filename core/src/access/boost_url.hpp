#pragma once
// The one way the core includes Boost.URL. Its compiled part (url_impl.cpp)
// lives inside the core with hidden visibility, for the same reason as Beast
// (http/beast.hpp): the core must not export a library's symbols that a
// plugin or test program may carry its own copies of. Boost.URL marks its
// classes BOOST_SYMBOL_VISIBLE, which beats the pragma, so that mark is
// blanked while its headers are read. Boost.System (its error codes) is
// included first and keeps default visibility.

#include <boost/config.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <boost/system/system_error.hpp>

#pragma push_macro("BOOST_SYMBOL_VISIBLE")
#undef BOOST_SYMBOL_VISIBLE
#define BOOST_SYMBOL_VISIBLE
#pragma GCC visibility push(hidden)
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>
#if defined(STREAMGATE_BOOST_URL_SOURCE)
#include <boost/url/src.hpp>
#endif
#pragma GCC visibility pop
#pragma pop_macro("BOOST_SYMBOL_VISIBLE")
