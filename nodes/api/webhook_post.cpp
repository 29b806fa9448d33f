#include "nodes/api/webhook_post.hpp"

#include <algorithm>
#include <cctype>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <httplib.h>

#include "nodes/api/random_hex.hpp"

namespace onset::api {

namespace {

constexpr size_t max_url = 2048;
/// How much of a refusal's body its error quotes.
constexpr size_t quoted_answer = 200;

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

bool path_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '#';
}

/// Splits `rest` (after the scheme) into host, port and path.
std::variant<webhook_url, std::string> parse_authority(std::string rest,
                                                       bool https) {
  webhook_url x;
  x.https = https;
  x.port = https ? 443 : 80;
  auto slash = rest.find_first_of("/?");
  auto authority = rest.substr(0, slash);
  x.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (x.path[0] == '?')
    x.path = "/" + x.path;
  if (!std::all_of(x.path.begin(), x.path.end(), path_char))
    return std::string{"url: its path holds a space, a control character or "
                       "a fragment (#)"};
  if (authority.find('@') != std::string::npos)
    return std::string{"url: user information (user@) is not supported; "
                       "the secret authenticates Onset"};
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos)
      return std::string{"url: an IPv6 host without its closing ]"};
    x.host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':')
      return std::string{"url: after the IPv6 host only :PORT may follow"};
    port_text = after.empty() ? "" : after.substr(1);
    if (x.host.empty()
        || !std::all_of(x.host.begin(), x.host.end(), [](char c) {
             return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'
                    || c == '.';
           }))
      return std::string{"url: not an IPv6 address in brackets"};
  } else {
    auto colon = authority.rfind(':');
    x.host = authority.substr(0, colon);
    port_text = colon == std::string::npos ? "" : authority.substr(colon + 1);
    if (x.host.empty() || !std::all_of(x.host.begin(), x.host.end(), host_char))
      return std::string{"url: no host, or a host with characters other than "
                         "letters, digits, '.' and '-'"};
  }
  if (authority.find(':') != std::string::npos && authority.back() == ':')
    return std::string{"url: ':' without a port"};
  if (!port_text.empty()) {
    if (port_text.size() > 5
        || !std::all_of(port_text.begin(), port_text.end(),
                        [](char c) { return c >= '0' && c <= '9'; }))
      return "url: port '" + port_text + "' is not a number";
    auto port = std::stoul(port_text);
    if (port == 0 || port > 65535)
      return "url: port " + port_text + " is outside 1..65535";
    x.port = static_cast<uint16_t>(port);
  }
  return x;
}

} // namespace

std::string webhook_url::origin() const {
  auto bracketed = host.find(':') != std::string::npos ? "[" + host + "]"
                                                       : host;
  return std::string{https ? "https://" : "http://"} + bracketed + ":"
         + std::to_string(port);
}

std::variant<webhook_url, std::string>
parse_webhook_url(const std::string& text) {
  if (text.empty())
    return std::string{"url: missing"};
  if (text.size() > max_url)
    return "url: longer than " + std::to_string(max_url) + " characters";
  for (auto [scheme, https] :
       {std::pair{"http://", false}, std::pair{"https://", true}})
    if (text.rfind(scheme, 0) == 0)
      return parse_authority(text.substr(std::string_view{scheme}.size()),
                             https);
  return std::string{"url: not http:// or https://"};
}

std::string webhook_signature(const std::string& secret,
                              const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), md,
       &size);
  return "sha256=" + to_hex(md, size);
}

struct webhook_poster::impl {
  webhook_url url;
  webhook_post_options options;
  httplib::Client http;

  impl(const webhook_url& url, const std::string& ca_file,
       webhook_post_options opts)
    : url(url), options(opts), http(url.origin()) {
    http.set_connection_timeout(options.connect_timeout);
    http.set_read_timeout(options.read_timeout);
    http.set_write_timeout(options.read_timeout);
    http.set_keep_alive(true);
    // A redirect is the subscriber's error: following it would send the
    // signed event somewhere nobody subscribed.
    http.set_follow_location(false);
    if (url.https) {
      http.enable_server_certificate_verification(true);
      if (!ca_file.empty())
        http.set_ca_cert_path(ca_file);
    }
  }

  webhook_answer post(const std::string& event_id, const std::string& type,
                      const std::string& body, const std::string& signature) {
    httplib::Request req;
    req.method = "POST";
    req.path = url.path;
    req.headers = {{"X-Onset-Event-Id", event_id},
                   {"X-Onset-Event-Type", type},
                   {"X-Onset-Signature", signature},
                   {"User-Agent", "onset-webhooks"}};
    req.body = body;
    req.set_header("Content-Type", "application/json");
    std::string answer;
    bool cut = false;
    auto cap = options.max_answer;
    req.content_receiver = [&](const char* data, size_t size, uint64_t,
                               uint64_t) {
      if (answer.size() + size > cap) {
        cut = true;
        return false;
      }
      answer.append(data, size);
      return true;
    };
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    auto sent = http.send(req, res, error);
    return outcome(sent, res, error, answer, cut);
  }

  webhook_answer outcome(bool sent, const httplib::Response& res,
                         httplib::Error error, const std::string& answer,
                         bool cut) {
    webhook_answer x;
    x.status = res.status > 0 ? res.status : 0;
    auto success = x.status >= 200 && x.status <= 299;
    // A 2xx whose body was too long to read was still accepted.
    if (success && (sent || cut)) {
      x.delivered = true;
      return x;
    }
    if (x.status >= 300 && x.status <= 399) {
      auto to = res.get_header_value("Location");
      x.error = "HTTP " + std::to_string(x.status) + ": redirect"
                + (to.empty() ? "" : " to " + to) + " not followed";
    } else if (x.status > 0) {
      x.error = "HTTP " + std::to_string(x.status) + ": "
                + answer.substr(0, quoted_answer)
                + (cut ? " (answer cut at " + std::to_string(options.max_answer)
                           + " bytes)"
                       : "");
    } else {
      x.error = httplib::to_string(error);
    }
    return x;
  }
};

webhook_poster::webhook_poster(const webhook_url& url,
                               const std::string& ca_file,
                               webhook_post_options options)
  : impl_(std::make_unique<impl>(url, ca_file, options)) {
}

webhook_poster::~webhook_poster() = default;

webhook_answer
webhook_poster::post(const std::string& event_id, const std::string& type,
                     const std::string& body, const std::string& signature) {
  return impl_->post(event_id, type, body, signature);
}

void webhook_poster::stop() {
  impl_->http.stop();
}

} // namespace onset::api
