// Names from the network (docs/security.md): a NUL byte, a slash, "..",
// invalid UTF-8 or an over-long app or stream name is refused at connect,
// publish and play with a clear status, and the connection is closed.

#include "hardening_fixture.hpp"

namespace streamgate::hardening {
namespace {

using namespace std::string_literals;
using rtmp::test::RtmpTestClient;

struct BadName {
  std::string name;
  std::string problem;  // what the status description says
};

std::vector<BadName> bad_names() {
  return {{"../../etc/passwd", "contains '/'"},
          {"..", "is '..'"},
          {"a/b", "contains '/'"},
          {"a\\b", "contains '\\'"},
          {"cam\0hidden"s, "contains a control character (at byte 3)"},
          {"bad\xC3\x28utf8", "is not valid UTF-8 (at byte 3)"},
          {"\xED\xA0\x80surrogate", "is not valid UTF-8 (at byte 0)"},
          {std::string(129, 'x'), "is longer than 128 bytes"}};
}

std::string status_description(const RtmpTestClient& client, std::uint32_t stream_id) {
  for (const auto& received : client.received())
    if (const auto* status = std::get_if<rtmp::client_event::StatusReceived>(&received.event))
      if (status->stream_id == stream_id) return status->status.description;
  return {};
}

TEST_F(HardeningTest, BadStreamNamesAreRefusedAtPublishAndPlayAndTheConnectionCloses) {
  start();
  for (const auto& bad : bad_names()) {
    for (const bool publish : {true, false}) {
      RtmpTestClient client(port());
      ASSERT_EQ(client.connect("live"), "NetConnection.Connect.Success");
      const auto id = client.create_stream();
      const auto code = publish ? client.publish(id, bad.name) : client.play(id, bad.name);
      EXPECT_EQ(code, publish ? "NetStream.Publish.BadName" : "NetStream.Play.StreamNotFound")
          << bad.problem;
      EXPECT_EQ(status_description(client, id), "Bad stream name: " + bad.problem);
      EXPECT_TRUE(client.wait_closed(kPrompt))
          << "the connection is closed after the status: " << bad.problem;
    }
  }
  EXPECT_EQ(log_count("publish of 'live/"), bad_names().size());
  // Logged escaped: a name cannot put control bytes or broken UTF-8 into the log.
  const auto log = gateway().log();
  EXPECT_NE(
      log.find("publish of 'live/cam\\x00hidden' refused: bad stream name: contains a control"),
      std::string::npos);
  EXPECT_EQ(log.find("cam\0hidden"s), std::string::npos);
  EXPECT_EQ(log.find("\xC3\x28"s), std::string::npos);
  EXPECT_EQ(log_count("publish started"), std::size_t(checks()))
      << "only the checks' streams were published";
  // The query is not part of the name: a good name with any query passes the check.
  {
    RtmpTestClient client(port());
    ASSERT_EQ(client.connect("live"), "NetConnection.Connect.Success");
    EXPECT_EQ(client.publish(client.create_stream(), "cam?x=../../y"), "NetStream.Publish.Start");
  }
  expect_recovered();
}

TEST_F(HardeningTest, BadAppNamesAreRejectedAtConnectAndTheConnectionCloses) {
  start();
  for (const auto& bad : bad_names()) {
    if (bad.name.find('/') != std::string::npos) continue;  // "a/b" is app "a", stream "b" in a URL
    RtmpTestClient client(port());
    EXPECT_EQ(client.connect(bad.name), "NetConnection.Connect.Rejected") << bad.problem;
    std::string description;
    for (const auto& received : client.received())
      if (const auto* result = std::get_if<rtmp::client_event::Result>(&received.event))
        if (result->status) description = result->status->description;
    EXPECT_EQ(description, "Bad application name: the name " + bad.problem + ".");
    EXPECT_TRUE(client.wait_closed(kPrompt)) << bad.problem;
  }
  EXPECT_TRUE(gateway().wait_for_log("connect rejected: bad app name: contains a control character",
                                     kPrompt));
  expect_recovered();
}

}  // namespace
}  // namespace streamgate::hardening
