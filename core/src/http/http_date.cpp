#include "http/http_date.hpp"

#include <array>
#include <cstdio>

namespace streamgate::http {

std::string http_date(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(when);
  year_month_day date{day};
  hh_mm_ss time{floor<seconds>(when - day)};
  std::array<char, 40> out{};
  int n = std::snprintf(out.data(), out.size(), "%s, %02u %s %04d %02d:%02d:%02d GMT",
                        kDays[weekday{day}.c_encoding()], static_cast<unsigned>(date.day()),
                        kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                        static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  return std::string(out.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

const std::string& http_date_now() {
  thread_local std::chrono::system_clock::time_point formatted_second{};
  thread_local std::string text;
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (text.empty() || now != formatted_second) {
    formatted_second = now;
    text = http_date(now);
  }
  return text;
}

}  // namespace streamgate::http
