#pragma once
// Read-only view of one XML element of the gateway's config. A plugin receives
// its own <plugin> element and parses it once, in configure(), into a typed
// struct. Every accessor marks what it read; after configure() the host
// rejects any attribute or child element nobody read, so a typo such as
// <chunk-szie> is an error rather than silently ignored.
//
// A "setting" `key` may be written as an attribute (key="value") or as a child
// element (<key>value</key>); giving both is an error.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace streamgate {

/// A config problem, always naming file, line and element.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string element, const std::string& message);
  ~ConfigError() override;
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  const std::string& element() const noexcept { return element_; }

 private:
  std::string file_;
  int line_;
  std::string element_;
};

/// host:port, as written "0.0.0.0:1935", "[::]:1935", ":1935" or "1935".
struct ListenAddress {
  std::string host;  ///< "" means all interfaces (IPv4 and IPv6)
  std::uint16_t port = 0;
  std::string str() const;
};

class ConfigNode {
 public:
  virtual ~ConfigNode() = default;

  virtual std::string_view element() const = 0;  ///< element name, e.g. "plugin"
  virtual const std::string& file() const = 0;
  virtual int line() const = 0;

  /// The raw text of setting `key`, or nullopt when absent. Marks it read.
  virtual std::optional<std::string> raw(std::string_view key) const = 0;
  /// Line of setting `key` (its attribute's element or its child element).
  virtual int line_of(std::string_view key) const = 0;
  /// Child elements named `name` that are sections of their own (carry
  /// attributes or children). Marks them read; their own settings are checked too.
  virtual std::vector<const ConfigNode*> sections(std::string_view name) const = 0;

  // Typed accessors. Each throws ConfigError naming file, line, element and key.
  std::string string(std::string_view key, std::string_view fallback) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  bool boolean(std::string_view key, bool fallback) const;  ///< true/false/on/off/yes/no/1/0
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) const;
  /// "2s", "500ms", "1.5s", "2m", "1h"; a bare number means seconds.
  std::chrono::milliseconds duration(std::string_view key, std::chrono::milliseconds fallback,
                                     std::chrono::milliseconds min = std::chrono::milliseconds{0},
                                     std::chrono::milliseconds max = std::chrono::hours{24 * 365}) const;
  /// "4096", "64k", "16M", "1G" (binary multiples).
  std::uint64_t bytes(std::string_view key, std::uint64_t fallback, std::uint64_t min = 0,
                      std::uint64_t max = UINT64_MAX) const;
  /// One of `choices`, exactly.
  std::string one_of(std::string_view key, std::string_view fallback,
                     std::initializer_list<std::string_view> choices) const;
  /// A list separated by commas and/or white space.
  std::vector<std::string> list(std::string_view key) const;
  ListenAddress listen_address(std::string_view key, std::string_view fallback) const;

  /// Throws ConfigError for setting `key` of this element.
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;
  /// Throws ConfigError for this element itself.
  [[noreturn]] void fail(std::string_view message) const;
};

/// Parses a duration as ConfigNode::duration does; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
/// Parses a size as ConfigNode::bytes does; nullopt when malformed.
std::optional<std::uint64_t> parse_bytes(std::string_view text);
/// Parses a listen address; nullopt when malformed.
std::optional<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace streamgate
