#include "status.hpp"

namespace streamgate::rtmp {
namespace {

using amf0::Value;

Value text(std::string_view s) { return Value::string(std::string(s)); }

// The version clients see; ffmpeg and OBS only log it.
constexpr std::string_view kServerVersion = "FMS/3,5,7,7009";

}  // namespace

std::optional<Status> parse_status(const Command& command) {
  auto from = [](const Value& v) -> std::optional<Status> {
    if (!v.is_object_like() || v.find("code") == nullptr) return std::nullopt;
    Status s;
    if (const Value* level = v.find("level")) s.level = level->as_string();
    s.code = v.find("code")->as_string();
    if (const Value* description = v.find("description")) s.description = description->as_string();
    return s;
  };
  for (const auto& arg : command.args)
    if (auto s = from(arg)) return s;
  return from(command.object);
}

Value status_object(std::string_view level, std::string_view code, std::string_view description,
                    std::string_view details) {
  amf0::Properties props{
      {"level", text(level)}, {"code", text(code)}, {"description", text(description)}};
  if (!details.empty()) props.emplace_back("details", text(details));
  return Value::object(std::move(props));
}

std::vector<std::byte> connect_result(double transaction_id, double object_encoding) {
  Value properties = Value::object({{"fmsVer", text(kServerVersion)},
                                    {"capabilities", Value::number(31)},
                                    {"mode", Value::number(1)}});
  Value info =
      status_object(status::kLevelStatus, status::kConnectSuccess, "Connection succeeded.");
  info.set("objectEncoding", Value::number(object_encoding));
  return encode_command("_result", transaction_id, properties, {info});
}

std::vector<std::byte> error_reply(double transaction_id, std::string_view code,
                                   std::string_view description) {
  return encode_command("_error", transaction_id, Value::null(),
                        {status_object(status::kLevelError, code, description)});
}

std::vector<std::byte> result_reply(double transaction_id, const Value& value) {
  return encode_command("_result", transaction_id, Value::null(), {value});
}

std::vector<std::byte> on_status(std::string_view level, std::string_view code,
                                 std::string_view description, std::string_view details) {
  return encode_command("onStatus", 0, Value::null(),
                        {status_object(level, code, description, details)});
}

std::vector<std::byte> on_fc(std::string_view command, std::string_view code,
                             std::string_view description) {
  return encode_command(
      command, 0, Value::null(),
      {Value::object({{"code", text(code)}, {"description", text(description)}})});
}

std::vector<std::byte> on_bw_done() { return encode_command("onBWDone", 0, Value::null()); }

std::vector<std::byte> sample_access() {
  const Value values[] = {text("|RtmpSampleAccess"), Value::boolean(true), Value::boolean(true)};
  return amf0::encode_all(values);
}

}  // namespace streamgate::rtmp
