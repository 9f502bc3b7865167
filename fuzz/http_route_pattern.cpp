// The core HTTP router's route patterns (core/src/http/route_pattern): two
// patterns and a path from the input, separated by newlines, as a plugin
// might register them and a client might ask.
//
// Invariants: a parsed pattern's shape is the pattern with its names erased;
// putting a match's values back into the pattern gives the path again;
// values are non-empty single segments, never "." or ".."; patterns of one
// shape match the same paths; more_specific_than is a strict order (never
// both ways, never with itself).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "http/route_pattern.hpp"

namespace {

using namespace streamgate;

std::optional<http::RoutePattern> parse(std::string_view text) {
  try {
    return http::RoutePattern::parse(text);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(std::string_view(e.what()).find("route pattern") != std::string_view::npos,
               "a refusal names the pattern");
    return std::nullopt;
  }
}

// The pattern's text with every {name} replaced by its value.
std::string fill_in(const std::string& text, const http::RouteParams& params) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    const auto close = text.find('}', i);
    out += params.at(text.substr(i + 1, close - i - 1));
    i = close;
  }
  return out;
}

// The pattern's text with every name erased, as shape() promises.
std::string erase_names(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '{') i = text.find('}', i) - 1;
  }
  return out;
}

std::optional<http::RouteParams> match(const http::RoutePattern& pattern, std::string_view path) {
  http::RouteParams params;
  if (!pattern.match(path, params)) return std::nullopt;
  for (const auto& [name, value] : params) {
    FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos, "a value is one non-empty segment");
    FUZZ_CHECK(value != "." && value != "..", "a value never names a folder");
  }
  FUZZ_CHECK(fill_in(pattern.text(), params) == path, "the values put back give the path");
  return params;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first_end = std::min(input.find('\n'), input.size());
  const auto second_end = std::min(input.find('\n', first_end + 1), input.size());
  const auto a_text = input.substr(0, first_end);
  const auto b_text = first_end < size ? input.substr(first_end + 1, second_end - first_end - 1) : std::string_view{};
  const auto path = second_end < size ? input.substr(second_end + 1) : std::string_view{};

  const auto a = parse(a_text);
  const auto b = parse(b_text);
  for (const auto* p : {&a, &b}) {
    if (!*p) continue;
    FUZZ_CHECK((*p)->shape() == erase_names((*p)->text()), "the shape is the pattern without names");
    FUZZ_CHECK(!(*p)->more_specific_than(**p), "no pattern is more specific than itself");
    match(**p, path);
  }
  if (!a || !b) return 0;
  FUZZ_CHECK(!(a->more_specific_than(*b) && b->more_specific_than(*a)), "specificity never goes both ways");
  if (a->shape() == b->shape())
    FUZZ_CHECK(match(*a, path).has_value() == match(*b, path).has_value(), "one shape, the same paths");
  return 0;
}
