#include "config/config_document.hpp"

#include <cstring>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

namespace streamgate::config {

XmlSyntaxError::XmlSyntaxError(std::string file, int line, int column, const std::string& reason)
    : ConfigError(file, line, "", "malformed XML: " + reason),
      column_(column),
      text_(file + ":" + std::to_string(line) + ":" + std::to_string(column) +
            ": malformed XML: " + reason) {}

XmlSyntaxError::~XmlSyntaxError() = default;

struct ConfigDocument::Impl {
  std::shared_ptr<const SourceText> source;
  pugi::xml_document document;
  std::unique_ptr<XmlConfigNode> root;
};

ConfigDocument::ConfigDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigDocument::ConfigDocument(ConfigDocument&&) noexcept = default;
ConfigDocument& ConfigDocument::operator=(ConfigDocument&&) noexcept = default;
ConfigDocument::~ConfigDocument() = default;

const XmlConfigNode& ConfigDocument::root() const { return *impl_->root; }

const std::string& ConfigDocument::file() const { return impl_->source->file(); }

ConfigDocument ConfigDocument::load_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path.string(), 0, "",
                      std::string("cannot open the config file: ") + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path.string(), 0, "", "cannot read the config file");
  return parse(path.string(), text.str());
}

ConfigDocument ConfigDocument::parse(std::string file, std::string text) {
  auto impl = std::make_unique<Impl>();
  impl->source = std::make_shared<SourceText>(std::move(file), std::move(text));
  const SourceText& source = *impl->source;
  // Comments are dropped; pugixml keeps node offsets into its own copy of the
  // buffer, which matches the file byte for byte in UTF-8.
  const auto result = impl->document.load_buffer(source.text().data(), source.text().size(),
                                                  pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    const auto at = source.position(result.offset);
    throw XmlSyntaxError(source.file(), at.line, at.column, result.description());
  }
  pugi::xml_node root;
  for (auto child : impl->document.children()) {
    if (child.type() != pugi::node_element) continue;
    if (root) {
      throw ConfigError(source.file(), source.line(child.offset_debug()), "",
                        "<" + std::string(child.name()) +
                            ">: a second top-level element; everything belongs in <streamgate>");
    }
    root = child;
  }
  if (!root) throw ConfigError(source.file(), 1, "", "no <streamgate> element");
  if (std::string_view(root.name()) != "streamgate") {
    throw ConfigError(source.file(), source.line(root.offset_debug()), "",
                      "<" + std::string(root.name()) + ">: the root element must be <streamgate>");
  }
  impl->root = std::make_unique<XmlConfigNode>(root.internal_object(), impl->source, nullptr);
  return ConfigDocument(std::move(impl));
}

}  // namespace streamgate::config
