#include "nodes/api/api_types.hpp"

#include <cerrno>
#include <cstdlib>

namespace onset::api {

namespace {

int status_of(const std::string& code) {
  if (code == "invalid_input" || code == "refused")
    return 422;
  if (code == "unknown_contract" || code == "unknown_device"
      || code == "unknown_service")
    return 404;
  if (code == "stale_version" || code == "wrong_state" || code == "conflict"
      || code == "foreign_device" || code == "offline")
    return 409;
  if (code == "corrupt_record" || code == "format_mismatch")
    return 500;
  return 503;
}

/// `devices[1]` of `invalid_input: devices[1]: not an id`.
std::string field_of(const std::string& text) {
  auto reason = text.find(": ");
  if (reason == std::string::npos)
    return {};
  auto rest = text.substr(reason + 2);
  auto end = rest.find(": ");
  if (end == std::string::npos || rest.find(' ') < end)
    return {};
  return rest.substr(0, end);
}

} // namespace

api_response error_response(int status, const std::string& code,
                            const std::string& field,
                            const std::string& message) {
  nlohmann::json body{{"error", code}, {"message", message}};
  body["field"] = field.empty() ? nlohmann::json(nullptr)
                                : nlohmann::json(field);
  return {status, std::move(body)};
}

api_response gateway_failure(const cli::failure& x) {
  if (x.kind == cli::failure::unreachable)
    return error_response(503, "unreachable", "", x.text);
  auto code = x.code.empty() ? std::string{"refused"} : x.code;
  auto field = code == "invalid_input" ? field_of(x.text) : std::string{};
  return error_response(x.kind == cli::failure::partial ? 503 : status_of(code),
                        code, field, x.text);
}

api_response not_found(const std::string& code, const std::string& what) {
  return error_response(404, code, "", what + " is not known");
}

bool id_page::add(const std::string& id, nlohmann::json item) {
  if (items_.size() == limit_) {
    more_ = true;
    return false;
  }
  items_.push_back(std::move(item));
  last_ = id;
  return true;
}

nlohmann::json id_page::finish(const char* key) {
  nlohmann::json page{{key, std::move(items_)}};
  page["next_cursor"] = more_ ? nlohmann::json(last_) : nlohmann::json(nullptr);
  return page;
}

std::string query_text(const api_request& req, const std::string& name) {
  auto i = req.query.find(name);
  return i == req.query.end() ? std::string{} : i->second;
}

std::optional<long long> query_number(const api_request& req,
                                      const std::string& name, long long min,
                                      long long max, long long fallback,
                                      std::optional<api_response>& problem) {
  auto i = req.query.find(name);
  if (i == req.query.end())
    return fallback;
  errno = 0;
  char* end = nullptr;
  auto x = std::strtoll(i->second.c_str(), &end, 10);
  if (i->second.empty() || *end != '\0' || errno != 0 || x < min || x > max) {
    problem = error_response(400, "invalid_input", name,
                             name + ": a whole number from "
                               + std::to_string(min) + " to "
                               + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

} // namespace onset::api
