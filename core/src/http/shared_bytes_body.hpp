#pragma once
// A Beast body made of SharedBytes (HttpResponse::body, then body_parts):
// the serializer sends the header and every part in one gathered write,
// without copying the payload.

#include <boost/asio/buffer.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "http/beast.hpp"
#include "streamgate/bytes.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

struct SharedBytesBody {
  struct value_type {
    SharedBytes head;
    std::vector<SharedBytes> parts;
  };

  static std::uint64_t size(const value_type& body) {
    std::uint64_t total = body.head.size();
    for (const auto& part : body.parts) total += part.size();
    return total;
  }

  class writer {
   public:
    // A view of buffers_, which lives as long as the serializer.
    using const_buffers_type = std::span<const boost::asio::const_buffer>;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      buffers_.reserve(body_.parts.size() + 1);
      if (!body_.head.empty()) buffers_.emplace_back(body_.head.data(), body_.head.size());
      for (const auto& part : body_.parts) {
        if (!part.empty()) buffers_.emplace_back(part.data(), part.size());
      }
    }

    // Everything at once: Beast puts it after the header in one write.
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (sent_ || buffers_.empty()) return boost::none;
      sent_ = true;
      return std::make_pair(const_buffers_type(buffers_), false);
    }

   private:
    const value_type& body_;
    std::vector<boost::asio::const_buffer> buffers_;
    bool sent_ = false;
  };
};

}  // namespace streamgate::http

#pragma GCC visibility pop
