#pragma once
// ConfigNode over one pugixml element. It remembers which attributes and child
// elements were read so that, once the host or a plugin is done with it,
// anything left unread is reported as a typo with file and line. pugixml
// itself stays out of this header (only a pointer to its node crosses).

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/source_text.hpp"
#include "streamgate/config.hpp"

namespace pugi {
struct xml_node_struct;
}

namespace streamgate::config {

class XmlConfigNode final : public ConfigNode {
 public:
  XmlConfigNode(pugi::xml_node_struct* node, std::shared_ptr<const SourceText> source,
                const XmlConfigNode* parent);
  ~XmlConfigNode() override;
  XmlConfigNode(const XmlConfigNode&) = delete;
  XmlConfigNode& operator=(const XmlConfigNode&) = delete;

  std::string_view element() const override;
  const std::string& file() const override;
  int line() const override;
  std::optional<std::string> raw(std::string_view key) const override;
  int line_of(std::string_view key) const override;
  std::vector<const ConfigNode*> sections(std::string_view name) const override;

  /// The same as sections(), typed for the host.
  std::vector<const XmlConfigNode*> children(std::string_view name) const;

  /// `<plugin name="rtmp">`, followed by " in <parent…>" below the top level,
  /// so a message names which element the line holds.
  std::string description() const;

  /// Throws ConfigError for the first attribute, child element or text that
  /// nobody read, in document order, descending into sections that were read.
  /// Sections named in `skip` are not descended into (checked separately).
  void check_all_read(std::initializer_list<std::string_view> skip = {}) const;

  /// Accepts everything below this element as read (a disabled plugin's
  /// settings are not checked: nobody knows them).
  void ignore_unread() const { ignore_unread_ = true; }

 private:
  const XmlConfigNode& section_node(pugi::xml_node_struct* child) const;
  std::string suggestion(std::string_view unknown) const;
  int attribute_line(std::string_view name) const;

  pugi::xml_node_struct* node_;
  std::shared_ptr<const SourceText> source_;
  const XmlConfigNode* parent_;
  std::string name_;
  mutable std::set<std::string, std::less<>> read_attributes_;
  mutable std::set<pugi::xml_node_struct*> read_children_;
  mutable std::set<std::string, std::less<>> asked_keys_;  // for "did you mean"
  mutable std::vector<std::unique_ptr<XmlConfigNode>> sections_;
  mutable bool ignore_unread_ = false;
};

/// The node's description() if it is an XmlConfigNode, else "<element>".
std::string describe(const ConfigNode& node);

}  // namespace streamgate::config
