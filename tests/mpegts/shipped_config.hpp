#pragma once
// For tests that keep etc/streamgate.xml true to the code: the shipped
// config's section of one plugin, and a ConfigNode that records which
// settings a parser asks for, so a test can check that the shipped file shows
// every setting the code reads, including ones added after the test was
// written. Header-only so any plugin's config test can use it (it needs
// core/src on the include path).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "config/config_document.hpp"
#include "config/xml_config_node.hpp"
#include "streamgate/config.hpp"

namespace streamgate::test {

class AskedSettings final : public ConfigNode {
 public:
  explicit AskedSettings(const ConfigNode& inner) : inner_(inner) {}

  std::string_view element() const override { return inner_.element(); }
  const std::string& file() const override { return inner_.file(); }
  int line() const override { return inner_.line(); }
  std::optional<std::string> raw(std::string_view key) const override {
    asked_.emplace(key);
    return inner_.raw(key);
  }
  int line_of(std::string_view key) const override { return inner_.line_of(key); }
  std::vector<const ConfigNode*> sections(std::string_view name) const override {
    asked_.emplace(name);
    return inner_.sections(name);
  }

  // Every key the parser asked for, present or not.
  const std::set<std::string, std::less<>>& asked() const { return asked_; }

 private:
  const ConfigNode& inner_;
  mutable std::set<std::string, std::less<>> asked_;
};

// etc/streamgate.xml of the source tree (STREAMGATE_SOURCE_DIR, set by ctest).
struct ShippedConfig {
  std::filesystem::path path;
  config::ConfigDocument document;

  static ShippedConfig load() {
    const char* source = std::getenv("STREAMGATE_SOURCE_DIR");
    if (!source) throw std::runtime_error("STREAMGATE_SOURCE_DIR is not set");
    auto path = std::filesystem::path(source) / "etc/streamgate.xml";
    auto document = config::ConfigDocument::load_file(path);
    return ShippedConfig{std::move(path), std::move(document)};
  }

  // The <plugin name="…"> element, or null (a test failure).
  const config::XmlConfigNode* plugin(std::string_view name) const {
    for (const auto* plugin : document.root().children("plugin"))
      if (plugin->raw("name") == name) return plugin;
    ADD_FAILURE() << path << " has no <plugin name=\"" << name << "\">";
    return nullptr;
  }
};

// Fails for every setting `asked` that `section` does not show, except `hidden`.
inline void expect_every_setting_shown(const AskedSettings& asked,
                                       const config::XmlConfigNode& section,
                                       std::initializer_list<std::string_view> hidden = {}) {
  for (const auto& key : asked.asked()) {
    if (std::find(hidden.begin(), hidden.end(), key) != hidden.end()) continue;
    EXPECT_TRUE(section.raw(key)) << "etc/streamgate.xml does not show " << key;
  }
}

}  // namespace streamgate::test
