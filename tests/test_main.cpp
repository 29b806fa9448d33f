// The CAF test runner's main; each test binary links exactly one copy.
#include <caf/test/unit_test_impl.hpp>
