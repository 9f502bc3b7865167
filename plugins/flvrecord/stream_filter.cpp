#include "stream_filter.hpp"

#include <algorithm>

namespace streamgate::flvrecord {

// Iterative wildcard match: on a mismatch after a '*', retry with the star
// taking one more character. Linear in practice, O(n*m) at worst, never recursive.
bool matches_pattern(std::string_view pattern, std::string_view name) {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_name = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_name = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_name;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

StreamFilter::StreamFilter(std::vector<std::string> apps, std::vector<std::string> name_patterns,
                           RecordMode mode)
    : apps_(std::move(apps)), name_patterns_(std::move(name_patterns)), mode_(mode) {}

bool StreamFilter::wants_stream(const StreamKey& key) const {
  if (!key.variant.empty()) return false;  // derived streams (mpegts, ...) are not sources
  if (!apps_.empty() && std::find(apps_.begin(), apps_.end(), key.app) == apps_.end()) return false;
  if (name_patterns_.empty()) return true;
  return std::any_of(name_patterns_.begin(), name_patterns_.end(), [&](const std::string& pattern) {
    return matches_pattern(pattern, key.name);
  });
}

bool StreamFilter::wants_publish(const PublishInfo& info) const {
  if (mode_ == RecordMode::All) return true;
  return info.mode == PublishMode::Record || info.mode == PublishMode::Append;
}

}  // namespace streamgate::flvrecord
