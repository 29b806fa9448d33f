#include "messages/setting_value.hpp"

#include <algorithm>

namespace onset {
inline namespace messages {

const char* to_string(value_kind x) {
  switch (x) {
    case value_kind::flag:
      return "bool";
    case value_kind::number:
      return "int";
    case value_kind::word:
      return "enum";
    case value_kind::words:
      return "set";
  }
  return "unknown";
}

setting_value setting_value::of_flag(bool x) {
  setting_value result;
  result.kind = value_kind::flag;
  result.flag = x;
  return result;
}

setting_value setting_value::of_number(int64_t x) {
  setting_value result;
  result.kind = value_kind::number;
  result.number = x;
  return result;
}

setting_value setting_value::of_word(std::string x) {
  setting_value result;
  result.kind = value_kind::word;
  result.word = std::move(x);
  return result;
}

setting_value setting_value::of_words(std::vector<std::string> xs) {
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  setting_value result;
  result.kind = value_kind::words;
  result.words = std::move(xs);
  return result;
}

std::string setting_value::to_text() const {
  switch (kind) {
    case value_kind::flag:
      return flag ? "true" : "false";
    case value_kind::number:
      return std::to_string(number);
    case value_kind::word:
      return word;
    case value_kind::words: {
      std::string result = "[";
      for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0)
          result += ',';
        result += words[i];
      }
      return result + "]";
    }
  }
  return {};
}

bool operator==(const setting_value& x, const setting_value& y) {
  if (x.kind != y.kind)
    return false;
  switch (x.kind) {
    case value_kind::flag:
      return x.flag == y.flag;
    case value_kind::number:
      return x.number == y.number;
    case value_kind::word:
      return x.word == y.word;
    case value_kind::words:
      return x.words == y.words;
  }
  return false;
}

std::ostream& operator<<(std::ostream& out, const setting_value& x) {
  return out << x.to_text();
}

} // namespace messages
} // namespace onset
