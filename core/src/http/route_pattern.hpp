#pragma once
// A route pattern such as "/{app}/{stream}.m3u8": literal segments and
// segments holding one {name} with an optional literal prefix and suffix.
// A {name} matches a non-empty part of one path segment (never a '/', and
// never "." or "..", so a value can be used as a file name component).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace streamgate::http {

using RouteParams = std::map<std::string, std::string, std::less<>>;

class RoutePattern {
 public:
  /// Throws std::invalid_argument naming the pattern and the problem.
  static RoutePattern parse(std::string_view pattern);

  /// True when `path` (percent-decoded, starting with '/') matches; then the
  /// {name} values are put into `params` (left untouched otherwise).
  bool match(std::string_view path, RouteParams& params) const;

  /// The pattern with parameter names erased ("/{}/{}.m3u8"): two patterns
  /// with the same shape match exactly the same paths.
  std::string shape() const;

  /// Orders patterns that may match the same path: a literal segment beats a
  /// parameter, and a parameter with more literal text around it beats one
  /// with less, comparing segment by segment from the left.
  bool more_specific_than(const RoutePattern& other) const;

  const std::string& text() const { return text_; }

 private:
  struct Segment {
    std::string prefix;  ///< the whole segment when there is no parameter
    std::string name;    ///< empty for a literal segment
    std::string suffix;
    bool is_param() const { return !name.empty(); }
  };

  std::string text_;
  std::vector<Segment> segments_;
};

}  // namespace streamgate::http
