#pragma once
// Status objects (level / code / description, RTMP 1.0 §7.2.1.1 and the
// NetConnection/NetStream status codes Flash defined) and the replies a
// server sends: _result, _error, onStatus, onFCPublish, onBWDone and
// |RtmpSampleAccess. Clients read them back with parse_status().

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "streamgate/format/amf0.hpp"

namespace streamgate::rtmp {

namespace status {
inline constexpr std::string_view kLevelStatus = "status";
inline constexpr std::string_view kLevelError = "error";
inline constexpr std::string_view kLevelWarning = "warning";

inline constexpr std::string_view kConnectSuccess = "NetConnection.Connect.Success";
inline constexpr std::string_view kConnectRejected = "NetConnection.Connect.Rejected";
inline constexpr std::string_view kCallFailed = "NetConnection.Call.Failed";
inline constexpr std::string_view kPublishStart = "NetStream.Publish.Start";
inline constexpr std::string_view kPublishBadName = "NetStream.Publish.BadName";
inline constexpr std::string_view kUnpublishSuccess = "NetStream.Unpublish.Success";
inline constexpr std::string_view kPlayReset = "NetStream.Play.Reset";
inline constexpr std::string_view kPlayStart = "NetStream.Play.Start";
inline constexpr std::string_view kPlayStop = "NetStream.Play.Stop";
inline constexpr std::string_view kPlayFailed = "NetStream.Play.Failed";
inline constexpr std::string_view kPlayStreamNotFound = "NetStream.Play.StreamNotFound";
inline constexpr std::string_view kPlayPublishNotify = "NetStream.Play.PublishNotify";
inline constexpr std::string_view kPlayUnpublishNotify = "NetStream.Play.UnpublishNotify";
inline constexpr std::string_view kPauseNotify = "NetStream.Pause.Notify";
inline constexpr std::string_view kUnpauseNotify = "NetStream.Unpause.Notify";
inline constexpr std::string_view kSeekNotify = "NetStream.Seek.Notify";
}  // namespace status

struct Status {
  std::string level;
  std::string code;
  std::string description;
};

/// The info object of a _result / _error / onStatus / onFC* command: the
/// first argument that has a "code" (or the command object, for clients
/// that put it there).
std::optional<Status> parse_status(const Command& command);

/// The status object: {level, code, description[, details]}.
amf0::Value status_object(std::string_view level, std::string_view code,
                          std::string_view description, std::string_view details = {});

// ---- server replies (AMF0 command / data bodies) ----

/// connect's _result: server properties, then NetConnection.Connect.Success
/// with the client's objectEncoding echoed.
std::vector<std::byte> connect_result(double transaction_id, double object_encoding);
/// _error(transaction id, null, {level error, code, description}).
std::vector<std::byte> error_reply(double transaction_id, std::string_view code,
                                   std::string_view description);
/// _result(transaction id, null, value).
std::vector<std::byte> result_reply(double transaction_id, const amf0::Value& value = {});
/// onStatus(0, null, status object).
std::vector<std::byte> on_status(std::string_view level, std::string_view code,
                                 std::string_view description, std::string_view details = {});
/// onFCPublish / onFCUnpublish (0, null, {code, description}).
std::vector<std::byte> on_fc(std::string_view command, std::string_view code,
                             std::string_view description);
std::vector<std::byte> on_bw_done();
/// Data message "|RtmpSampleAccess", true, true: lets Flash players read the
/// decoded audio and video.
std::vector<std::byte> sample_access();

}  // namespace streamgate::rtmp
