#include "config/source_text.hpp"

#include <algorithm>

namespace streamgate::config {

SourceText::SourceText(std::string file, std::string text)
    : file_(std::move(file)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

TextPosition SourceText::position(std::ptrdiff_t offset) const {
  const auto at = static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(
      offset, 0, static_cast<std::ptrdiff_t>(text_.size())));
  // The last line start not after `at`.
  const auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), at);
  const auto line_index = static_cast<std::size_t>(next - line_starts_.begin()) - 1;
  return {static_cast<int>(line_index + 1), static_cast<int>(at - line_starts_[line_index] + 1)};
}

}  // namespace streamgate::config
