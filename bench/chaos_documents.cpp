#include "bench/chaos_documents.hpp"

#include <lmdb.h>

namespace onset::bench {

nlohmann::json kiosk_service() {
  return {{"description", "Kiosk mode, for onset-chaos's refused steps."},
          {"device",
           {{"min_firmware", "2.0.0"},
            {"install_firmware", "2.4.0"},
            {"apps", {"kiosk-app"}},
            {"settings", {{"kiosk.enabled", true}}}}}};
}

std::string copy_environment(const std::string& from, const std::string& to) {
  MDB_env* env = nullptr;
  auto fail = [&](const char* what, int rc) {
    if (env != nullptr)
      mdb_env_close(env);
    return std::string{what} + ": " + mdb_strerror(rc);
  };
  if (auto rc = mdb_env_create(&env))
    return fail("mdb_env_create", rc);
  if (auto rc = mdb_env_set_maxdbs(env, 64))
    return fail("mdb_env_set_maxdbs", rc);
  if (auto rc = mdb_env_open(env, from.c_str(), MDB_RDONLY | MDB_NOTLS, 0640))
    return fail("mdb_env_open", rc);
  if (auto rc = mdb_env_copy2(env, to.c_str(), MDB_CP_COMPACT))
    return fail("mdb_env_copy2", rc);
  mdb_env_close(env);
  return {};
}

std::string rfc3339(std::time_t t) {
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json services_of(const chaos_contract& c, int version) {
  auto v = c.value + (version - 1) * 5;
  switch (c.services) {
    case service_mix::device_only:
      return {{"failure_prediction", nlohmann::json::object()}};
    case service_mix::backup:
      return {
        {"data_backup",
         {{"backup_format", (v + version) % 2 == 0 ? "full" : "differential"}}},
        {"failure_prediction", nlohmann::json::object()}};
    case service_mix::delivery:
      return {{"consumables_delivery",
               {{"delivery_threshold_pct", v}, {"payment_method", "invoice"}}}};
    case service_mix::kiosk:
      return {{"chaos_kiosk", nlohmann::json::object()}};
    default:
      return {{"parts_life_prediction", {{"alert_threshold_pct", v + 50}}},
              {"cloud_doc_backup", nlohmann::json::object()}};
  }
}

} // namespace onset::bench
