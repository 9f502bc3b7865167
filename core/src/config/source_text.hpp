#pragma once
// The text of a config file, kept to turn pugixml's byte offsets into the
// line (and column) numbers every config message carries.

#include <cstddef>
#include <string>
#include <vector>

namespace streamgate::config {

struct TextPosition {
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based, in bytes
};

class SourceText {
 public:
  SourceText(std::string file, std::string text);

  const std::string& file() const noexcept { return file_; }
  const std::string& text() const noexcept { return text_; }
  /// Position of byte `offset`; offsets past the end map to the last position.
  TextPosition position(std::ptrdiff_t offset) const;
  int line(std::ptrdiff_t offset) const { return position(offset).line; }

 private:
  std::string file_;
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace streamgate::config
