#pragma once
// The one way the core includes Boost.Beast. Beast is private to the core:
// its compiled part (beast_impl.cpp) and every Beast template the core
// instantiates get hidden visibility. Otherwise a program that also uses
// header-only Beast (a test client, a plugin) interposes its own copies of
// Beast's functions over the core's at load time, and error codes made with
// one copy's error category no longer compare equal in the other's (seen
// here: the parser's "need more" escaping as a read error).
//
// Asio, Boost.System and the other libraries Beast uses are included first,
// with default visibility: Asio's statics must stay one object per process
// (see streamgate/asio.hpp).

#include <boost/asio.hpp>
#include <boost/core/empty_value.hpp>
#include <boost/mp11.hpp>
#include <boost/optional.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#pragma GCC visibility push(hidden)
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#pragma GCC visibility pop

// For a class that holds Beast or connection types but is declared in a
// header with default visibility (HttpServer::Impl).
#if defined(__GNUC__)
#define STREAMGATE_HTTP_HIDDEN __attribute__((visibility("hidden")))
#else
#define STREAMGATE_HTTP_HIDDEN
#endif
