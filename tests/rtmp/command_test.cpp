// Command and data messages (RTMP 1.0 §7.1.1, §7.1.2, §7.2): encode/decode
// vectors, the typed request views, and the server's replies.

#include "command.hpp"

#include <gtest/gtest.h>

#include "format/test_bytes.hpp"
#include "status.hpp"

namespace streamgate::rtmp {
namespace {

using amf0::Value;
using test::Bytes;
using test::cat;
using test::hex;

Command decoded(const std::vector<std::byte>& body, MessageType type = MessageType::CommandAmf0) {
  auto r = decode_command(type, body);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.value;
}

TEST(Command, CreateStreamBytes) {
  EXPECT_EQ(Bytes(create_stream_command(2)),
            hex("02 00 0C 63 72 65 61 74 65 53 74 72 65 61 6D"  // AMF0 string "createStream"
                "00 40 00 00 00 00 00 00 00"                    // AMF0 number 2.0 (transaction id)
                "05"));                                         // AMF0 null (command object)
}

TEST(Command, DecodesAnAmf0CommandFixture) {
  // publish("live/cam?key=s3cret", "live") on stream 1, as ffmpeg sends it.
  const Bytes body = hex(
      "02 00 07 70 75 62 6C 69 73 68"                                      // "publish"
      "00 40 14 00 00 00 00 00 00"                                         // transaction id 5
      "05"                                                                 // null
      "02 00 13 6C 69 76 65 2F 63 61 6D 3F 6B 65 79 3D 73 33 63 72 65 74"  // "live/cam?key=s3cret"
      "02 00 04 6C 69 76 65");                                             // "live"
  const Command c = decoded(body);
  EXPECT_EQ(c.name, "publish");
  EXPECT_EQ(c.transaction_id, 5);
  EXPECT_EQ(c.object.type(), Value::Type::Null);
  auto publish = parse_publish(c);
  ASSERT_TRUE(publish.ok());
  EXPECT_EQ(publish.value.name, "live/cam");
  EXPECT_EQ(publish.value.query, "key=s3cret");
  EXPECT_EQ(publish.value.mode, PublishMode::Live);
}

TEST(Command, Amf3CommandSkipsTheFormatByteAndSwitches) {
  // Type 17: format byte 00, then AMF0 whose command object is AMF3 (0x11).
  const Bytes body =
      cat({hex("00"), hex("02 00 07 63 6F 6E 6E 65 63 74 00 3F F0 00 00 00 00 00 00"),
           hex("11 0A 0B 01 07 61 70 70 06 09 6C 69 76 65"
               "1D 6F 62 6A 65 63 74 45 6E 63 6F 64 69 6E 67 04 03 01")});
  const Command c = decoded(body, MessageType::CommandAmf3);
  EXPECT_EQ(c.name, "connect");
  auto connect = parse_connect(c);
  ASSERT_TRUE(connect.ok()) << connect.error;
  EXPECT_EQ(connect.value.app, "live");
  EXPECT_EQ(connect.value.object_encoding, 3);
}

TEST(Command, ConnectFields) {
  ConnectOptions options;
  options.app = "live/?token=abc";
  options.tc_url = "rtmp://127.0.0.1:1935/live?x=1";
  const Command c = decoded(connect_command(1, options));
  auto connect = parse_connect(c);
  ASSERT_TRUE(connect.ok());
  EXPECT_EQ(connect.value.app, "live") << "query and trailing slash removed";
  EXPECT_EQ(connect.value.query, "token=abc") << "the app's query wins";
  EXPECT_EQ(connect.value.tc_url, options.tc_url);
  EXPECT_EQ(connect.value.flash_ver, options.flash_ver);

  options.app = "live";
  auto from_tc_url = parse_connect(decoded(connect_command(1, options)));
  ASSERT_TRUE(from_tc_url.ok());
  EXPECT_EQ(from_tc_url.value.query, "x=1");

  EXPECT_TRUE(parse_connect(decoded(encode_command("connect", 1, Value::null()))).invalid());
  EXPECT_TRUE(parse_connect(decoded(encode_command("connect", 1, Value::object({})))).invalid());
}

TEST(Command, PublishModes) {
  auto mode = [](const char* type) {
    return parse_publish(decoded(publish_command(0, "s", type))).value.mode;
  };
  EXPECT_EQ(mode("live"), PublishMode::Live);
  EXPECT_EQ(mode("record"), PublishMode::Record);
  EXPECT_EQ(mode("append"), PublishMode::Append);
  const Command bare = decoded(encode_command("publish", 0, Value::null(), {Value::string("s")}));
  EXPECT_EQ(parse_publish(bare).value.mode, PublishMode::Live) << "type omitted";
  EXPECT_TRUE(parse_publish(decoded(encode_command("publish", 0, Value::null()))).invalid());
  EXPECT_TRUE(parse_publish(decoded(publish_command(0, ""))).invalid());
}

TEST(Command, PlayAndPlay2) {
  const Command play = decoded(encode_command(
      "play", 0, Value::null(),
      {Value::string("cam?k=1"), Value::number(-1), Value::number(30), Value::boolean(false)}));
  auto p = parse_play(play);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value.name, "cam");
  EXPECT_EQ(p.value.query, "k=1");
  EXPECT_EQ(p.value.start, -1);
  EXPECT_EQ(p.value.duration, 30);
  EXPECT_FALSE(p.value.reset);

  auto defaults =
      parse_play(decoded(encode_command("play", 0, Value::null(), {Value::string("cam")})));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.value.start, -2);
  EXPECT_TRUE(defaults.value.reset);

