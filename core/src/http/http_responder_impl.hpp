#pragma once
// The HttpResponder a handler receives. It may be answered later and from
// any thread; the answer is posted to the connection's strand. A responder
// dropped unanswered answers 500, so a forgetful handler never hangs a client.

#include <atomic>
#include <cstdint>
#include <memory>

#include "streamgate/http.hpp"

// Internal to the core, like Beast (see http/beast.hpp).
#pragma GCC visibility push(hidden)

namespace streamgate::http {

class HttpConnection;

class HttpResponderImpl final : public HttpResponder {
 public:
  HttpResponderImpl(std::shared_ptr<HttpConnection> connection, std::uint64_t request);
  ~HttpResponderImpl() override;

  void respond(HttpResponse response) override;
  std::shared_ptr<HttpStream> start_stream(int status, std::string content_type,
                                           HttpHeaders headers) override;

  bool answered() const noexcept { return answered_.load(); }

 private:
  bool claim(const char* what);

  std::shared_ptr<HttpConnection> connection_;
  std::uint64_t request_;
  std::atomic<bool> answered_{false};
};

}  // namespace streamgate::http

#pragma GCC visibility pop
