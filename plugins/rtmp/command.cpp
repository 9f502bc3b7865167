#include "command.hpp"

#include <algorithm>
#include <string>

#include "amf3.hpp"
#include "streamgate/names.hpp"

namespace streamgate::rtmp {
namespace {

using amf0::Value;

// Types 17 and 15 carry a format byte (0) before the AMF0 values.
Parsed<std::vector<Value>> decode_values(MessageType type, std::span<const std::byte> body,
                                         const amf3::MixedLimits& limits) {
  if (type == MessageType::CommandAmf3 || type == MessageType::DataAmf3) {
    if (body.empty()) return Parsed<std::vector<Value>>::fail("empty AMF3 message");
    body = body.subspan(1);
  }
  return amf3::decode_all_amf0_or_amf3(body, limits);
}

// Commands are a name, a number, an object and a few arguments. Tight bounds
// matter here because connect is decoded before anyone is authenticated, and
// AMF references can replay a large value many times over.
amf3::MixedLimits command_limits(const AmfBounds& bounds) {
  amf3::MixedLimits limits;
  limits.amf0.max_depth = limits.amf3.max_depth = bounds.max_depth;
  limits.amf0.max_elements = limits.amf3.max_elements =
      std::min(bounds.max_elements, kMaxCommandValues);
  limits.amf3.max_reference_bytes = kMaxCommandSize;
  limits.max_values = 64;
  return limits;
}

amf3::MixedLimits data_limits(const AmfBounds& bounds) {
  amf3::MixedLimits limits;
  limits.amf0.max_depth = limits.amf3.max_depth = bounds.max_depth;
  limits.amf0.max_elements = limits.amf3.max_elements = bounds.max_elements;
  return limits;
}

std::string text_property(const Value& object, std::string_view key) {
  const Value* v = object.find(key);
  return v != nullptr ? v->as_string() : std::string();
}

}  // namespace

std::optional<std::string> Command::string_arg(std::size_t index) const {
  if (index >= args.size() || !args[index].is_string()) return std::nullopt;
  return args[index].as_string();
}

std::optional<double> Command::number_arg(std::size_t index) const {
  if (index >= args.size() || !args[index].is_number()) return std::nullopt;
  return args[index].as_number();
}

std::optional<bool> Command::boolean_arg(std::size_t index) const {
  if (index >= args.size() || args[index].type() != Value::Type::Boolean) return std::nullopt;
  return args[index].as_boolean();
}

Parsed<Command> decode_command(MessageType type, std::span<const std::byte> body,
                               const AmfBounds& bounds) {
  if (body.size() > kMaxCommandSize)
    return Parsed<Command>::fail("command of " + std::to_string(body.size()) +
                                 " bytes exceeds the " + std::to_string(kMaxCommandSize) +
                                 "-byte limit");
  auto values = decode_values(type, body, command_limits(bounds));
  if (!values.ok()) return Parsed<Command>::fail("command: " + values.error);
  auto& v = values.value;
  if (v.empty() || !v[0].is_string()) return Parsed<Command>::fail("command: no name");
  Command command;
  command.name = v[0].as_string();
  // Some clients omit the transaction id or the command object of
  // notifications; treat what is missing as 0 / null.
  if (v.size() > 1) {
    if (!v[1].is_number())
      return Parsed<Command>::fail("command " + command.name + ": transaction id is not a number");
    command.transaction_id = v[1].as_number();
  }
  command.object = v.size() > 2 ? std::move(v[2]) : Value::null();
  for (std::size_t i = 3; i < v.size(); ++i) command.args.push_back(std::move(v[i]));
  return Parsed<Command>::done(body.size(), std::move(command));
}

Parsed<std::vector<Value>> decode_data(MessageType type, std::span<const std::byte> body,
                                       const AmfBounds& bounds) {
  auto values = decode_values(type, body, data_limits(bounds));
  if (!values.ok()) return Parsed<std::vector<Value>>::fail("data: " + values.error);
  return values;
}

std::vector<std::byte> data_as_amf0(const std::vector<Value>& values) {
  return amf0::encode_all(values);
}

std::vector<std::byte> encode_command(std::string_view name, double transaction_id,
                                      const Value& object, std::initializer_list<Value> args) {
  std::vector<std::byte> out;
  amf0::encode(Value::string(std::string(name)), out);
  amf0::encode(Value::number(transaction_id), out);
  amf0::encode(object, out);
  for (const auto& arg : args) amf0::encode(arg, out);
  return out;
}

Parsed<ConnectRequest> parse_connect(const Command& command) {
  if (!command.object.is_object_like())
    return Parsed<ConnectRequest>::fail("connect: no command object");
  ConnectRequest r;
  const Value* app = command.object.find("app");
  if (app == nullptr || !app->is_string()) return Parsed<ConnectRequest>::fail("connect: no app");
  const auto [app_name, app_query] = split_query(app->as_string());
  r.app = app_name;
  r.query = app_query;
  // Encoders send "live/" as often as "live".
  while (!r.app.empty() && r.app.back() == '/') r.app.pop_back();
  r.tc_url = text_property(command.object, "tcUrl");
  if (r.query.empty()) r.query = split_query(r.tc_url).second;
  r.flash_ver = text_property(command.object, "flashVer");
  r.swf_url = text_property(command.object, "swfUrl");
  r.page_url = text_property(command.object, "pageUrl");
  if (const Value* enc = command.object.find("objectEncoding"))
    r.object_encoding = enc->as_number();
  return Parsed<ConnectRequest>::done(0, std::move(r));
}

Parsed<PublishRequest> parse_publish(const Command& command) {
  auto name = command.string_arg(0);
  if (!name || name->empty()) return Parsed<PublishRequest>::fail("publish: no stream name");
  PublishRequest r;
  const auto [stream_name, query] = split_query(*name);
  r.name = stream_name;
  r.query = query;
  const std::string type = command.string_arg(1).value_or("live");
  if (type == "record")
    r.mode = PublishMode::Record;
  else if (type == "append")
    r.mode = PublishMode::Append;
  else
    r.mode = PublishMode::Live;  // "live", missing, or an encoder's own word for it
  return Parsed<PublishRequest>::done(0, std::move(r));
}

Parsed<PlayRequest> parse_play(const Command& command) {
  PlayRequest r;
  std::string name;
  if (command.name == "play2") {
    if (command.args.empty() || !command.args[0].is_object_like())
      return Parsed<PlayRequest>::fail("play2: no parameters object");
    const Value& params = command.args[0];
    name = text_property(params, "streamName");
    if (const Value* start = params.find("start")) r.start = start->as_number(r.start);
    if (const Value* len = params.find("len")) r.duration = len->as_number(r.duration);
  } else {
    name = command.string_arg(0).value_or("");
    r.start = command.number_arg(1).value_or(r.start);
    r.duration = command.number_arg(2).value_or(r.duration);
    if (auto reset = command.boolean_arg(3))
      r.reset = *reset;
    else if (auto reset_number = command.number_arg(3))
      r.reset = *reset_number != 0;
  }
  if (name.empty()) return Parsed<PlayRequest>::fail(command.name + ": no stream name");
  const auto [stream_name, query] = split_query(name);
  r.name = stream_name;
  r.query = query;
  return Parsed<PlayRequest>::done(0, std::move(r));
}

std::vector<std::byte> connect_command(double transaction_id, const ConnectOptions& options) {
  return encode_command(
      "connect", transaction_id,
      Value::object({{"app", Value::string(options.app)},
                     {"type", Value::string("nonprivate")},
                     {"flashVer", Value::string(options.flash_ver)},
                     {"tcUrl", Value::string(options.tc_url)},
                     {"objectEncoding", Value::number(options.object_encoding)}}));
}

std::vector<std::byte> create_stream_command(double transaction_id) {
  return encode_command("createStream", transaction_id, Value::null());
}

std::vector<std::byte> publish_command(double transaction_id, std::string_view name,
                                       std::string_view type) {
  return encode_command("publish", transaction_id, Value::null(),
                        {Value::string(std::string(name)), Value::string(std::string(type))});
}

std::vector<std::byte> play_command(double transaction_id, std::string_view name, double start) {
  return encode_command("play", transaction_id, Value::null(),
                        {Value::string(std::string(name)), Value::number(start)});
}

std::vector<std::byte> name_command(std::string_view command, double transaction_id,
                                    std::string_view name) {
  return encode_command(command, transaction_id, Value::null(), {Value::string(std::string(name))});
}

std::vector<std::byte> delete_stream_command(double transaction_id, std::uint32_t stream_id) {
  return encode_command("deleteStream", transaction_id, Value::null(), {Value::number(stream_id)});
}

}  // namespace streamgate::rtmp
