#include "actors/service_steps.hpp"

namespace onset::actors {

std::variant<service_device_state, std::string>
apply_service_step(const service_spec& spec,
                   const service_device_state& current, const instruction& x) {
  switch (x.kind) {
    case step_kind::service_prepare: {
      for (auto& [key, value] : x.values) {
        auto setting = spec.find_setting(key);
        if (setting == nullptr)
          return "service " + spec.id.str() + " has no setting " + key;
        if (auto problem = setting->check(value))
          return "setting " + key + ": " + problem->reason;
      }
      auto next = current;
      next.registered = true;
      next.values = x.values;
      return next;
    }
    case step_kind::service_activate: {
      if (!current.registered)
        return "printer " + x.device.str() + " is not prepared at service "
               + spec.id.str();
      auto next = current;
      next.active = true;
      return next;
    }
    case step_kind::service_deactivate:
      return service_device_state{};
    default:
      return std::string{"not a service step: "} + to_string(x.kind);
  }
}

} // namespace onset::actors
