// CAF's test DSL with networking (several simulated nodes), with the same
// `FAIL` workaround as tests/support/dsl.hpp. Needs CAF::io.
#pragma once

#include "tests/support/dsl.hpp"

#include <caf/test/io_dsl.hpp>
