// Storage results at an actor boundary: the one conversion from
// `failure`, `status` and `result<T>` (persistence/status.hpp, which stays
// free of CAF) to `caf::error`, for handlers that answer with a
// `caf::expected` or `caf::result`. The error is Onset's category with the
// failure's code and its context as the reason.
#pragma once

#include <caf/error.hpp>

#include "persistence/status.hpp"

namespace onset::persistence {

/// The `caf::error` for a storage failure (category "onset").
caf::error to_error(const failure& x);

/// None when ok.
caf::error to_error(const status& x);

/// None when `x` holds a value.
template <class T>
caf::error to_error(const result<T>& x) {
  return x ? caf::error{} : to_error(x.error());
}

} // namespace onset::persistence
