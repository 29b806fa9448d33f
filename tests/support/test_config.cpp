#include "tests/support/test_config.hpp"

#include "actors/onset_types.hpp"

namespace onset::test {

test_config::test_config() {
  actors::add_onset_types(*this);
}

} // namespace onset::test
