#include "config/xml_config_node.hpp"

#include <algorithm>
#include <cctype>
#include <pugixml.hpp>

namespace streamgate::config {
namespace {

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

// A setting written as an element holds text only; anything else is a section.
bool is_section(const pugi::xml_node& node) {
  if (node.first_attribute()) return true;
  for (auto child : node.children())
    if (child.type() == pugi::node_element) return true;
  return false;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

XmlConfigNode::XmlConfigNode(pugi::xml_node_struct* node, std::shared_ptr<const SourceText> source,
                             const XmlConfigNode* parent)
    : node_(node), source_(std::move(source)), parent_(parent), name_(pugi::xml_node(node).name()) {}

XmlConfigNode::~XmlConfigNode() = default;

std::string_view XmlConfigNode::element() const { return name_; }

const std::string& XmlConfigNode::file() const { return source_->file(); }

int XmlConfigNode::line() const { return source_->line(pugi::xml_node(node_).offset_debug()); }

std::string XmlConfigNode::description() const {
  const pugi::xml_node node(node_);
  std::string text = "<" + name_;
  if (auto name = node.attribute("name")) text += " name=\"" + std::string(name.value()) + "\"";
  text += ">";
  // The root (<streamgate>) adds nothing; deeper sections name their parent.
  if (parent_ && parent_->parent_) text += " in " + parent_->description();
  return text;
}

std::optional<std::string> XmlConfigNode::raw(std::string_view key) const {
  asked_keys_.emplace(key);
  const pugi::xml_node node(node_);
  const std::string key_text(key);
  const pugi::xml_attribute attribute = node.attribute(key_text.c_str());
  pugi::xml_node element;
  for (auto child : node.children(key_text.c_str())) {
    if (element) {
      throw ConfigError(file(), source_->line(child.offset_debug()), description(),
                        "<" + key_text + "> in " + description() +
                            ": given more than once; write one value (lists take several "
                            "values separated by commas or spaces)");
    }
    element = child;
  }
  if (attribute && element) {
    throw ConfigError(file(), source_->line(element.offset_debug()), description(),
                      key_text + " in " + description() + ": given both as attribute " + key_text +
                          "=\"" + attribute.value() + "\" and as element <" + key_text +
                          ">; use one");
  }
  if (element) {
    read_children_.insert(element.internal_object());
    if (is_section(element)) {
      throw ConfigError(file(), source_->line(element.offset_debug()), description(),
                        "<" + key_text + "> in " + description() +
                            ": expected a value as text, found attributes or elements");
    }
    return trimmed(element.text().get());
  }
  if (attribute) {
    read_attributes_.insert(key_text);
    return std::string(attribute.value());
  }
  return std::nullopt;
}

int XmlConfigNode::line_of(std::string_view key) const {
  const std::string key_text(key);
  if (auto child = pugi::xml_node(node_).child(key_text.c_str()))
    return source_->line(child.offset_debug());
  return attribute_line(key);
}

int XmlConfigNode::attribute_line(std::string_view name) const {
  // pugixml keeps no offsets for attributes: find ` name=` in the start tag
  // (outside quoted values), which may span several lines.
  const std::string& text = source_->text();
  const std::ptrdiff_t start = pugi::xml_node(node_).offset_debug();
  if (start < 0) return line();
  char quote = 0;
  for (auto i = static_cast<std::size_t>(start); i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    if (c == '>') break;
    if (!std::isspace(static_cast<unsigned char>(c)) || text.compare(i + 1, name.size(), name) != 0)
      continue;
    auto after = i + 1 + name.size();
    while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
    if (after < text.size() && text[after] == '=')
      return source_->line(static_cast<std::ptrdiff_t>(i + 1));
  }
  return line();
}

const XmlConfigNode& XmlConfigNode::section_node(pugi::xml_node_struct* child) const {
  for (const auto& section : sections_)
    if (section->node_ == child) return *section;
  sections_.push_back(std::make_unique<XmlConfigNode>(child, source_, this));
  return *sections_.back();
}

std::vector<const XmlConfigNode*> XmlConfigNode::children(std::string_view name) const {
  asked_keys_.emplace(name);
  std::vector<const XmlConfigNode*> out;
  const std::string name_text(name);
  for (auto child : pugi::xml_node(node_).children(name_text.c_str())) {
    read_children_.insert(child.internal_object());
    out.push_back(&section_node(child.internal_object()));
  }
  return out;
}

std::vector<const ConfigNode*> XmlConfigNode::sections(std::string_view name) const {
  auto typed = children(name);
  return {typed.begin(), typed.end()};
}

std::string XmlConfigNode::suggestion(std::string_view unknown) const {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, unknown.size() / 3) + 1;
  for (const auto& key : asked_keys_) {
    const std::size_t distance = edit_distance(unknown, key);
    if (distance < best_distance) {
      best = key;
      best_distance = distance;
    }
  }
  return best;
}

void XmlConfigNode::check_all_read(std::initializer_list<std::string_view> skip) const {
  if (ignore_unread_) return;
  const pugi::xml_node node(node_);
  for (auto attribute : node.attributes()) {
    if (read_attributes_.count(std::string_view(attribute.name()))) continue;
    std::string message = std::string(attribute.name()) + "=\"" + attribute.value() + "\" in " +
                          description() + ": unknown attribute";
    if (auto hint = suggestion(attribute.name()); !hint.empty())
      message += "; did you mean " + hint + "?";
    throw ConfigError(file(), attribute_line(attribute.name()), description(), message);
  }
  for (auto child : node.children()) {
    const int child_line = source_->line(child.offset_debug());
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      const std::string_view text = child.value();
      if (is_blank(text)) continue;
      const auto first = std::find_if(text.begin(), text.end(), [](unsigned char c) {
        return std::isspace(c) == 0;
      });
      const int text_line = source_->line(child.offset_debug() + (first - text.begin()));
      throw ConfigError(file(), text_line, description(),
                        "text \"" + trimmed(child.value()) + "\" in " + description() +
                            ": unexpected text; settings are attributes or child elements");
    }
    if (child.type() != pugi::node_element) continue;
    if (!read_children_.count(child.internal_object())) {
      std::string message = "<" + std::string(child.name()) + "> in " + description() +
                            ": unknown element";
      if (auto hint = suggestion(child.name()); !hint.empty())
        message += "; did you mean <" + hint + ">?";
      throw ConfigError(file(), child_line, description(), message);
    }
    if (std::find(skip.begin(), skip.end(), std::string_view(child.name())) != skip.end())
      continue;
    for (const auto& section : sections_)
      if (section->node_ == child.internal_object()) section->check_all_read();
  }
}

std::string describe(const ConfigNode& node) {
  if (const auto* xml = dynamic_cast<const XmlConfigNode*>(&node)) return xml->description();
  return "<" + std::string(node.element()) + ">";
}

}  // namespace streamgate::config
