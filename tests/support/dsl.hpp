// CAF's test DSL for Onset's tests. Include this instead of
// <caf/test/dsl.hpp>: CAF 0.17.6's DSL calls a `FAIL` macro that it never
// defines.
#pragma once

#ifndef FAIL
#  define FAIL CAF_FAIL
#endif

#include <caf/test/dsl.hpp>
