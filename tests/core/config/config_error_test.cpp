// Every kind of config mistake is reported as FILE:LINE: <what> in <element>:
// <reason>, so an operator can go straight to the line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config_document.hpp"
#include "config/gateway_config.hpp"
#include "streamgate/names.hpp"

namespace streamgate::config {
namespace {

using std::chrono::milliseconds;

// Parses `xml` as "test.xml" and returns ConfigError::what(), or "" if it parsed.
// `plugin_reads` plays a plugin's configure() on the first <plugin> element.
std::string error_of(const std::string& xml,
                     const std::function<void(const ConfigNode&)>& plugin_reads = {}) {
  try {
    auto document = ConfigDocument::parse("test.xml", xml);
    auto config = parse_gateway_config(document.root());
    if (plugin_reads) {
      plugin_reads(*config.plugins.at(0).node);
      config.plugins.at(0).node->check_all_read();
    }
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigErrors, MalformedXmlNamesFileLineColumnAndReason) {
  const std::string xml =
      "<streamgate>\n"
      "  <log level=\"info\"/>\n"
      "  <http listen=\"1:2\"></htp>\n"
      "</streamgate>\n";
  try {
    ConfigDocument::parse("bad.xml", xml);
    FAIL() << "malformed XML accepted";
  } catch (const XmlSyntaxError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.file(), "bad.xml");
    // pugixml reports a mismatch where the end tag's name starts: 21 characters
    // precede "</htp>" on line 3, so '<' is column 22 and the name column 24.
    EXPECT_EQ(e.column(), 24);
    EXPECT_STREQ(e.what(), "bad.xml:3:24: malformed XML: Start-end tags mismatch");
  }
}

TEST(ConfigErrors, UnclosedElementIsMalformed) {
  try {
    ConfigDocument::parse("bad.xml", "<streamgate>\n  <app name=\"live\">\n");
    FAIL() << "unclosed element accepted";
  } catch (const XmlSyntaxError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.xml:"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("malformed XML: "), std::string::npos);
  }
}

TEST(ConfigErrors, UnknownGatewayElementSuggestsTheNearestName) {
  EXPECT_EQ(error_of("<streamgate>\n"
                     "  <app name=\"live\"/>\n"
                     "  <wokers threads=\"2\"/>\n"
                     "</streamgate>\n"),
            "test.xml:3: <wokers> in <streamgate>: unknown element; did you mean <workers>?");
}

TEST(ConfigErrors, UnknownElementInAPluginAfterConfigure) {
  const std::string xml =
      "<streamgate>\n"
      "  <app name=\"live\"/>\n"
      "  <plugin name=\"rtmp\">\n"
      "    <chunk-size>4096</chunk-size>\n"
      "    <chunk-szie>4096</chunk-szie>\n"
      "  </plugin>\n"
      "</streamgate>\n";
  EXPECT_EQ(error_of(xml, [](const ConfigNode& node) { node.bytes("chunk-size", 128); }),
            "test.xml:5: <chunk-szie> in <plugin name=\"rtmp\">: unknown element; did you mean "
            "<chunk-size>?");
}

TEST(ConfigErrors, UnknownAttribute) {
  EXPECT_EQ(error_of("<streamgate>\n"
                     "\n"
                     "  <http listen=\"8080\" keepalive=\"5s\"/>\n"
                     "</streamgate>\n"),
            "test.xml:3: keepalive=\"5s\" in <http>: unknown attribute");
}

TEST(ConfigErrors, AttributesOnALaterLineOfTheStartTagNameThatLine) {
  EXPECT_EQ(error_of("<streamgate>\n"
                     "  <http listen=\"8080\"\n"
                     "        keepalive-timeout=\"1x\"/>\n"
                     "</streamgate>\n"),
            "test.xml:3: keepalive-timeout in <http>: \"1x\" is not a duration; expected e.g. "
            "\"2s\", \"500ms\", \"1.5s\", \"2m\" or \"1h\" (a bare number means seconds), from "
            "100ms to 3600000ms");
  // A name inside a quoted value is not the attribute.
  EXPECT_EQ(error_of("<streamgate>\n"
                     "  <log file=\" color=x\"\n"
                     "       color=\"yes\"/>\n"
                     "</streamgate>\n"),
            "test.xml:3: color=\"yes\" in <log>: unknown attribute");
}

TEST(ConfigErrors, UnknownAttributeOfANestedSectionNamesBothElements) {
  const std::string xml =
      "<streamgate>\n"
      "  <plugin name=\"hls\">\n"
      "    <variant name=\"hd\" bogus=\"1\"/>\n"
      "  </plugin>\n"
      "</streamgate>\n";
  EXPECT_EQ(error_of(xml,
                     [](const ConfigNode& node) {
                       for (const auto* variant : node.sections("variant")) variant->raw("name");
                     }),
            "test.xml:3: bogus=\"1\" in <variant name=\"hd\"> in <plugin name=\"hls\">: unknown "
            "attribute");
}

TEST(ConfigErrors, SettingGivenAsAttributeAndElement) {
  const std::string xml =
      "<streamgate>\n"
      "  <plugin name=\"hls\" fragment=\"2s\">\n"
      "    <fragment>3s</fragment>\n"
      "  </plugin>\n"
      "</streamgate>\n";
  EXPECT_EQ(error_of(xml, [](const ConfigNode& node) { node.duration("fragment", milliseconds{1}); }),
            "test.xml:3: fragment in <plugin name=\"hls\">: given both as attribute "
            "fragment=\"2s\" and as element <fragment>; use one");
}

TEST(ConfigErrors, SettingElementGivenTwice) {
  const std::string xml =
      "<streamgate>\n"
      "  <plugin name=\"rtmp\">\n"
      "    <listen>1935</listen>\n"
      "    <listen>1936</listen>\n"
      "  </plugin>\n"
      "</streamgate>\n";
  const auto error = error_of(xml, [](const ConfigNode& node) { node.listen_address("listen", "1"); });
  EXPECT_EQ(error.rfind("test.xml:4: <listen> in <plugin name=\"rtmp\">: given more than once", 0), 0u)
      << error;
}

TEST(ConfigErrors, BadListenPort) {
  EXPECT_EQ(error_of("<streamgate>\n"
                     "  <http listen=\"0.0.0.0:70000\"/>\n"
                     "</streamgate>\n"),
            "test.xml:2: listen in <http>: \"0.0.0.0:70000\" is not a listen address; expected "
            "host:port with a port from 1 to 65535, e.g. \"0.0.0.0:8080\", \"[::]:8080\" or "
            "\"8080\"");
}

TEST(ConfigErrors, BadIntegerPortInAPlugin) {
  const std::string xml =
      "<streamgate>\n"
      "  <plugin name=\"rtmp\" port=\"70000\"/>\n"
      "</streamgate>\n";
  EXPECT_EQ(error_of(xml, [](const ConfigNode& node) { node.integer("port", 1935, 1, 65535); }),
            "test.xml:2: port in <plugin name=\"rtmp\">: \"70000\" is out of range; expected an "
            "integer from 1 to 65535");
}

TEST(ConfigErrors, NotAnInteger) {
  EXPECT_EQ(error_of("<streamgate>\n  <workers threads=\"four\"/>\n</streamgate>\n"),
            "test.xml:2: threads in <workers>: \"four\" is not an integer; expected an integer "
            "from 0 to 1024");
}

TEST(ConfigErrors, BadDuration) {
  const std::string xml =
      "<streamgate>\n"
      "  <plugin name=\"hls\">\n"
      "    <fragment>2x</fragment>\n"
      "  </plugin>\n"
      "</streamgate>\n";
  const auto error =
      error_of(xml, [](const ConfigNode& node) { node.duration("fragment", milliseconds{2000}); });
  EXPECT_EQ(error.rfind("test.xml:3: fragment in <plugin name=\"hls\">: \"2x\" is not a duration; "
                        "expected e.g. \"2s\"",
                        0),
            0u)
      << error;
}

TEST(ConfigErrors, DurationOutOfRange) {
  EXPECT_EQ(error_of("<streamgate>\n  <http keepalive-timeout=\"2h\"/>\n</streamgate>\n"),
            "test.xml:2: keepalive-timeout in <http>: \"2h\" is out of range; expected from 100ms "
            "to 3600000ms");
}

TEST(ConfigErrors, BadSize) {
  const auto error = error_of("<streamgate>\n  <http max-request-size=\"16q\"/>\n</streamgate>\n");
  EXPECT_EQ(error.rfind("test.xml:2: max-request-size in <http>: \"16q\" is not a size; expected "
                        "e.g. \"4096\", \"64k\"",
                        0),
            0u)
      << error;
}

TEST(ConfigErrors, BadBoolean) {
  EXPECT_EQ(error_of("<streamgate>\n  <log console=\"maybe\"/>\n</streamgate>\n"),
            "test.xml:2: console in <log>: \"maybe\" is not a boolean; expected true/false, "
            "on/off, yes/no or 1/0");
}

TEST(ConfigErrors, BadChoice) {
  EXPECT_EQ(error_of("<streamgate>\n  <log level=\"verbose\"/>\n</streamgate>\n"),
            "test.xml:2: level in <log>: \"verbose\" is not allowed; expected one of \"trace\", "
            "\"debug\", \"info\", \"warn\", \"error\", \"critical\", \"off\"");
}

TEST(ConfigErrors, MissingRequiredAttribute) {
  EXPECT_EQ(error_of("<streamgate>\n  <app name=\"live\"/>\n  <app/>\n</streamgate>\n"),
            "test.xml:3: name in <app>: missing; every <app> needs a name, e.g. <app "
            "name=\"live\">");
}

TEST(ConfigErrors, DuplicateHttp) {
  EXPECT_EQ(error_of("<streamgate>\n"
                     "  <http listen=\"8080\"/>\n"
                     "  <app name=\"live\"/>\n"
                     "  <http listen=\"8081\"/>\n"
                     "</streamgate>\n"),
            "test.xml:4: <http>: given more than once; at most one <http> is allowed (the first "
            "is at line 2)");
}

TEST(ConfigErrors, DuplicateNames) {
  EXPECT_EQ(error_of("<streamgate>\n  <app name=\"live\"/>\n  <app name=\"live\"/>\n</streamgate>\n"),
            "test.xml:3: name in <app name=\"live\">: app \"live\" given twice");
  EXPECT_EQ(error_of("<streamgate>\n  <plugin name=\"hls\"/>\n  <plugin name=\"hls\"/>\n"
                     "</streamgate>\n"),
            "test.xml:3: name in <plugin name=\"hls\">: plugin \"hls\" given twice");
}

TEST(ConfigErrors, PluginNamesCannotEscapeThePluginFolder) {
  const auto error = error_of("<streamgate>\n  <plugin name=\"../evil\"/>\n</streamgate>\n");
  EXPECT_EQ(error.rfind("test.xml:2: name in <plugin name=\"../evil\">: \"../evil\" is not a valid "
                        "plugin name",
                        0),
            0u)
      << error;
}

TEST(ConfigErrors, AppNamesFollowTheNetworkNameRules) {
  // The same rule (names.hpp) that RTMP and HTTP apply to names from clients.
  const auto problem = name_problem("a/b");
  ASSERT_TRUE(problem);
  EXPECT_EQ(error_of("<streamgate>\n  <app name=\"a/b\"/>\n</streamgate>\n"),
            "test.xml:2: name in <app name=\"a/b\">: \"a/b\" is not a valid app name: " + *problem);
  EXPECT_NE(error_of("<streamgate><app name=\"..\"/></streamgate>"), "");
  EXPECT_EQ(error_of("<streamgate><app name=\"live-2.hd\"/></streamgate>"), "");
}

TEST(ConfigErrors, StrayText) {
  EXPECT_EQ(error_of("<streamgate>\n  <http>\n    oops\n  </http>\n</streamgate>\n"),
            "test.xml:3: text \"oops\" in <http>: unexpected text; settings are attributes or "
            "child elements");
}

TEST(ConfigErrors, ASettingElementCannotBeASection) {
  const std::string xml =
      "<streamgate>\n"
      "  <http>\n"
      "    <listen port=\"80\"/>\n"
      "  </http>\n"
      "</streamgate>\n";
  EXPECT_EQ(error_of(xml), "test.xml:3: <listen> in <http>: expected a value as text, found "
                           "attributes or elements");
}

TEST(ConfigErrors, RootMustBeStreamgate) {
  EXPECT_EQ(error_of("<?xml version=\"1.0\"?>\n<nginx/>\n"),
            "test.xml:2: <nginx>: the root element must be <streamgate>");
}

TEST(ConfigErrors, UnreadableFileNamesTheFile) {
  const std::filesystem::path missing = "/nonexistent-streamgate-dir/streamgate.xml";
  try {
    ConfigDocument::load_file(missing);
    FAIL() << "missing file accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent-streamgate-dir/streamgate.xml: cannot open the config file: No such "
              "file or directory");
  }
}

TEST(ConfigErrors, LinesComeFromTheFileOnDisk) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("streamgate-config-test-" + std::to_string(::testing::UnitTest::GetInstance()
                                                                     ->random_seed()) + ".xml");
  {
    std::ofstream out(path);
    out << "<?xml version=\"1.0\"?>\n<!-- comment\n spanning lines -->\n<streamgate>\n"
           "  <workers threads=\"2000\"/>\n</streamgate>\n";
  }
  std::string error;
  try {
    auto document = ConfigDocument::load_file(path);
    parse_gateway_config(document.root());
  } catch (const ConfigError& e) {
    error = e.what();
  }
  std::filesystem::remove(path);
  EXPECT_EQ(error, path.string() + ":5: threads in <workers>: \"2000\" is out of range; expected "
                                   "an integer from 0 to 1024");
}

TEST(ConfigErrors, ConfigErrorAlwaysNamesItsElement) {
  const ConfigError error("f.xml", 7, "<hls>", "fragment must exceed part");
  EXPECT_STREQ(error.what(), "f.xml:7: <hls>: fragment must exceed part");
  EXPECT_EQ(error.element(), "<hls>");
  EXPECT_EQ(error.line(), 7);
}

}  // namespace
}  // namespace streamgate::config
