#include "persistence/caf_error.hpp"

#include "messages/error_code.hpp"

namespace onset::persistence {

caf::error to_error(const failure& x) {
  return refusal(x.code, x.context);
}

caf::error to_error(const status& x) {
  return x ? caf::error{} : to_error(x.error());
}

} // namespace onset::persistence
