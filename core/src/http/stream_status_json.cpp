#include "http/stream_status_json.hpp"

#include <boost/json.hpp>

namespace streamgate::http {

std::string streams_to_json(const std::vector<StreamStatus>& streams) {
  boost::json::array out;
  out.reserve(streams.size());
  for (const auto& stream : streams) {
    boost::json::object item;
    item["key"] = stream.key.str();
    item["app"] = stream.key.app;
    item["name"] = stream.key.name;
    item["variant"] = stream.key.variant;
    item["live"] = stream.live;
    item["subscribers"] = stream.subscribers;
    item["generation"] = stream.generation;
    item["packets_in"] = stream.packets_in;
    item["bytes_in"] = stream.bytes_in;
    if (stream.info) {
      item["publisher"] = boost::json::object{{"protocol", stream.info->protocol},
                                              {"peer", stream.info->peer},
                                              {"mode", to_string(stream.info->mode)}};
    } else {
      item["publisher"] = nullptr;
    }
    out.push_back(std::move(item));
  }
  return boost::json::serialize(out);
}

}  // namespace streamgate::http
