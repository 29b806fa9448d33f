#include "messages/log.hpp"

#include <atomic>
#include <cstdio>

#include <spdlog/spdlog.h>

namespace onset::log {

namespace {

std::atomic<format> current_format{format::text};

spdlog::level::level_enum to_spdlog(level x) {
  switch (x) {
    case level::trace:
      return spdlog::level::trace;
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warn:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
    default:
      return spdlog::level::critical;
  }
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

/// A text value is quoted (JSON string rules) when it is empty or holds a
/// space, a quote, `=` or a control character, so that `key=value` pairs
/// split unambiguously.
bool needs_quotes(std::string_view text) {
  if (text.empty())
    return true;
  for (char c : text)
    if (c == ' ' || c == '"' || c == '='
        || static_cast<unsigned char>(c) < 0x20)
      return true;
  return false;
}

void append_text_value(std::string& out, std::string_view text) {
  if (needs_quotes(text))
    append_json_string(out, text);
  else
    out += text;
}

} // namespace

void field::append_text(std::string& out) const {
  out += key_;
  out += '=';
  if (kind_ == kind::text)
    append_text_value(out, text_);
  else
    append_scalar(out);
}

void field::append_json(std::string& out) const {
  append_json_string(out, key_);
  out += ':';
  if (kind_ == kind::text)
    append_json_string(out, text_);
  else
    append_scalar(out);
}

void field::append_scalar(std::string& out) const {
  switch (kind_) {
    case kind::integer:
      out += std::to_string(signed_);
      break;
    case kind::unsigned_integer:
      out += std::to_string(unsigned_);
      break;
    case kind::real:
      out += fmt::format("{}", real_);
      break;
    case kind::boolean:
      out += unsigned_ != 0 ? "true" : "false";
      break;
    case kind::text:
      break;
  }
}

void set_format(format x) {
  current_format = x;
}

bool enabled(level x) {
  return spdlog::should_log(to_spdlog(x));
}

void write(level lvl, std::string_view name,
           const std::vector<std::pair<std::string, std::string>>& context,
           fields fs) {
  std::string line;
  line.reserve(128);
  if (current_format == format::json) {
    // The logger's JSON pattern wraps this in {"time":..,"level":.., ...}.
    line += "\"event\":";
    append_json_string(line, name);
    for (auto& [key, value] : context) {
      line += ',';
      field{key, value}.append_json(line);
    }
    for (auto& x : fs) {
      line += ',';
      x.append_json(line);
    }
  } else {
    line += name;
    for (auto& [key, value] : context) {
      line += ' ';
      field{key, value}.append_text(line);
    }
    for (auto& x : fs) {
      line += ' ';
      x.append_text(line);
    }
  }
  spdlog::log(to_spdlog(lvl), "{}", line);
}

} // namespace onset::log
