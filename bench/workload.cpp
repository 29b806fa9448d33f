#include "bench/workload.hpp"

#include <cstdio>

namespace onset::bench {

namespace {

constexpr const char* customer = "bench";
constexpr int64_t ten_years = 10LL * 365 * 24 * 3600;

} // namespace

const std::vector<std::string>& service_order() {
  static const std::vector<std::string> order{
    "data_backup", "failure_prediction", "parts_life_prediction",
    "consumables_delivery", "cloud_doc_backup"};
  return order;
}

device_id device_name(const std::string& prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "-%07d", i);
  return device_id{prefix + buf};
}

std::vector<device_record> devices(const std::string& prefix, int first,
                                   int count) {
  std::vector<device_record> result;
  result.reserve(static_cast<size_t>(count));
  for (int i = first; i < first + count; ++i) {
    device_record x;
    x.id = device_name(prefix, i);
    x.customer = customer_id{customer};
    x.model = "imageRUNNER C3326";
    x.firmware = *firmware_version::parse("2.4.0");
    result.push_back(std::move(x));
  }
  return result;
}

contract contract_of(const std::string& id,
                     const std::vector<device_id>& printers, int services,
                     int64_t start) {
  contract x;
  x.id = contract_id{id};
  x.version = 1;
  x.customer = customer_id{customer};
  x.start = utc_time{start};
  x.end = utc_time{start + ten_years};
  x.devices = printers;
  for (int i = 0; i < services; ++i)
    x.services.emplace(service_id{service_order()[static_cast<size_t>(i)]},
                       settings{});
  return x;
}

} // namespace onset::bench
