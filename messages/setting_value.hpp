// A typed setting value, as a contract, the catalog, a printer and a smart
// service hold it: a flag, a number, one word of an enumeration, or a set of
// words.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace onset {
inline namespace messages {

enum class value_kind : uint8_t { flag, number, word, words };

const char* to_string(value_kind x);

/// A setting value. Only the member named by `kind` is meaningful; the others
/// stay empty so that equality and serialization are plain. `words` is kept
/// sorted and without duplicates (a set of enumeration values).
struct setting_value {
  value_kind kind = value_kind::flag;
  bool flag = false;
  int64_t number = 0;
  std::string word;
  std::vector<std::string> words;

  static setting_value of_flag(bool x);
  static setting_value of_number(int64_t x);
  static setting_value of_word(std::string x);
  /// Sorts and removes duplicates.
  static setting_value of_words(std::vector<std::string> xs);

  /// Compact human-readable text: `true`, `90`, `weekly`, `[mon,sun]`.
  std::string to_text() const;
};

bool operator==(const setting_value& x, const setting_value& y);

inline bool operator!=(const setting_value& x, const setting_value& y) {
  return !(x == y);
}

std::ostream& operator<<(std::ostream& out, const setting_value& x);

/// Setting name -> value; ordered so that plans and output are stable.
using settings = std::map<std::string, setting_value>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, setting_value& x) {
  return f(caf::meta::type_name("setting_value"), x.kind, x.flag, x.number,
           x.word, x.words);
}

} // namespace messages
} // namespace onset
