// Access control (core/src/access) on what a client controls: the query of
// its stream key (?key=… or ?token=…&expires=…, checked by SecretCheck and
// check_token), its stream path, and the peer address written into HTTP
// callbacks. Input: three lines, the query, the stream path ("app/stream")
// and the peer ("ip:port").
//
// Invariants: a request is let through only with one of the configured keys
// or a token that is the HMAC of exactly this stream and expiry, not expired;
// a refusal never quotes a configured key, the secret, or the key or token
// the client sent; a token minted for
// the path is accepted until it expires and only for that path; a parsed peer
// reads back the same; a callback body has exactly the seven documented
// fields, in order, and decodes back to what went in (a client cannot add or
// override a field through its query or name).

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "access/callback_form.hpp"
#include "access/peer_address.hpp"
#include "access/secret_check.hpp"
#include "access/stream_token.hpp"
#include "fuzz_support.hpp"
#include "http/request_target.hpp"
#include "streamgate/http.hpp"

namespace {

using namespace streamgate;
using namespace streamgate::access;

const std::vector<std::string> kKeys = {"correct-horse-battery", "k2-0123456789"};
const std::string kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'700'000'000;

std::string query_param(std::string_view query, std::string_view name) {
  HttpRequest request;
  request.query = std::string(query);
  return request.query_param(name);
}

bool contains(std::string_view text, std::string_view part) {
  return part.size() >= 8 && text.find(part) != std::string_view::npos;
}

void check_secret(std::string_view query, std::string_view path) {
  const SecretCheck check(kKeys, kSecret);
  const auto key = query_param(query, "key");
  const auto token = query_param(query, "token");
  const auto expires = query_param(query, "expires");
  const auto refusal = check.refusal(query, path, kNow);
  if (refusal) {
    FUZZ_CHECK(!contains(*refusal, kSecret), "a refusal never quotes the secret");
    for (const auto& k : kKeys) FUZZ_CHECK(!contains(*refusal, k), "a refusal never quotes a configured key");
    // Nor what the client sent: the same request with its key and token
    // replaced by marker text gets a refusal without the marker.
    const std::string marker_key(std::max<std::size_t>(key.size(), 8), 'Q');
    const std::string marker_token(64, 'a');
    const auto again = check.refusal("key=" + marker_key + "&token=" + marker_token + "&expires=" + expires, path, kNow);
    FUZZ_CHECK(again && !contains(*again, marker_key) && !contains(*again, marker_token),
               "a refusal never quotes the client's key or token");
  } else {
    const bool right_key = key == kKeys[0] || key == kKeys[1];
    const bool right_token = check_token(kSecret, path, token, expires, kNow) == TokenCheck::Valid;
    FUZZ_CHECK(right_key || right_token, "nothing passes without a right key or token");
  }
  // A token that checks out is the HMAC of this path and this expiry.
  if (check_token(kSecret, path, token, expires, kNow) == TokenCheck::Valid) {
    std::int64_t when = 0;
    auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), when);
    FUZZ_CHECK(ec == std::errc{} && when > kNow, "a valid token has a future expiry");
    if (end == expires.data() + expires.size() && std::to_string(when) == expires) {
      std::string lower = token;
      for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
      FUZZ_CHECK(lower == mint_token(kSecret, path, when), "a valid token is the one minted for it");
    }
  }
  // Minted tokens for this path: valid until they expire, never for another path.
  const std::int64_t until = kNow + 60 + static_cast<std::int64_t>(path.size());
  const auto minted = mint_token(kSecret, path, until);
  const auto until_text = std::to_string(until);
  FUZZ_CHECK(check_token(kSecret, path, minted, until_text, kNow) == TokenCheck::Valid, "a minted token is valid");
  FUZZ_CHECK(check_token(kSecret, path, minted, until_text, until) == TokenCheck::Expired, "and expires");
  FUZZ_CHECK(check_token(kSecret, std::string(path) + "x", minted, until_text, kNow) == TokenCheck::Mismatch,
             "a token is for its own path only");
  FUZZ_CHECK(!check.refusal("key=" + kKeys[1], path, kNow), "a right key passes");
}

void check_peer(std::string_view peer) {
  const auto parsed = parse_peer(peer);
  if (!parsed) return;
  FUZZ_CHECK(!(parsed->address.is_v6() && parsed->address.to_v6().is_v4_mapped()), "IPv4-mapped peers are unmapped");
  std::string text = parsed->address.is_v6() ? "[" + parsed->address.to_string() + "]" : parsed->address.to_string();
  if (parsed->port != 0) text += ":" + std::to_string(parsed->port);
  const auto again = parse_peer(text);
  FUZZ_CHECK(again && again->address == parsed->address && again->port == parsed->port, "a peer reads back the same");
}

void check_callback_body(std::string_view query, std::string_view path, std::string_view peer) {
  AccessRequest request;
  request.action = AccessAction::Publish;
  const auto slash = path.find('/');
  request.key.app = std::string(path.substr(0, slash));
  request.key.name = slash == std::string_view::npos ? "" : std::string(path.substr(slash + 1));
  request.query = std::string(query);
  request.peer = std::string(peer);
  request.protocol = "rtmp";
  const auto body = callback_body("publish", request);

  const auto parsed_peer = parse_peer(peer);
  const std::array<std::pair<std::string_view, std::string>, 7> expected = {{
      {"call", "publish"},
      {"app", request.key.app},
      {"name", request.key.name},
      {"addr", parsed_peer ? parsed_peer->address.to_string() : ""},
      {"port", parsed_peer && parsed_peer->port ? std::to_string(parsed_peer->port) : ""},
      {"protocol", "rtmp"},
      {"query", request.query},
  }};
  std::size_t field = 0;
  for (std::size_t start = 0; start <= body.size(); ++field) {
    const auto end = std::min(body.find('&', start), body.size());
    const std::string_view pair(body.data() + start, end - start);
    FUZZ_CHECK(field < expected.size(), "no field beyond the seven documented ones");
    const auto equals = pair.find('=');
    FUZZ_CHECK(equals != std::string_view::npos && pair.substr(0, equals) == expected[field].first,
               "the documented fields, in order");
    const auto value = http::percent_decode(pair.substr(equals + 1), true);
    FUZZ_CHECK(value && *value == expected[field].second, "a field decodes back to what went in");
    start = end + 1;
  }
  FUZZ_CHECK(field == expected.size(), "all seven fields");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = std::min(input.find('\n'), input.size());
  const auto second = first < size ? std::min(input.find('\n', first + 1), input.size()) : size;
  const auto query = input.substr(0, first);
  const auto path = first < size ? input.substr(first + 1, second - first - 1) : std::string_view{};
  const auto peer = second < size ? input.substr(second + 1) : std::string_view{};
  check_secret(query, path);
  check_peer(peer);
  check_callback_body(query, path, peer);
  return 0;
}
