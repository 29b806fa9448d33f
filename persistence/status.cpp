#include "persistence/status.hpp"

#include "messages/error_code.hpp"

namespace onset::persistence {

std::string to_string(const failure& x) {
  return onset::to_string(x.code) + ": " + x.context;
}

failure make_failure(error_code code, std::string context) {
  return failure{code, std::move(context), false, false};
}

} // namespace onset::persistence
