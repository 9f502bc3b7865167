#pragma once
// NetConnection / NetStream commands (RTMP 1.0 §7.2) and data messages:
// decoding with typed views of the requests a server answers, and the
// builders a client (tests, the load tool) sends.
//
// A command message body is AMF: name (string), transaction id (number),
// command object (object or null), then arguments. Type 20 is AMF0; type 17
// starts with one format byte, then AMF0 values that may switch to AMF3
// (0x11). Data messages (18 / 15) are the same without the fixed fields.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "message.hpp"
#include "streamgate/bus.hpp"
#include "streamgate/format/amf0.hpp"
#include "streamgate/format/parse.hpp"

namespace streamgate::rtmp {

struct Command {
  std::string name;
  double transaction_id = 0;
  amf0::Value object;             ///< command object, null for most commands
  std::vector<amf0::Value> args;  ///< what follows the command object

  /// Argument `index` as a string / number / boolean, if it is one.
  std::optional<std::string> string_arg(std::size_t index) const;
  std::optional<double> number_arg(std::size_t index) const;
  std::optional<bool> boolean_arg(std::size_t index) const;
};

/// Commands larger than this, or with more AMF values, are rejected: real
/// ones are a few hundred bytes, and the bound keeps what AMF references can
/// expand a hostile command into to a few megabytes.
constexpr std::size_t kMaxCommandSize = 32 * 1024;
constexpr std::size_t kMaxCommandValues = 256;

/// How much AMF structure one message from a peer may hold. Real commands
/// nest 2-3 levels deep and metadata rarely more.
struct AmfBounds {
  std::size_t max_depth = 32;          ///< nesting of objects and arrays
  std::size_t max_elements = 1 << 16;  ///< values in one message (commands: kMaxCommandValues at most)
};

/// Decodes a command message (type 20 or 17).
Parsed<Command> decode_command(MessageType type, std::span<const std::byte> body,
                               const AmfBounds& bounds = {});
/// The values of a data message (type 18 or 15).
Parsed<std::vector<amf0::Value>> decode_data(MessageType type, std::span<const std::byte> body,
                                             const AmfBounds& bounds = {});
/// A data message body as AMF0 (a type-15 message rewritten as type 18).
std::vector<std::byte> data_as_amf0(const std::vector<amf0::Value>& values);

/// An AMF0 command body: name, transaction id, command object, args.
std::vector<std::byte> encode_command(std::string_view name, double transaction_id,
                                      const amf0::Value& object,
                                      std::initializer_list<amf0::Value> args = {});

// ---- requests a server answers ----

struct ConnectRequest {
  std::string app;    ///< without any "?query"
  std::string query;  ///< from the app or, failing that, the tcUrl
  std::string tc_url;
  std::string flash_ver;
  std::string swf_url;
  std::string page_url;
  double object_encoding = 0;  ///< 0 = AMF0, 3 = AMF3
};
Parsed<ConnectRequest> parse_connect(const Command& command);

struct PublishRequest {
  std::string name;   ///< the stream name before '?'
  std::string query;  ///< after '?', for auth
  PublishMode mode = PublishMode::Live;
};
Parsed<PublishRequest> parse_publish(const Command& command);

struct PlayRequest {
  std::string name;
  std::string query;
  double start = -2;     ///< -2 live or recorded, -1 live only, >= 0 recorded from
  double duration = -1;  ///< -1 until the end
  bool reset = true;
};
/// play(name, start, duration, reset) or play2({streamName, start, len, ...}).
Parsed<PlayRequest> parse_play(const Command& command);

// ---- client side builders ----

struct ConnectOptions {
  std::string app;
  std::string tc_url;
  std::string flash_ver = "FMLE/3.0 (compatible; streamgate)";
  double object_encoding = 0;
};
std::vector<std::byte> connect_command(double transaction_id, const ConnectOptions& options);
std::vector<std::byte> create_stream_command(double transaction_id);
/// publish(name, "live" | "record" | "append")
std::vector<std::byte> publish_command(double transaction_id, std::string_view name,
                                       std::string_view type = "live");
std::vector<std::byte> play_command(double transaction_id, std::string_view name,
                                    double start = -2);
/// releaseStream / FCPublish / FCUnpublish / getStreamLength (name) and the like.
std::vector<std::byte> name_command(std::string_view command, double transaction_id,
                                    std::string_view name);
std::vector<std::byte> delete_stream_command(double transaction_id, std::uint32_t stream_id);

}  // namespace streamgate::rtmp
