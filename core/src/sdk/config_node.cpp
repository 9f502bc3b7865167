// The typed accessors of ConfigNode and the value parsers behind them. Each
// accessor reads the raw text through the node (which marks the key read) and
// throws ConfigError naming file, line, element, key, the value and what was
// expected.

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>

#include "config/xml_config_node.hpp"
#include "streamgate/config.hpp"

namespace streamgate {
namespace {

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "12", "1.5": a decimal number times `unit`, exactly. Fractions must land on
// a whole number of units of the result (1.5k = 1536 bytes; 0.0005s is refused
// rather than silently truncated).
std::optional<std::uint64_t> scaled(std::string_view number, std::uint64_t unit) {
  const auto dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty())) return std::nullopt;
  if (fraction.size() > 9) return std::nullopt;
  auto all_digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!all_digits(whole) || !all_digits(fraction)) return std::nullopt;

  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), value);
  if (ec != std::errc{} || end != whole.data() + whole.size()) return std::nullopt;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  if (unit != 0 && value > kMax / unit) return std::nullopt;
  value *= unit;

  if (!fraction.empty()) {
    std::uint64_t numerator = 0;
    std::uint64_t denominator = 1;
    for (char c : fraction) {
      numerator = numerator * 10 + static_cast<std::uint64_t>(c - '0');
      denominator *= 10;
    }
    // numerator < 10^9 and unit is at most 2^40 (1T) or 3.6e6 (1h): no overflow.
    if (unit > kMax / denominator) return std::nullopt;
    const std::uint64_t part = numerator * unit;
    if (part % denominator != 0) return std::nullopt;
    if (value > kMax - part / denominator) return std::nullopt;
    value += part / denominator;
  }
  return value;
}

// Splits "1.5s" into number "1.5" and suffix "s".
std::pair<std::string_view, std::string_view> split_number(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  return {text.substr(0, i), text.substr(i)};
}

bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

std::string quoted(std::string_view value) { return "\"" + std::string(value) + "\""; }

}  // namespace

ConfigError::ConfigError(std::string file, int line, std::string element, const std::string& message)
    : std::runtime_error(
          // Line 0: about the file as a whole (it cannot be opened).
          (line > 0 ? file + ":" + std::to_string(line) : file) + ": " +
          // The message normally names the element already (ConfigNode::fail does);
          // a caller who built one by hand still gets it named.
          (element.empty() || message.find(element) != std::string::npos ? message
                                                                        : element + ": " + message)),
      file_(std::move(file)),
      line_(line),
      element_(std::move(element)) {}

ConfigError::~ConfigError() = default;

std::string ListenAddress::str() const {
  const std::string port_text = std::to_string(port);
  if (host.empty()) return "*:" + port_text;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port_text;
  return host + ":" + port_text;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  text = trim(text);
  auto [number, suffix] = split_number(text);
  std::uint64_t unit_ms = 0;
  if (suffix.empty() || suffix == "s") unit_ms = 1000;
  else if (suffix == "ms") unit_ms = 1;
  else if (suffix == "m" || suffix == "min") unit_ms = 60'000;
  else if (suffix == "h") unit_ms = 3'600'000;
  else return std::nullopt;
  auto value = scaled(number, unit_ms);
  if (!value || *value > static_cast<std::uint64_t>(std::chrono::milliseconds::max().count()))
    return std::nullopt;
  return std::chrono::milliseconds{static_cast<std::int64_t>(*value)};
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  text = trim(text);
  auto [number, suffix] = split_number(text);
  // "16M", "16MB" and "16MiB" all mean 16 * 2^20: sizes here are always binary.
  std::string unit = lower(suffix);
  if (unit.size() == 3 && unit.ends_with("ib")) unit.resize(1);
  else if (unit.size() == 2 && unit.back() == 'b') unit.pop_back();
  std::uint64_t multiplier = 0;
  if (unit.empty() || unit == "b") multiplier = 1;
  else if (unit == "k") multiplier = 1ull << 10;
  else if (unit == "m") multiplier = 1ull << 20;
  else if (unit == "g") multiplier = 1ull << 30;
  else if (unit == "t") multiplier = 1ull << 40;
  else return std::nullopt;
  return scaled(number, multiplier);
}

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
  text = trim(text);
  ListenAddress out;
  std::string_view port_text = text;
  if (!text.empty() && text.front() == '[') {
    // "[v6]:port" (RFC 3986 host syntax, as every server writes IPv6 listens)
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    out.host = std::string(text.substr(1, close - 1));
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(out.host, ec);
    if (ec) return std::nullopt;
    port_text = text.substr(close + 2);
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    const std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6 needs []
    if (host != "*" && !host.empty()) {
      if (!valid_host_name(host)) return std::nullopt;
      out.host = std::string(host);
    }
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  unsigned port = 0;
  std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port == 0 || port > 65535) return std::nullopt;
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

