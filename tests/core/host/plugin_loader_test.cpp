// The plugin loader against fixture plugins built as real MODULE libraries:
// a good one, and one for every reason a library must be refused. Each
// refusal names the file and both values.
#include <gtest/gtest.h>

#include <cstdlib>
#include <dlfcn.h>  // to observe (un)loading from outside the loader
#include <filesystem>
#include <fstream>
#include <spdlog/logger.h>

#include "config/config_document.hpp"
#include "host/log_capture.hpp"
#include "host/plugin_loader.hpp"

namespace streamgate {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string refusal(const fs::path& file, std::string_view name) {
  try {
    PluginLibrary::open(file, name);
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return "";
}

bool is_loaded(const fs::path& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle) ::dlclose(handle);
  return handle != nullptr;
}

TEST(PluginLibrary, PathIsTheDecoratedNameInTheFolder) {
  EXPECT_EQ(PluginLibrary::path_in("/opt/sg/plugins", "rtmp"),
            fs::path("/opt/sg/plugins/libstreamgate-rtmp.so"));
}

TEST(PluginLoader, DefaultFolderIsBesideTheBinarysLibFolder) {
  // This test binary lives in <build>/tests: its plugin folder is the build's.
  const char* build = std::getenv("STREAMGATE_BUILD_DIR");
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(default_plugin_folder(),
            (fs::path(build) / "lib/streamgate/plugins").lexically_normal());
}

TEST(PluginLibrary, GoodPluginDescribesItself) {
  auto library = PluginLibrary::open(FIXTURE_GOOD, "fixture_good");
  EXPECT_EQ(library.name(), "fixture_good");
  EXPECT_EQ(library.version(), "1.2.3");
  EXPECT_EQ(library.description(), "Loader and CLI test fixture");
  EXPECT_EQ(library.file(), fs::path(FIXTURE_GOOD));
  EXPECT_NE(library.create(), nullptr);
}

TEST(PluginLibrary, MissingFileIsRefused) {
  const fs::path missing = fs::path(FIXTURE_GOOD).parent_path() / "libstreamgate-nothere.so";
  EXPECT_EQ(refusal(missing, "nothere"),
            "plugin \"nothere\": library " + missing.string() +
                " not found (check <plugins folder> or the plugin's path)");
}

TEST(PluginLibrary, OtherSdkMajorIsRefused) {
  EXPECT_EQ(refusal(FIXTURE_WRONG_MAJOR, "fixture_wrong_major"),
            "plugin \"fixture_wrong_major\": library " FIXTURE_WRONG_MAJOR
            " was built for SDK major version " + std::to_string(STREAMGATE_SDK_MAJOR + 1) +
                " but the host has " + std::to_string(STREAMGATE_SDK_MAJOR) +
                "; rebuild the plugin against this SDK");
}

TEST(PluginLibrary, NewerSdkMinorIsRefused) {
  const std::string major = std::to_string(STREAMGATE_SDK_MAJOR);
  const std::string plugin_minor = std::to_string(STREAMGATE_SDK_MINOR + 1);
  const std::string host_minor = std::to_string(STREAMGATE_SDK_MINOR);
  EXPECT_EQ(refusal(FIXTURE_NEW_MINOR, "fixture_new_minor"),
            "plugin \"fixture_new_minor\": library " FIXTURE_NEW_MINOR " needs SDK " + major + "." +
                plugin_minor + " but the host provides " + major + "." + host_minor +
                " (plugin minor " + plugin_minor + " > host minor " + host_minor + ")");
}

TEST(PluginLibrary, OtherBuildSignatureIsRefused) {
  EXPECT_EQ(refusal(FIXTURE_OTHER_SIGNATURE, "fixture_other_signature"),
            "plugin \"fixture_other_signature\": library " FIXTURE_OTHER_SIGNATURE
            " is not binary compatible: its build signature \"othercc-1|otherlib|boost-0|ptr4\" "
            "differs from the host's \"" STREAMGATE_BUILD_SIGNATURE "\"");
}

TEST(PluginLibrary, LibraryWithoutDescriptorIsRefused) {
  EXPECT_EQ(refusal(FIXTURE_NO_DESCRIPTOR, "fixture_no_descriptor"),
            "plugin \"fixture_no_descriptor\": library " FIXTURE_NO_DESCRIPTOR
            " is not a streamgate plugin: it exports no symbol streamgate_plugin_descriptor");
}

TEST(PluginLibrary, NameMismatchIsRefused) {
  EXPECT_EQ(refusal(FIXTURE_GOOD, "rtmp"),
            "plugin \"rtmp\": library " FIXTURE_GOOD
            " holds plugin \"fixture_good\", not the configured \"rtmp\"");
}

TEST(PluginLibrary, NotALibraryIsRefusedWithTheLoadersReason) {
  const fs::path file = fs::temp_directory_path() /
                        ("libstreamgate-text-" + std::to_string(::getpid()) + ".so");
  std::ofstream(file) << std::string(256, 'x');  // longer than an ELF header, but not one
  const auto error = refusal(file, "text");
  fs::remove(file);
  EXPECT_EQ(error.rfind("plugin \"text\": library " + file.string() + " cannot be loaded: ", 0), 0u)
      << error;
  // dlerror() names the file and the problem, not Boost's generic errno text.
  EXPECT_NE(error.find("invalid ELF header"), std::string::npos) << error;
}

TEST(PluginLibrary, LibraryStaysLoadedWhileAPluginObjectLives) {
  std::shared_ptr<Plugin> plugin;
  {
    auto library = PluginLibrary::open(FIXTURE_GOOD, "fixture_good");
    plugin = library.create();
  }  // the loader's own handle is gone
  ASSERT_TRUE(is_loaded(FIXTURE_GOOD));
  // Calling into the library still works: its code is mapped.
  auto document = config::ConfigDocument::parse("t.xml", "<streamgate><plugin greeting=\"hi\"/></streamgate>");
  EXPECT_NO_THROW(plugin->configure(*document.root().children("plugin")[0]));
  plugin.reset();
  EXPECT_FALSE(is_loaded(FIXTURE_GOOD));
}

class LoadPlugins : public ::testing::Test {
 protected:
  std::vector<LoadedPlugin> load(const std::string& plugins) {
    document_.emplace(config::ConfigDocument::parse("test.xml", "<streamgate>\n" + plugins + "</streamgate>\n"));
    config_ = config::parse_gateway_config(document_->root());
    return load_plugins(config_, logging_, *core_);
  }
  std::string error_of(const std::string& plugins) {
    try {
      load(plugins);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

  std::shared_ptr<test::LogCapture> capture_ = std::make_shared<test::LogCapture>();
  Logging logging_{{capture_}, spdlog::level::debug};
  std::shared_ptr<spdlog::logger> core_ = logging_.make_logger("core");
  std::optional<config::ConfigDocument> document_;
  config::GatewayConfig config_;
};

TEST_F(LoadPlugins, DisabledPluginIsNotLoaded) {
  auto loaded = load("<plugin name=\"fixture_good\" enabled=\"false\" path=\"" FIXTURE_GOOD
                     "\"><whatever/></plugin>\n");
  EXPECT_TRUE(loaded.empty());
  EXPECT_FALSE(is_loaded(FIXTURE_GOOD));
  EXPECT_TRUE(capture_->contains("core: plugin fixture_good is disabled; not loaded"));
}

TEST_F(LoadPlugins, DisabledPluginNeedNotExist) {
  EXPECT_TRUE(load("<plugin name=\"missing\" enabled=\"false\"/>\n").empty());
}

TEST_F(LoadPlugins, PluginFolderAndNameFindTheLibrary) {
  const auto folder = fs::path(FIXTURE_GOOD).parent_path().string();
  auto loaded = load("<plugins folder=\"" + folder + "\"/>\n<plugin name=\"fixture_good\"/>\n");
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].library.file(), fs::path(FIXTURE_GOOD));
}

TEST_F(LoadPlugins, PluginErrorsInConfigureCarryFileAndLine) {
  EXPECT_EQ(error_of("<plugin name=\"fixture_good\" path=\"" FIXTURE_GOOD "\">\n"
                     "  <delay>2x</delay>\n"
                     "</plugin>\n"),
            "test.xml:3: delay in <plugin name=\"fixture_good\">: \"2x\" is not a duration; "
            "expected e.g. \"2s\", \"500ms\", \"1.5s\", \"2m\" or \"1h\" (a bare number means "
            "seconds), from 1ms to 10000ms");
}

TEST_F(LoadPlugins, SettingsThePluginDidNotReadAreErrors) {
  EXPECT_EQ(error_of("<plugin name=\"fixture_good\" path=\"" FIXTURE_GOOD "\">\n"
                     "  <greting>hi</greting>\n"
                     "</plugin>\n"),
            "test.xml:3: <greting> in <plugin name=\"fixture_good\">: unknown element; did you "
            "mean <greeting>?");
}

TEST_F(LoadPlugins, RefusalsStopTheLoad) {
  EXPECT_EQ(error_of("<plugin name=\"fixture_wrong_major\" path=\"" FIXTURE_WRONG_MAJOR "\"/>\n")
                .rfind("plugin \"fixture_wrong_major\": library " FIXTURE_WRONG_MAJOR, 0),
            0u);
}

TEST_F(LoadPlugins, PluginUsesTheHostsWorkersTimersAndLogger) {
  auto loaded = load("<plugin name=\"fixture_good\" path=\"" FIXTURE_GOOD "\" greeting=\"hi\" delay=\"30ms\"/>\n");
  ASSERT_EQ(loaded.size(), 1u);
  WorkerPool workers(2, core_);
  workers.start();
  HostServices services;
  services.workers = &workers;
  PluginHost host("fixture_good", loaded[0].logger, services);
  loaded[0].plugin->start(host);
  // Everything below is logged by the plugin, through the logger the host made.
  EXPECT_TRUE(capture_->contains("fixture_good: hi from fixture_good, 2 workers"));
  // Asio compiled into the plugin and the core's Executor agree on the thread.
  EXPECT_TRUE(capture_->wait_for("fixture_good: asio post ran on worker 0: executor says true, asio says true", 5s));
  EXPECT_TRUE(capture_->wait_for("fixture_good: sdk timer fired on worker 0", 5s));
  EXPECT_TRUE(capture_->wait_for("fixture_good: asio timer fired on worker 0", 5s));
  loaded[0].plugin->stop();
  EXPECT_TRUE(capture_->contains("fixture_good: hi says goodbye"));
  workers.stop();
  workers.reset();
}

}  // namespace
}  // namespace streamgate
