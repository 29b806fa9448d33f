#include "persistence/service_store.hpp"

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::service_store {

namespace {

constexpr char service_tag = 'S';

std::string service_prefix(const service_id& service) {
  std::string key{service_tag};
  keys::put_str(key, service.str());
  return key;
}

std::string key_text(const service_id& service, std::string_view device) {
  return keys::printable(service.str()) + "/" + keys::printable(device);
}

} // namespace

status put(write_txn& txn, const service_id& service, const device_id& device,
           const service_device_state& x) {
  if (service.empty() || device.empty())
    return make_failure(error_code::invalid_input,
                        "service store: needs a service and a printer");
  auto key = service_prefix(service);
  keys::put_str(key, device.str());
  return txn.put(db::services, key, codec::encode(x));
}

result<std::optional<service_device_state>>
get(transaction& txn, const service_id& service, const device_id& device) {
  auto key = service_prefix(service);
  keys::put_str(key, device.str());
  return codec::get<service_device_state>(txn, db::services, key,
                                          key_text(service, device.str()));
}

status for_each_device_of(
  transaction& txn, const service_id& service,
  const std::function<void(const device_id&, const service_device_state&)>& fn,
  const corrupt_handler& on_corrupt) {
  auto prefix = service_prefix(service);
  return scan_prefix(txn, db::services, prefix,
                     [&](std::string_view key, std::string_view value) {
                       auto rest = key.substr(prefix.size());
                       auto device = keys::get_str(rest);
                       if (!device || !rest.empty()) {
                         codec::report_corrupt(
                           on_corrupt, make_failure(error_code::corrupt_record,
                                                    "db=services key="
                                                      + keys::printable(key)
                                                      + ": malformed key"));
                         return true;
                       }
                       service_device_state x;
                       auto st = codec::decode(value, x, db::services,
                                               key_text(service, *device));
                       if (st)
                         fn(device_id{std::string{*device}}, x);
                       else
                         codec::report_corrupt(on_corrupt, st.error());
                       return true;
                     });
}

} // namespace onset::persistence::service_store
