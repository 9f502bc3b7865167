// The README promises a reference for every XML element and attribute, and
// etc/streamgate.xml shows every option (its own tests keep it equal to the
// code's defaults). This test closes the loop: every setting the shipped file
// shows has a row in the README's reference, in the section of its element.
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "support/temp_dir.hpp"

namespace {

std::filesystem::path source_dir() {
  const char* dir = std::getenv("STREAMGATE_SOURCE_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::path(".");
}

// The README section about one element: from its "### `<heading>`" line to the
// next "### " line.
std::string section(const std::string& readme, const std::string& heading) {
  const auto start = readme.find("### `" + heading + "`");
  if (start == std::string::npos) return {};
  const auto end = readme.find("\n### ", start + 1);
  return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Names of the settings an element shows: its attributes and child elements.
std::set<std::string> settings_of(const pugi::xml_node& element, const std::set<std::string>& skip) {
  std::set<std::string> names;
  for (const auto& attribute : element.attributes())
    if (!skip.count(attribute.name())) names.insert(attribute.name());
  for (const auto& child : element.children())
    if (child.type() == pugi::node_element && !skip.count(child.name())) names.insert(child.name());
  return names;
}

void expect_rows(const std::string& readme, const std::string& heading,
                 const std::set<std::string>& names) {
  const auto text = section(readme, heading);
  ASSERT_FALSE(text.empty()) << "README has no section ### `" << heading << "`";
  for (const auto& name : names)
    EXPECT_NE(text.find("| `" + name + "` |"), std::string::npos)
        << "README section " << heading << " has no row for `" << name << "`";
}

class ReadmeConfigReference : public ::testing::Test {
 protected:
  void SetUp() override {
    readme_ = streamgate::test::read_text(source_dir() / "README.md");
    ASSERT_FALSE(readme_.empty()) << "README.md not found under " << source_dir();
    const auto result = document_.load_file((source_dir() / "etc/streamgate.xml").c_str());
    ASSERT_TRUE(result) << "etc/streamgate.xml: " << result.description();
    root_ = document_.child("streamgate");
    ASSERT_TRUE(root_);
  }
  std::string readme_;
  pugi::xml_document document_;
  pugi::xml_node root_;
};

TEST_F(ReadmeConfigReference, EveryGatewayElementOfTheShippedConfigIsDocumented) {
  std::set<std::string> elements;
  for (const auto& child : root_.children()) {
    if (child.type() != pugi::node_element) continue;
    elements.insert(child.name());
    if (std::string(child.name()) == "plugin") continue;
    expect_rows(readme_, "<" + std::string(child.name()) + ">", settings_of(child, {}));
  }
  for (const auto& name : elements)
    EXPECT_NE(section(readme_, "<streamgate>").find("| `<" + name + ">` |"), std::string::npos)
        << "the root's table lacks <" << name << ">";
}

TEST_F(ReadmeConfigReference, EveryPluginSettingOfTheShippedConfigIsDocumented) {
  int plugins = 0;
  for (const auto& plugin : root_.children("plugin")) {
    ++plugins;
    const std::string heading = "<plugin name=\"" + std::string(plugin.attribute("name").value()) + "\">";
    expect_rows(readme_, heading, settings_of(plugin, {"name", "enabled"}));
  }
  EXPECT_GE(plugins, 4) << "the shipped config should show rtmp, mpegts, hls and flvrecord";
}

}  // namespace
