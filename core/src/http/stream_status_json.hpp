#pragma once
// The body of GET /api/streams: one JSON object per bus stream.

#include <string>
#include <vector>

#include "streamgate/bus.hpp"

namespace streamgate::http {

/// [{"key":"live/cam","app":"live","name":"cam","variant":"","live":true,
///   "subscribers":1,"generation":1,"packets_in":10,"bytes_in":1000,
///   "publisher":{"protocol":"rtmp","peer":"10.0.0.2:50000","mode":"live"}}, ...]
/// "publisher" is null when nobody publishes.
std::string streams_to_json(const std::vector<StreamStatus>& streams);

}  // namespace streamgate::http
