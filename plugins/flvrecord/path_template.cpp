#include "path_template.hpp"

#include <cstdio>
#include <stdexcept>

#include "streamgate/names.hpp"

namespace streamgate::flvrecord {

namespace {

constexpr std::string_view kPlaceholders[] = {"app", "stream", "date", "time", "unix"};

bool known(std::string_view name) {
  for (auto p : kPlaceholders)
    if (p == name) return true;
  return false;
}

std::string two(unsigned v) {
  char out[4];
  std::snprintf(out, sizeof out, "%02u", v % 100);
  return out;
}

// Calls `on_text` for literal runs and `on_field` for placeholders; returns
// the first problem found.
template <class OnText, class OnField>
std::optional<std::string> walk(std::string_view t, OnText on_text, OnField on_field) {
  std::size_t i = 0;
  while (i < t.size()) {
    const std::size_t open = t.find_first_of("{}", i);
    if (open == std::string_view::npos) {
      on_text(t.substr(i));
      break;
    }
    if (t[open] == '}') return "'}' without '{' at position " + std::to_string(open);
    on_text(t.substr(i, open - i));
    const std::size_t close = t.find('}', open);
    if (close == std::string_view::npos)
      return "'{' without '}' at position " + std::to_string(open);
    const std::string_view name = t.substr(open + 1, close - open - 1);
    if (!known(name)) return "unknown placeholder {" + std::string(name) + "}";
    on_field(name);
    i = close + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> path_template_problem(std::string_view path_template) {
  if (path_template.empty()) return std::string("empty path template");
  if (path_template.front() == '/' || path_template.front() == '\\' ||
      std::filesystem::path(path_template).has_root_name())
    return std::string("path template must be relative to the root folder");
  // "." and ".." in the template's own folders would only confuse where files go.
  for (const auto& part : std::filesystem::path(path_template))
    if (part == "." || part == "..")
      return "path template must not contain '" + part.string() + "' folders";
  return walk(
      path_template, [](std::string_view) {}, [](std::string_view) {});
}

ExpandedPath expand_path_template(std::string_view path_template, const PathFields& fields,
                                  const std::filesystem::path& root) {
  ExpandedPath out;
  if (auto problem = path_template_problem(path_template)) {
    out.error = *problem;
    return out;
  }
  using namespace std::chrono;
  const auto local = fields.time + fields.utc_offset;
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(local - day)};
  std::string text;
  walk(
      path_template, [&](std::string_view literal) { text += literal; },
      [&](std::string_view name) {
        if (name == "app") {
          text += sanitize_path_component(fields.app);
        } else if (name == "stream") {
          text += sanitize_path_component(fields.stream);
        } else if (name == "date") {
          text += std::to_string(int(ymd.year())) + "-" + two(unsigned(ymd.month())) + "-" +
                  two(unsigned(ymd.day()));
        } else if (name == "time") {
          text += two(unsigned(hms.hours().count())) + "-" + two(unsigned(hms.minutes().count())) +
                  "-" + two(unsigned(hms.seconds().count()));
        } else {
          text += std::to_string(floor<seconds>(fields.time.time_since_epoch()).count());
        }
      });
  try {
    out.path = path_inside(root, text);
  } catch (const std::invalid_argument&) {
    out.error = std::string("path '") + text + "' is outside the root folder";
  }
  return out;
}

std::filesystem::path numbered_path(const std::filesystem::path& path, unsigned n) {
  if (n == 0) return path;
  std::filesystem::path out = path;
  out.replace_filename(path.stem().string() + "-" + std::to_string(n) + path.extension().string());
  return out;
}

}  // namespace streamgate::flvrecord
