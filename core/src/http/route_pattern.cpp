#include "http/route_pattern.hpp"

#include <algorithm>
#include <stdexcept>

namespace streamgate::http {
namespace {

constexpr std::size_t kMaxPatternLength = 1024;

[[noreturn]] void refuse(std::string_view pattern, std::string_view why) {
  throw std::invalid_argument("http route pattern '" + std::string(pattern) + "': " + std::string(why));
}

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Characters a literal may not hold: braces are syntax; the rest can never
// appear in a decoded path a route is allowed to see, or would be ambiguous.
bool bad_literal_char(char c) noexcept {
  auto byte = static_cast<unsigned char>(c);
  return c == '{' || c == '}' || c == '?' || c == '#' || c == '\\' || byte < 0x20 || byte == 0x7f;
}

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;  // past the leading '/'
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

RoutePattern RoutePattern::parse(std::string_view pattern) {
  if (pattern.size() > kMaxPatternLength) refuse(pattern.substr(0, 64), "too long");
  if (pattern.empty() || pattern.front() != '/') refuse(pattern, "must start with '/'");
  RoutePattern out;
  out.text_ = std::string(pattern);
  if (pattern == "/") return out;  // the root: no segments

  std::vector<std::string_view> names;
  for (auto segment : split_segments(pattern)) {
    if (segment.empty()) refuse(pattern, "empty path segment");
    Segment parsed;
    auto open = segment.find('{');
    if (open == std::string_view::npos) {
      if (segment == "." || segment == "..") refuse(pattern, "'.' and '..' segments never match");
      parsed.prefix = std::string(segment);
    } else {
      auto close = segment.find('}', open);
      if (close == std::string_view::npos) refuse(pattern, "'{' without '}'");
      auto name = segment.substr(open + 1, close - open - 1);
      if (name.empty()) refuse(pattern, "empty parameter name");
      if (!std::all_of(name.begin(), name.end(), is_name_char)) {
        refuse(pattern, "parameter names use [A-Za-z0-9_] only");
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        refuse(pattern, "parameter {" + std::string(name) + "} appears twice");
      }
      names.push_back(name);
      parsed.prefix = std::string(segment.substr(0, open));
      parsed.name = std::string(name);
      parsed.suffix = std::string(segment.substr(close + 1));
    }
    // One parameter per segment: two would make the split between them ambiguous.
    for (const auto& literal : {parsed.prefix, parsed.suffix}) {
      if (std::any_of(literal.begin(), literal.end(), bad_literal_char)) {
        refuse(pattern, "a segment holds at most one {name}; no '}', '?', '#', '\\' or control characters");
      }
    }
    out.segments_.push_back(std::move(parsed));
  }
  return out;
}

bool RoutePattern::match(std::string_view path, RouteParams& params) const {
  if (path.empty() || path.front() != '/') return false;
  if (segments_.empty()) return path == "/";
  auto parts = split_segments(path);
  if (parts.size() != segments_.size()) return false;
  RouteParams found;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& segment = segments_[i];
    auto part = parts[i];
    if (!segment.is_param()) {
      if (part != segment.prefix) return false;
      continue;
    }
    // The value must be non-empty: strictly longer than prefix plus suffix.
    if (part.size() <= segment.prefix.size() + segment.suffix.size()) return false;
    if (!part.starts_with(segment.prefix) || !part.ends_with(segment.suffix)) return false;
    auto value = part.substr(segment.prefix.size(),
                             part.size() - segment.prefix.size() - segment.suffix.size());
    // "/{app}/{stream}.ts" against "/live/...ts" would give stream = "..":
    // never hand a handler a value that names a folder.
    if (value == "." || value == "..") return false;
    found.emplace(segment.name, std::string(value));
  }
  for (auto& [name, value] : found) params.insert_or_assign(name, std::move(value));
  return true;
}

std::string RoutePattern::shape() const {
  if (segments_.empty()) return "/";
  std::string out;
  for (const auto& segment : segments_) {
    out += '/';
    out += segment.prefix;
    if (segment.is_param()) out += "{}";
    out += segment.suffix;
  }
  return out;
}

bool RoutePattern::more_specific_than(const RoutePattern& other) const {
  auto count = std::min(segments_.size(), other.segments_.size());
  for (std::size_t i = 0; i < count; ++i) {
    const auto& a = segments_[i];
    const auto& b = other.segments_[i];
    if (a.is_param() != b.is_param()) return !a.is_param();
    if (!a.is_param()) continue;
    auto a_literal = a.prefix.size() + a.suffix.size();
    auto b_literal = b.prefix.size() + b.suffix.size();
    if (a_literal != b_literal) return a_literal > b_literal;
  }
  return false;
}

}  // namespace streamgate::http
