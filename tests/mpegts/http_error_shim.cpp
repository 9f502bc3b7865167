// TEMPORARY, test-only: http_error() is implemented by the core's HTTP server
// (core/src/sdk/http_util.cpp, branch h/http), not on main yet. CMake compiles
// this file only while that file is missing, so the merge retires it.
#include "streamgate/http.hpp"

namespace streamgate {

HttpResponse http_error(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = SharedBytes::copy(message);
  return response;
}

}  // namespace streamgate
