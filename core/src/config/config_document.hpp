#pragma once
// A parsed config file: the XML document, its text (for line numbers) and the
// ConfigNode of its <streamgate> root. Node pointers handed out stay valid for
// the document's lifetime.

#include <filesystem>
#include <memory>
#include <string>

#include "config/xml_config_node.hpp"

namespace streamgate::config {

/// Malformed XML: what() reads "FILE:LINE:COLUMN: malformed XML: <pugixml's reason>".
class XmlSyntaxError : public ConfigError {
 public:
  XmlSyntaxError(std::string file, int line, int column, const std::string& reason);
  ~XmlSyntaxError() override;
  int column() const noexcept { return column_; }
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  int column_;
  std::string text_;
};

class ConfigDocument {
 public:
  /// Reads and parses `path`. Throws ConfigError: unreadable file, malformed
  /// XML (file:line:column and pugixml's reason) or a root other than <streamgate>.
  static ConfigDocument load_file(const std::filesystem::path& path);
  /// Parses `text` as if read from a file named `file`.
  static ConfigDocument parse(std::string file, std::string text);

  ConfigDocument(ConfigDocument&&) noexcept;
  ConfigDocument& operator=(ConfigDocument&&) noexcept;
  ~ConfigDocument();

  const XmlConfigNode& root() const;
  const std::string& file() const;

 private:
  struct Impl;
  explicit ConfigDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace streamgate::config