std::string ConfigNode::string(std::string_view key, std::string_view fallback) const {
  auto value = raw(key);
  return value ? *value : std::string(fallback);
}

std::optional<std::string> ConfigNode::optional_string(std::string_view key) const {
  return raw(key);
}

bool ConfigNode::boolean(std::string_view key, bool fallback) const {
  auto value = raw(key);
  if (!value) return fallback;
  const std::string word = lower(trim(*value));
  if (word == "true" || word == "on" || word == "yes" || word == "1") return true;
  if (word == "false" || word == "off" || word == "no" || word == "0") return false;
  fail(key, quoted(*value) + " is not a boolean; expected true/false, on/off, yes/no or 1/0");
}

std::int64_t ConfigNode::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const {
  auto value = raw(key);
  if (!value) return fallback;
  const std::string_view text = trim(*value);
  const std::string expected =
      "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || end != text.data() + text.size() || ec == std::errc::invalid_argument)
    fail(key, quoted(*value) + " is not an integer; " + expected);
  if (ec == std::errc::result_out_of_range || number < min || number > max)
    fail(key, quoted(*value) + " is out of range; " + expected);
  return number;
}

std::chrono::milliseconds ConfigNode::duration(std::string_view key,
                                               std::chrono::milliseconds fallback,
                                               std::chrono::milliseconds min,
                                               std::chrono::milliseconds max) const {
  auto value = raw(key);
  if (!value) return fallback;
  auto parsed = parse_duration(*value);
  const std::string range =
      "from " + std::to_string(min.count()) + "ms to " + std::to_string(max.count()) + "ms";
  if (!parsed)
    fail(key, quoted(*value) + " is not a duration; expected e.g. \"2s\", \"500ms\", \"1.5s\", "
                               "\"2m\" or \"1h\" (a bare number means seconds), " + range);
  if (*parsed < min || *parsed > max) fail(key, quoted(*value) + " is out of range; expected " + range);
  return *parsed;
}

std::uint64_t ConfigNode::bytes(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                                std::uint64_t max) const {
  auto value = raw(key);
  if (!value) return fallback;
  auto parsed = parse_bytes(*value);
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max) + " bytes";
  if (!parsed)
    fail(key, quoted(*value) +
                  " is not a size; expected e.g. \"4096\", \"64k\", \"16M\" or \"1G\" (binary "
                  "multiples), " + range);
  if (*parsed < min || *parsed > max) fail(key, quoted(*value) + " is out of range; expected " + range);
  return *parsed;
}

std::string ConfigNode::one_of(std::string_view key, std::string_view fallback,
                               std::initializer_list<std::string_view> choices) const {
  auto value = raw(key);
  if (!value) return std::string(fallback);
  for (auto choice : choices)
    if (*value == choice) return *value;
  std::string expected;
  for (auto choice : choices) expected += (expected.empty() ? "" : ", ") + quoted(choice);
  fail(key, quoted(*value) + " is not allowed; expected one of " + expected);
}

std::vector<std::string> ConfigNode::list(std::string_view key) const {
  std::vector<std::string> out;
  auto value = raw(key);
  if (!value) return out;
  std::string item;
  for (char c : *value) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!item.empty()) out.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty()) out.push_back(std::move(item));
  return out;
}

ListenAddress ConfigNode::listen_address(std::string_view key, std::string_view fallback) const {
  auto value = raw(key);
  const std::string text = value ? *value : std::string(fallback);
  auto parsed = parse_listen_address(text);
  if (!parsed)
    fail(key, quoted(text) + " is not a listen address; expected host:port with a port from 1 to "
                             "65535, e.g. \"0.0.0.0:1935\", \"[::]:1935\" or \"1935\"");
  return *parsed;
}

void ConfigNode::fail(std::string_view key, std::string_view message) const {
  const std::string element_text = config::describe(*this);
  throw ConfigError(file(), line_of(key), element_text,
                    std::string(key) + " in " + element_text + ": " + std::string(message));
}

void ConfigNode::fail(std::string_view message) const {
  const std::string element_text = config::describe(*this);
  throw ConfigError(file(), line(), element_text, element_text + ": " + std::string(message));
}

}  // namespace streamgate