  const Command play2 =
      decoded(encode_command("play2", 0, Value::null(),
                             {Value::object({{"streamName", Value::string("cam2")},
                                             {"oldStreamName", Value::string("cam")},
                                             {"start", Value::number(-2)},
                                             {"transition", Value::string("switch")}})}));
  auto p2 = parse_play(play2);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2.value.name, "cam2");
  EXPECT_TRUE(parse_play(decoded(encode_command("play", 0, Value::null()))).invalid());
}

TEST(Command, MalformedCommandsAreRejected) {
  EXPECT_TRUE(decode_command(MessageType::CommandAmf0, hex("00 3F F0 00 00 00 00 00 00")).invalid())
      << "no name";
  EXPECT_TRUE(decode_command(MessageType::CommandAmf0, hex("02 00 01 61 02 00 01 62")).invalid())
      << "transaction id is a string";
  EXPECT_TRUE(decode_command(MessageType::CommandAmf0, hex("02 00 09 61")).invalid())
      << "truncated";
  EXPECT_TRUE(decode_command(MessageType::CommandAmf3, {}).invalid());
  EXPECT_TRUE(decode_command(MessageType::CommandAmf0, {}).invalid());
  // A notification without transaction id or command object is accepted.
  auto bare = decode_command(MessageType::CommandAmf0, hex("02 00 08 6F 6E 42 57 44 6F 6E 65"));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare.value.transaction_id, 0);
}

TEST(Command, ReferenceBombsAndOversizedCommandsAreRejected) {
  // connect(1, [{s: <20 000-byte long string>}, then 200 AMF0 references
  // (§2.9) to that object]): 4 MB from 21 KB if replayed.
  Bytes body = hex("02 00 07 63 6F 6E 6E 65 63 74  00 3F F0 00 00 00 00 00 00");
  body = cat({body, hex("0A 00 00 00 C9"),  // strict array of 201: #0 in the reference table
              hex("03 00 01 73 0C 00 00 4E 20"), Bytes(20000, std::byte{'x'}),
              hex("00 00 09"),  // object #1 {s: long string}
              test::repeat(hex("07 00 01"), 200)});
  auto bomb = decode_command(MessageType::CommandAmf0, body);
  ASSERT_TRUE(bomb.invalid());
  // Either bound may trip first: AMF0's output budget or the command's value cap.
  EXPECT_TRUE(bomb.error.find("output limit") != std::string::npos ||
              bomb.error.find("more than 256 values") != std::string::npos)
      << bomb.error;

  const Bytes big = cat({hex("02 00 07 63 6F 6E 6E 65 63 74  00 3F F0 00 00 00 00 00 00"),
                         hex("0C 00 00 80 00"), Bytes(0x8000, std::byte{'y'})});
  auto oversized = decode_command(MessageType::CommandAmf0, big);
  ASSERT_TRUE(oversized.invalid());
  EXPECT_NE(oversized.error.find("32768-byte limit"), std::string::npos) << oversized.error;
}

TEST(Command, DataMessages) {
  const Bytes body =
      cat({hex("00"),                                               // type 15 format byte
           hex("02 00 0D 40 73 65 74 44 61 74 61 46 72 61 6D 65"),  // "@setDataFrame"
           hex("02 00 0A 6F 6E 4D 65 74 61 44 61 74 61"),           // "onMetaData"
           hex("11 0A 0B 01 0B 77 69 64 74 68 04 8F 00 01")});      // AMF3 {width: 1920}
  auto values = decode_data(MessageType::DataAmf3, body);
  ASSERT_TRUE(values.ok()) << values.error;
  ASSERT_EQ(values.value.size(), 3u);
  EXPECT_EQ(values.value[2], Value::object({{"width", Value::number(1920)}}));
  const auto amf0_body = data_as_amf0(values.value);
  auto again = decode_data(MessageType::DataAmf0, amf0_body);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value, values.value);
}

TEST(Replies, ConnectResult) {
  const Command c = decoded(connect_result(1, 3));
  EXPECT_EQ(c.name, "_result");
  EXPECT_EQ(c.transaction_id, 1);
  ASSERT_NE(c.object.find("fmsVer"), nullptr);
  auto status = parse_status(c);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->level, "status");
  EXPECT_EQ(status->code, "NetConnection.Connect.Success");
  ASSERT_EQ(c.args.size(), 1u);
  EXPECT_EQ(c.args[0].find("objectEncoding")->as_number(), 3) << "the client's encoding echoed";
}

TEST(Replies, StatusAndErrors) {
  const Command s = decoded(on_status("status", "NetStream.Play.Start", "Started playing cam."));
  EXPECT_EQ(s.name, "onStatus");
  EXPECT_EQ(s.transaction_id, 0);
  EXPECT_EQ(s.object.type(), Value::Type::Null);
  EXPECT_EQ(parse_status(s)->code, "NetStream.Play.Start");
  EXPECT_EQ(parse_status(s)->description, "Started playing cam.");

  const Command e = decoded(error_reply(7, "NetConnection.Call.Failed", "Method not found (foo)."));
  EXPECT_EQ(e.name, "_error");
  EXPECT_EQ(e.transaction_id, 7);
  EXPECT_EQ(parse_status(e)->level, "error");

  const Command fc = decoded(on_fc("onFCPublish", "NetStream.Publish.Start", "cam"));
  EXPECT_EQ(fc.name, "onFCPublish");
  EXPECT_EQ(parse_status(fc)->code, "NetStream.Publish.Start");

  const Command r = decoded(result_reply(4, Value::number(1)));
  EXPECT_EQ(r.number_arg(0), 1.0);
  EXPECT_FALSE(parse_status(r));
}

TEST(Replies, SampleAccessBytes) {
  EXPECT_EQ(Bytes(sample_access()),
            cat({hex("02 00 11"), test::text("|RtmpSampleAccess"), hex("01 01  01 01")}));
}

}  // namespace
}  // namespace streamgate::rtmp
