#include "streamgate/names.hpp"

#include <cstdint>
#include <stdexcept>

namespace streamgate {

namespace {

// Decodes one UTF-8 sequence starting at `at` (RFC 3629 §4 syntax: no overlong
// forms, no surrogates, nothing above U+10FFFF). Returns the code point and
// advances `at`, or returns nullopt for a malformed sequence.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& at) {
  const auto lead = static_cast<std::uint8_t>(text[at]);
  if (lead < 0x80) {
    ++at;
    return lead;
  }
  std::size_t length = 0;
  char32_t value = 0;
  char32_t min_value = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, min_value = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, min_value = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, min_value = 0x10000;
  } else {
    return std::nullopt;  // a continuation byte or 0xF8..0xFF as a lead byte
  }
  if (text.size() - at < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<std::uint8_t>(text[at + i]);
    if ((byte & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return std::nullopt;
  at += length;
  return value;
}

// Unicode general category Cc: C0, DEL and C1.
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool is_safe_file_byte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameLength)
    return "is longer than " + std::to_string(kMaxNameLength) + " bytes";
  if (name == "." || name == "..") return "is '" + std::string(name) + "'";
  for (std::size_t at = 0; at < name.size();) {
    const std::size_t offset = at;
    const auto c = next_code_point(name, at);
    if (!c) return "is not valid UTF-8 (at byte " + std::to_string(offset) + ")";
    if (is_control(*c))
      return "contains a control character (at byte " + std::to_string(offset) + ")";
    if (*c == '/') return "contains '/'";
    if (*c == '\\') return "contains '\\'";
  }
  return std::nullopt;
}

std::pair<std::string_view, std::string_view> split_query(std::string_view name_with_query) {
  const auto mark = name_with_query.find('?');
  if (mark == std::string_view::npos) return {name_with_query, {}};
  return {name_with_query.substr(0, mark), name_with_query.substr(mark + 1)};
}

std::string sanitize_path_component(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (!is_safe_file_byte(c)) c = '_';
  // A leading '.' would make "." / ".." (or a hidden file); '_' cannot.
  if (!out.empty() && out.front() == '.') out.front() = '_';
  if (out.empty()) out = "_";
  return out;
}

std::filesystem::path path_inside(const std::filesystem::path& root,
                                  const std::filesystem::path& relative) {
  auto base = root.lexically_normal();
  // "out/" normalises to "out/"; compare against "out" itself.
  if (!base.has_filename() && base.has_relative_path()) base = base.parent_path();
  auto joined = (root / relative).lexically_normal();
  const auto rest = joined.lexically_relative(base);
  // Empty: no relative form (an absolute path under a relative root, say).
  if (rest.empty() || *rest.begin() == "..")
    throw std::invalid_argument("path '" + relative.string() + "' lies outside '" + root.string() +
                                "'");
  return joined;
}

}  // namespace streamgate
