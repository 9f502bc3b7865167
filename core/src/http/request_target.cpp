#include "http/request_target.hpp"

namespace streamgate::http {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// RFC 9112 §3.2.2: a server must accept absolute-form; only its path and
// query matter to us (the authority is the Host, which we do not route on).
// An absolute URI with an empty path means "/" (RFC 3986 §6.2.3).
std::string strip_scheme_and_authority(std::string_view target) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (iequals_prefix(target, scheme)) {
      auto rest = target.substr(scheme.size());
      auto start = rest.find_first_of("/?");
      if (start == std::string_view::npos) return "/";
      auto path_and_query = rest.substr(start);
      return path_and_query.front() == '?' ? "/" + std::string(path_and_query) : std::string(path_and_query);
    }
  }
  return std::string(target);
}

// Why the decoded path must not reach a handler, or empty when it may.
std::string_view path_problem(std::string_view path) noexcept {
  if (path.find('\0') != std::string_view::npos) return "NUL byte in path";
  if (path.find('\\') != std::string_view::npos) return "backslash in path";
  std::size_t start = 1;  // path[0] is '/'
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto segment = path.substr(start, end - start);
    if (segment == "..") return "'..' segment in path";
    if (segment == ".") return "'.' segment in path";
    start = end + 1;
  }
  return {};
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return std::nullopt;  // check the length before reading
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Parsed<RequestTarget> parse_request_target(std::string_view target) {
  using Result = Parsed<RequestTarget>;
  if (target.empty()) return Result::fail("empty request-target");
  if (target.size() > kMaxTargetLength) return Result::fail("request-target too long");
  for (char c : target) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return Result::fail("control character or space in request-target");
    if (c == '#') return Result::fail("fragment in request-target");
  }
  auto origin_form = strip_scheme_and_authority(target);
  if (origin_form.front() != '/') return Result::fail("request-target is not origin-form or absolute-form");

  RequestTarget out;
  std::string_view rest = origin_form;
  auto question = rest.find('?');
  auto raw_path = rest.substr(0, question);
  if (question != std::string_view::npos) out.query = std::string(rest.substr(question + 1));
  auto decoded = percent_decode(raw_path, false);
  if (!decoded) return Result::fail("malformed percent-encoding in path");
  if (auto problem = path_problem(*decoded); !problem.empty()) return Result::fail(std::string(problem));
  out.path = std::move(*decoded);
  return Result::done(target.size(), std::move(out));
}

}  // namespace streamgate::http
