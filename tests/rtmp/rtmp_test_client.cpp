#include "rtmp_test_client.hpp"

#include <stdexcept>

namespace streamgate::rtmp::test {

namespace asio = boost::asio;
using asio::ip::tcp;

RtmpTestClient::RtmpTestClient(std::uint16_t port, ClientConfig config, int receive_buffer_bytes,
                               int max_segment_bytes)
    : socket_(io_), protocol_(std::move(config)), buffer_(64 * 1024) {
  socket_.open(tcp::v4());
  // Before connect, so the window and segment size the server sees are small
  // from the start.
  if (receive_buffer_bytes > 0)
    socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes));
  if (max_segment_bytes > 0)
    socket_.set_option(
        asio::detail::socket_option::integer<IPPROTO_TCP, TCP_MAXSEG>(max_segment_bytes));
  socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  socket_.set_option(tcp::no_delay(true));
  protocol_.start();
}

RtmpTestClient::~RtmpTestClient() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void RtmpTestClient::flush() {
  while (protocol_.has_output() && !eof_) {
    auto batch = protocol_.take_output();
    boost::system::error_code ec;
    for (const auto& span : batch.buffers()) {
      asio::write(socket_, asio::buffer(span.data(), span.size()), ec);
      if (ec) break;
    }
    protocol_.recycle(std::move(batch));
    if (ec) eof_ = true;
  }
}

void RtmpTestClient::send_raw(std::span<const std::byte> bytes) {
  flush();
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec) eof_ = true;
}

void RtmpTestClient::collect() {
  scratch_.clear();
  protocol_.take_events(scratch_);
  const auto now = Clock::now();
  for (auto& event : scratch_) received_.push_back({now, std::move(event)});
  scratch_.clear();
}

void RtmpTestClient::read_some(Clock::time_point deadline) {
  if (!reading_) {
    reading_ = true;
    socket_.async_read_some(asio::buffer(buffer_), [this](const boost::system::error_code& ec,
                                                          std::size_t n) {
      reading_ = false;
      if (ec) {
        eof_ = true;
        return;
      }
      protocol_.feed(std::span<const std::byte>(buffer_.data(), n));
    });
  }
  io_.restart();
  io_.run_one_until(deadline);
  collect();
}

bool RtmpTestClient::wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    flush();
    collect();
    if (done()) return true;
    if (eof_ || Clock::now() >= deadline) return false;
    read_some(deadline);
  }
}

bool RtmpTestClient::wait_closed(std::chrono::milliseconds timeout) {
  return wait_until([this] { return eof_; }, timeout);
}

std::optional<client_event::Result> RtmpTestClient::result_of(double transaction,
                                                              std::chrono::milliseconds timeout) {
  std::optional<client_event::Result> found;
  wait_until(
      [&] {
        for (const auto& r : received_)
          if (const auto* result = std::get_if<client_event::Result>(&r.event))
            if (result->transaction_id == transaction) found = *result;
        return found.has_value();
      },
      timeout);
  return found;
}

std::string RtmpTestClient::connect(const std::string& app, std::chrono::milliseconds timeout) {
  ConnectOptions options;
  options.app = app;
  options.tc_url = "rtmp://127.0.0.1/" + app;
  const auto result = result_of(protocol_.connect(options), timeout);
  if (!result) return "";
  return result->status ? result->status->code : "(no status)";
}

std::uint32_t RtmpTestClient::create_stream() {
  const auto result = result_of(protocol_.create_stream());
  return result && !result->error ? result->stream_id : 0;
}

std::string RtmpTestClient::next_status(std::uint32_t stream_id, std::size_t seen) {
  std::string code;
  wait_until([&] {
    const auto codes = status_codes(stream_id);
    if (codes.size() <= seen) return false;
    code = codes[seen];
    return true;
  });
  return code;
}

std::string RtmpTestClient::publish(std::uint32_t stream_id, const std::string& name) {
  const std::size_t seen = status_codes(stream_id).size();
  protocol_.publish(stream_id, name);
  return next_status(stream_id, seen);
}

std::string RtmpTestClient::play(std::uint32_t stream_id, const std::string& name) {
  const std::size_t seen = status_codes(stream_id).size();
  protocol_.play(stream_id, name);
  play_sent_ = Clock::now();
  return next_status(stream_id, seen);
}

std::vector<std::string> RtmpTestClient::status_codes(std::uint32_t stream_id) const {
  std::vector<std::string> codes;
  for (const auto& r : received_)
    if (const auto* status = std::get_if<client_event::StatusReceived>(&r.event))
      if (status->stream_id == stream_id && status->command == "onStatus")
        codes.push_back(status->status.code);
  return codes;
}

bool RtmpTestClient::has_status(std::uint32_t stream_id, const std::string& code) const {
  const auto codes = status_codes(stream_id);
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::vector<const Message*> RtmpTestClient::media() const {
  std::vector<const Message*> out;
  for (const auto& r : received_)
    if (const auto* media = std::get_if<client_event::MediaReceived>(&r.event))
      out.push_back(&media->message);
  return out;
}

std::size_t RtmpTestClient::count_media(MessageType type) const {
  std::size_t n = 0;
  for (const auto* message : media()) n += message->type == type;
  return n;
}

std::optional<RtmpTestClient::Clock::time_point> RtmpTestClient::first_arrival(MessageType type) const {
  for (const auto& r : received_)
    if (const auto* media = std::get_if<client_event::MediaReceived>(&r.event))
      if (media->message.type == type) return r.at;
  return std::nullopt;
}

std::size_t RtmpTestClient::count_user_control(std::uint16_t event) const {
  std::size_t n = 0;
  for (const auto& r : received_)
    if (const auto* control = std::get_if<client_event::UserControlReceived>(&r.event))
      n += control->event.event == event;
  return n;
}

}  // namespace streamgate::rtmp::test
