// The plain helpers of http.hpp: header and query look-ups, error responses.
#include <string>

#include "http/request_target.hpp"
#include "streamgate/http.hpp"

namespace streamgate {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

std::string HttpRequest::query_param(std::string_view key) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    auto raw_key = pair.substr(0, eq);
    auto raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    auto decoded_key = http::percent_decode(raw_key, true);
    if (!decoded_key || *decoded_key != key) continue;
    // A malformed escape in the value is kept as sent rather than dropped, so
    // a token check fails visibly instead of seeing an empty value.
    auto decoded_value = http::percent_decode(raw_value, true);
    return decoded_value ? std::move(*decoded_value) : std::string(raw_value);
  }
  return {};
}

HttpResponse http_error(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.headers = {{"Access-Control-Allow-Origin", "*"}, {"Cache-Control", "no-store"}};
  std::string body(message);
  body.push_back('\n');
  response.body = SharedBytes::copy(body);
  return response;
}

}  // namespace streamgate
