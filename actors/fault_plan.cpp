#include "actors/fault_plan.hpp"

#include <cstdlib>
#include <sstream>

namespace onset::actors {

const char* to_string(fault x) {
  switch (x) {
    case fault::none:
      return "none";
    case fault::drop_request:
      return "drop_request";
    case fault::drop_reply:
      return "drop_reply";
    case fault::duplicate:
      return "duplicate";
    case fault::delay:
      return "delay";
    case fault::refuse:
      return "refuse";
  }
  return "?";
}

namespace {

bool parse_number(const std::string& text, double& out) {
  if (text.empty())
    return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

bool parse_count(const std::string& text, uint64_t& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos
      || text.size() > 18)
    return false;
  out = std::stoull(text);
  return true;
}

} // namespace

outcome<fault_options> parse_fault_spec(const std::string& spec) {
  fault_options result;
  std::stringstream in{spec};
  std::string item;
  bool empty = true;
  while (std::getline(in, item, ',')) {
    empty = false;
    auto eq = item.find('=');
    if (eq == std::string::npos)
      return invalid_input{item, "expected NAME=VALUE"};
    auto name = item.substr(0, eq);
    auto value = item.substr(eq + 1);
    if (name == "drop" || name == "duplicate" || name == "delay"
        || name == "refuse") {
      double p = 0;
      if (!parse_number(value, p) || p < 0 || p > 1)
        return invalid_input{name, "'" + value
                                     + "' is not a probability in "
                                       "[0, 1]"};
      (name == "drop"        ? result.drop
       : name == "duplicate" ? result.duplicate
       : name == "delay"     ? result.delay
                             : result.refuse)
        = p;
    } else if (name == "delay_ms" || name == "seed") {
      uint64_t n = 0;
      if (!parse_count(value, n) || (name == "delay_ms" && n == 0))
        return invalid_input{name, "'" + value + "' is not a "
                                     + (name == "seed" ? "number"
                                                       : "positive number")};
      if (name == "seed")
        result.seed = n;
      else
        result.max_delay = std::chrono::milliseconds{n};
    } else {
      return invalid_input{name, "unknown fault (known: drop, duplicate, "
                                 "delay, refuse, delay_ms, seed)"};
    }
  }
  if (empty)
    return invalid_input{"", "empty fault spec"};
  if (result.drop + result.duplicate + result.delay + result.refuse > 1)
    return invalid_input{"", "drop + duplicate + delay + refuse exceeds 1"};
  return result;
}

std::string to_string(const fault_options& x) {
  std::ostringstream out;
  out << "drop=" << x.drop << ",duplicate=" << x.duplicate
      << ",delay=" << x.delay << ",refuse=" << x.refuse
      << ",delay_ms=" << x.max_delay.count() << ",seed=" << x.seed;
  return out.str();
}

fault_plan::fault_plan(const fault_options& x) : options_(x), rng_(x.seed) {
}

fault fault_plan::next() {
  std::uniform_real_distribution<double> u{0, 1};
  auto r = u(rng_);
  if (r < options_.drop)
    return r < options_.drop / 2 ? fault::drop_request : fault::drop_reply;
  r -= options_.drop;
  if (r < options_.duplicate)
    return fault::duplicate;
  r -= options_.duplicate;
  if (r < options_.delay)
    return fault::delay;
  r -= options_.delay;
  // Drawn last, from the same number: a spec without `refuse` gives the
  // same faults as before it existed.
  if (r < options_.refuse)
    return fault::refuse;
  return fault::none;
}

std::chrono::milliseconds fault_plan::next_delay() {
  std::uniform_int_distribution<int64_t> d{1, options_.max_delay.count()};
  return std::chrono::milliseconds{d(rng_)};
}

} // namespace onset::actors
