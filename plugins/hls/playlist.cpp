#include "playlist.hpp"

#include <algorithm>
#include <cstdio>

namespace streamgate::hls {

namespace {

std::int64_t extinf_ms(MediaTime duration) noexcept {
  return (std::max<std::int64_t>(duration.count(), 0) + 500) / 1000;
}

}  // namespace

std::string format_extinf(MediaTime duration) {
  const auto ms = extinf_ms(duration);
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return text;
}

std::int64_t rounded_extinf_s(MediaTime duration) noexcept {
  return (extinf_ms(duration) + 500) / 1000;
}

std::string format_program_date_time(WallTime time) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(time);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss clock{ms - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(clock.hours().count()),
                static_cast<long long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return text;
}

std::string percent_encode_segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

Playlist::Playlist(PlaylistConfig config)
    : config_(config),
      next_sequence_(config.first_sequence),
      target_duration_s_(std::max<std::int64_t>(1, rounded_extinf_s(config.fragment))) {}

std::uint64_t Playlist::media_sequence() const noexcept {
  return entries_.empty() ? next_sequence_ : entries_.front().sequence;
}

std::uint64_t Playlist::append(MediaTime duration, WallTime program_date_time, bool discontinuity,
                               std::vector<PlaylistEntry>& removed) {
  ended_ = false;
  const std::uint64_t sequence = next_sequence_++;
  entries_.push_back({sequence, duration, program_date_time, discontinuity});
  total_ += duration;
  target_duration_s_ = std::max(target_duration_s_, rounded_extinf_s(duration));

  const MediaTime three_targets = std::chrono::seconds(3 * target_duration_s_);
  while (entries_.size() > 1) {
    const PlaylistEntry& front = entries_.front();
    const MediaTime rest = total_ - front.duration;
    const bool over_length = config_.max_segments != 0 ? entries_.size() > config_.max_segments
                                                       : rest >= config_.max_duration;
    // §6.2.2: keep at least three target durations after a removed entry.
    const bool may_remove = over_length && rest >= three_targets;
    if (!may_remove && entries_.size() <= kMaxEntries) break;
    if (front.discontinuity) ++discontinuity_sequence_;
    total_ = rest;
    removed.push_back(front);
    entries_.pop_front();
  }
  return sequence;
}

std::string Playlist::render(std::string_view uri_prefix, std::string_view uri_suffix) const {
  // §4.3.1.1 EXTM3U first; §4.3.1.2 version 3 for decimal EXTINF values;
  // §4.3.3.1-4.3.3.3 the playlist tags before the first segment.
  std::string text = "#EXTM3U\n#EXT-X-VERSION:3\n";
  text += "#EXT-X-TARGETDURATION:" + std::to_string(target_duration_s_) + "\n";
  text += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(media_sequence()) + "\n";
  text += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(discontinuity_sequence_) + "\n";
  for (const PlaylistEntry& entry : entries_) {
    if (entry.discontinuity) text += "#EXT-X-DISCONTINUITY\n";  // §4.3.2.3
    text += "#EXT-X-PROGRAM-DATE-TIME:" + format_program_date_time(entry.program_date_time) + "\n";
    text += "#EXTINF:" + format_extinf(entry.duration) + ",\n";  // §4.3.2.1
    text += uri_prefix;
    text += std::to_string(entry.sequence) + ".ts";
    text += uri_suffix;
    text += '\n';
  }
  if (ended_) text += "#EXT-X-ENDLIST\n";  // §4.3.3.4
  return text;
}

}  // namespace streamgate::hls
