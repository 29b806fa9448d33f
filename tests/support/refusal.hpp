// Checking that input was refused for the right field and reason.
#pragma once

#include <string>

#include <caf/test/unit_test.hpp>

#include "messages/outcome.hpp"

namespace onset::test {

/// Checks that `result` is a refusal on `field` whose reason contains
/// `fragment`; `input` is shown when it was accepted.
template <class T>
void check_refusal(const outcome<T>& result, const std::string& field,
                   const std::string& fragment, const std::string& input) {
  if (result) {
    CAF_MESSAGE("accepted, expected a refusal on " << field << ": " << input);
    CAF_CHECK(!result);
    return;
  }
  CAF_CHECK_EQUAL(result.error().field, field);
  if (result.error().reason.find(fragment) == std::string::npos)
    CAF_MESSAGE("reason '" << result.error().reason << "' lacks '" << fragment
                           << "'");
  CAF_CHECK(result.error().reason.find(fragment) != std::string::npos);
}

/// Checks that `text` contains `fragment`, showing `text` if not.
inline void check_contains(const std::string& text,
                           const std::string& fragment) {
  auto found = text.find(fragment) != std::string::npos;
  if (!found)
    CAF_MESSAGE("'" << fragment << "' not in: " << text);
  CAF_CHECK(found);
}

} // namespace onset::test
