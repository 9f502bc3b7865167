// The typed accessors of ConfigNode over a real XML element: values written
// as attributes or as child elements, fallbacks, and the read tracking that
// turns a typo into an error.
#include <gtest/gtest.h>

#include "config/config_document.hpp"

namespace streamgate::config {
namespace {

using std::chrono::milliseconds;

const char* const kPlugin = R"(<streamgate>
  <plugin name="demo" port="1935" on="yes" off="0" size="64k" mode="fast"
          listen="[::]:1936" upper="TRUE">
    <fragment> 1.5s </fragment>
    <hosts>a, b  c,d</hosts>
    <variant name="hd" bitrate="3M"/>
    <variant name="sd"/>
  </plugin>
</streamgate>
)";

class TypedAccessors : public ::testing::Test {
 protected:
  ConfigDocument document_ = ConfigDocument::parse("demo.xml", kPlugin);
  const XmlConfigNode& plugin_ = *document_.root().children("plugin").at(0);
};

TEST_F(TypedAccessors, ReadsAttributesAndElementsAlike) {
  EXPECT_EQ(plugin_.integer("port", 1, 1, 65535), 1935);
  EXPECT_TRUE(plugin_.boolean("on", false));
  EXPECT_FALSE(plugin_.boolean("off", true));
  EXPECT_TRUE(plugin_.boolean("upper", false));
  EXPECT_EQ(plugin_.bytes("size", 0), 65'536u);
  EXPECT_EQ(plugin_.duration("fragment", milliseconds{0}), milliseconds{1500});
  EXPECT_EQ(plugin_.one_of("mode", "slow", {"slow", "fast"}), "fast");
  EXPECT_EQ(plugin_.list("hosts"), (std::vector<std::string>{"a", "b", "c", "d"}));
  const auto listen = plugin_.listen_address("listen", "1935");
  EXPECT_EQ(listen.host, "::");
  EXPECT_EQ(listen.port, 1936);
  EXPECT_EQ(plugin_.string("name", ""), "demo");
}

TEST_F(TypedAccessors, AbsentKeysGiveTheFallback) {
  EXPECT_EQ(plugin_.string("missing", "dflt"), "dflt");
  EXPECT_EQ(plugin_.optional_string("missing"), std::nullopt);
  EXPECT_TRUE(plugin_.boolean("missing", true));
  EXPECT_EQ(plugin_.integer("missing", -7, -10, 10), -7);
  EXPECT_EQ(plugin_.duration("missing", milliseconds{250}), milliseconds{250});
  EXPECT_EQ(plugin_.bytes("missing", 99), 99u);
  EXPECT_EQ(plugin_.one_of("missing", "b", {"a", "b"}), "b");
  EXPECT_TRUE(plugin_.list("missing").empty());
  EXPECT_EQ(plugin_.listen_address("missing", "[::1]:99").str(), "[::1]:99");
}

TEST_F(TypedAccessors, SectionsAreNodesOfTheirOwn) {
  const auto variants = plugin_.sections("variant");
  ASSERT_EQ(variants.size(), 2u);
  EXPECT_EQ(variants[0]->element(), "variant");
  EXPECT_EQ(variants[0]->string("name", ""), "hd");
  EXPECT_EQ(variants[0]->bytes("bitrate", 0), 3u << 20);
  EXPECT_EQ(variants[0]->line(), 6);
  EXPECT_EQ(variants[1]->line(), 7);
  EXPECT_EQ(variants[1]->string("name", ""), "sd");
  EXPECT_EQ(variants[1]->file(), "demo.xml");
  // Asking again hands out the same nodes (their read marks are kept).
  EXPECT_EQ(plugin_.sections("variant")[0], variants[0]);
}

TEST_F(TypedAccessors, LineOfASettingIsWhereItIsWritten) {
  EXPECT_EQ(plugin_.line(), 2);
  EXPECT_EQ(plugin_.line_of("port"), 2);      // attribute: the line it is on
  EXPECT_EQ(plugin_.line_of("listen"), 3);    // the start tag spans two lines
  EXPECT_EQ(plugin_.line_of("missing"), 2);   // absent: the element's line
  EXPECT_EQ(plugin_.line_of("fragment"), 4);  // child element: its own line
  EXPECT_EQ(plugin_.line_of("hosts"), 5);
}

TEST_F(TypedAccessors, EverythingReadPassesTheUnreadCheck) {
  for (const char* key : {"name", "port", "on", "off", "size", "mode", "listen", "upper",
                          "fragment", "hosts"})
    plugin_.raw(key);
  for (const auto* variant : plugin_.sections("variant")) {
    variant->raw("name");
    variant->raw("bitrate");
  }
  EXPECT_NO_THROW(plugin_.check_all_read());
}

TEST_F(TypedAccessors, AnUnreadSettingFailsTheCheck) {
  for (const char* key : {"name", "port", "on", "off", "size", "mode", "listen", "upper",
                          "fragment"})
    plugin_.raw(key);
  plugin_.sections("variant");
  try {
    plugin_.check_all_read();
    FAIL() << "unread <hosts> was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "demo.xml:5: <hosts> in <plugin name=\"demo\">: unknown element");
    EXPECT_EQ(e.line(), 5);
  }
}

TEST_F(TypedAccessors, IgnoredNodesPassUnread) {
  plugin_.ignore_unread();
  EXPECT_NO_THROW(plugin_.check_all_read());
}

}  // namespace
}  // namespace streamgate::config
