#include "messages/catalog.hpp"

#include <algorithm>

namespace onset {
inline namespace messages {

namespace {

std::string joined(const std::vector<std::string>& xs) {
  std::string result;
  for (auto& x : xs) {
    if (!result.empty())
      result += '|';
    result += x;
  }
  return result;
}

bool is_allowed(const std::vector<std::string>& allowed, const std::string& x) {
  return std::find(allowed.begin(), allowed.end(), x) != allowed.end();
}

} // namespace

std::optional<invalid_input> setting_spec::check(const setting_value& x) const {
  if (x.kind != kind)
    return invalid_input{{},
                         std::string{"must be of type "} + to_string(kind)
                           + ", not " + to_string(x.kind)};
  switch (kind) {
    case value_kind::flag:
      return std::nullopt;
    case value_kind::number:
      if (x.number < min || x.number > max)
        return invalid_input{{},
                             std::to_string(x.number) + " is out of range "
                               + std::to_string(min) + ".."
                               + std::to_string(max)};
      return std::nullopt;
    case value_kind::word:
      if (!is_allowed(allowed, x.word))
        return invalid_input{
          {}, "'" + x.word + "' is not one of " + joined(allowed)};
      return std::nullopt;
    case value_kind::words:
      for (auto& w : x.words)
        if (!is_allowed(allowed, w))
          return invalid_input{{},
                               "'" + w + "' is not one of " + joined(allowed)};
      return std::nullopt;
  }
  return std::nullopt;
}

const setting_spec* service_spec::find_setting(const std::string& name) const {
  for (auto& s : server_settings)
    if (s.name == name)
      return &s;
  return nullptr;
}

settings service_spec::merged_server_settings(const settings& choices) const {
  settings result;
  for (auto& s : server_settings) {
    auto i = choices.find(s.name);
    result.emplace(s.name, i != choices.end() ? i->second : s.default_value);
  }
  return result;
}

const service_spec* catalog::find(const service_id& id) const {
  auto i = services.find(id);
  return i != services.end() ? &i->second : nullptr;
}

std::string catalog::service_names() const {
  std::string result;
  for (auto& [id, spec] : services) {
    if (!result.empty())
      result += '|';
    result += id.str();
  }
  return result;
}

} // namespace messages
} // namespace onset
