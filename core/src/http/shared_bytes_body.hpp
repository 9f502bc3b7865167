#pragma once
// A Beast body whose value is SharedBytes: the serializer sends the header
// and the shared payload in one gathered write, without copying the payload.

#include <boost/asio/buffer.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <utility>

#include "http/beast.hpp"
#include "streamgate/bytes.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

struct SharedBytesBody {
  using value_type = SharedBytes;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (sent_ || body_.empty()) return boost::none;
      sent_ = true;
      return std::make_pair(const_buffers_type(body_.data(), body_.size()), false);
    }

   private:
    const value_type& body_;
    bool sent_ = false;
  };
};

}  // namespace streamgate::http

#pragma GCC visibility pop
