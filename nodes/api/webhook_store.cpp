#include "nodes/api/webhook_store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "messages/error_code.hpp"
#include "messages/id_rules.hpp"
#include "nodes/api/random_hex.hpp"
#include "nodes/api/webhook_post.hpp"
#include "persistence/keys.hpp"

namespace onset::api {

using json = nlohmann::json;
using persistence::db;
using persistence::make_failure;
using persistence::result;
using persistence::status;

namespace {

constexpr std::string_view sub_prefix = "webhook/sub/";
constexpr std::string_view progress_prefix = "webhook/progress/";
constexpr size_t min_secret = 16;
constexpr size_t max_secret = 1024;

std::string sub_key(const std::string& id) {
  return std::string{sub_prefix} + id;
}

std::string progress_key(const std::string& id) {
  return std::string{progress_prefix} + id;
}

std::string encode(const webhook_subscription& x) {
  return json{{"url", x.url},
              {"events", x.events},
              {"customer", x.customer},
              {"secret", x.secret},
              {"ca_file", x.ca_file},
              {"created_by", x.created_by},
              {"created_ms", x.created_ms}}
    .dump();
}

std::optional<webhook_subscription> decode_sub(std::string_view id,
                                               std::string_view text) {
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_object())
    return std::nullopt;
  try {
    webhook_subscription x;
    x.id = std::string{id};
    x.url = doc.at("url").get<std::string>();
    x.events = doc.at("events").get<std::vector<std::string>>();
    x.customer = doc.at("customer").get<std::string>();
    x.secret = doc.at("secret").get<std::string>();
    x.ca_file = doc.at("ca_file").get<std::string>();
    x.created_by = doc.at("created_by").get<std::string>();
    x.created_ms = doc.at("created_ms").get<int64_t>();
    return x;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string encode(const webhook_progress& x) {
  return json{{"cursor", x.cursor},
              {"delivered", x.delivered},
              {"last_success_ms", x.last_success_ms}}
    .dump();
}

std::optional<webhook_progress> decode_progress(std::string_view text) {
  auto doc = json::parse(text, nullptr, false);
  if (!doc.is_object())
    return std::nullopt;
  try {
    webhook_progress x;
    x.cursor = doc.at("cursor").get<std::string>();
    x.delivered = doc.at("delivered").get<uint64_t>();
    x.last_success_ms = doc.at("last_success_ms").get<int64_t>();
    return x;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

persistence::failure corrupt(const std::string& key) {
  return make_failure(error_code::corrupt_record,
                      "db=meta key=" + persistence::keys::printable(key)
                        + ": not a webhook record");
}

/// The record at `key` as `decode` reads it; nullopt if there is none.
template <class T, class Decode>
result<std::optional<T>> read_record(persistence::environment& env,
                                     const std::string& key, Decode decode) {
  auto txn = env.begin_read();
  if (!txn)
    return txn.error();
  auto value = txn.get(db::meta, key);
  if (!value)
    return value.error();
  if (!*value)
    return std::optional<T>{};
  auto x = decode(**value);
  if (!x)
    return corrupt(key);
  return std::optional<T>{std::move(*x)};
}

std::optional<std::string> check_secret(const std::string& secret) {
  if (secret.size() < min_secret || secret.size() > max_secret)
    return "secret: " + std::to_string(min_secret) + " to "
           + std::to_string(max_secret) + " bytes (has "
           + std::to_string(secret.size()) + ")";
  auto control = std::find_if(secret.begin(), secret.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control != secret.end())
    return std::string{"secret: holds a control character (a line break "
                       "read from a file?)"};
  return std::nullopt;
}

std::optional<std::string> check_events(const std::vector<std::string>& xs) {
  auto& known = webhook_event_types();
  for (size_t i = 0; i < xs.size(); ++i)
    if (std::find(known.begin(), known.end(), xs[i]) == known.end())
      return "events[" + std::to_string(i) + "]: unknown event type '" + xs[i]
             + "' (docs/events.md lists them)";
  return std::nullopt;
}

std::optional<std::string> check_ca_file(const webhook_subscription& x) {
  if (x.ca_file.empty())
    return std::nullopt;
  if (x.url.rfind("https://", 0) != 0)
    return std::string{"ca_file: only for an https url"};
  std::ifstream in{x.ca_file};
  if (!in)
    return "ca_file: cannot read " + x.ca_file + " on the gateway node";
  return std::nullopt;
}

} // namespace

bool webhook_subscription::wants(const std::string& type,
                                 const std::string& customer_of_event) const {
  return (customer.empty() || customer == customer_of_event)
         && (events.empty()
             || std::find(events.begin(), events.end(), type) != events.end());
}

const std::vector<std::string>& webhook_event_types() {
  static const std::vector<std::string> types{
    "contract.accepted",       "contract.renewed", "contract.scheduled",
    "contract.provisioning",   "contract.active",  "contract.degraded",
    "contract.deprovisioning", "contract.ended",   "printer.degraded",
    "printer.recovered",       "step.abandoned",
  };
  return types;
}

std::optional<std::string> check_subscription(const webhook_subscription& x) {
  auto url = parse_webhook_url(x.url);
  if (auto* bad = std::get_if<std::string>(&url))
    return *bad;
  if (auto bad = check_events(x.events))
    return bad;
  if (!x.customer.empty())
    if (auto bad = check_id(x.customer, "customer"))
      return bad->to_string();
  if (auto bad = check_secret(x.secret))
    return bad;
  return check_ca_file(x);
}

webhook_store::webhook_store(std::unique_ptr<persistence::environment> env)
  : env_(std::move(env)) {
}

result<std::unique_ptr<webhook_store>>
webhook_store::open(const std::string& directory) {
  persistence::environment_options opts;
  opts.directory = directory;
  opts.map_size = size_t{8} << 20;
  auto env = persistence::environment::open(opts);
  if (!env)
    return env.error();
  // LMDB creates its files 0640: the secrets are for the node's user only.
  std::error_code ec;
  for (auto name : {"data.mdb", "lock.mdb"})
    std::filesystem::permissions(directory + "/" + name,
                                 std::filesystem::perms::owner_read
                                   | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
  return std::unique_ptr<webhook_store>{new webhook_store(std::move(*env))};
}

status webhook_store::add(const webhook_subscription& x,
                          const std::string& cursor) {
  if (auto bad = check_subscription(x))
    return make_failure(error_code::invalid_input, *bad);
  auto txn = env_->begin_write();
  if (!txn)
    return txn.error();
  auto known = txn.get(db::meta, sub_key(x.id));
  if (!known)
    return known.error();
  if (*known)
    return make_failure(error_code::conflict, "id: " + x.id + " exists");
  if (auto st = txn.put(db::meta, sub_key(x.id), encode(x)); !st)
    return st.error();
  webhook_progress start;
  start.cursor = cursor;
  if (auto st = txn.put(db::meta, progress_key(x.id), encode(start)); !st)
    return st.error();
  return txn.commit();
}

result<std::vector<webhook_subscription>> webhook_store::list() {
  auto txn = env_->begin_read();
  if (!txn)
    return txn.error();
  std::vector<webhook_subscription> result;
  std::optional<std::string> bad_key;
  auto walked = persistence::scan_prefix(
    txn, db::meta, sub_prefix,
    [&](std::string_view key, std::string_view value) {
      auto x = decode_sub(key.substr(sub_prefix.size()), value);
      if (!x) {
        bad_key = std::string{key};
        return false;
      }
      result.push_back(std::move(*x));
      return true;
    });
  if (!walked)
    return walked.error();
  if (bad_key)
    return corrupt(*bad_key);
  return result;
}

result<std::optional<webhook_subscription>>
webhook_store::find(const std::string& id) {
  return read_record<webhook_subscription>(
    *env_, sub_key(id), [&](std::string_view x) { return decode_sub(id, x); });
}

result<bool> webhook_store::remove(const std::string& id) {
  auto txn = env_->begin_write();
  if (!txn)
    return txn.error();
  auto known = txn.get(db::meta, sub_key(id));
  if (!known)
    return known.error();
  if (!*known)
    return false;
  if (auto gone = txn.del(db::meta, sub_key(id)); !gone)
    return gone.error();
  if (auto gone = txn.del(db::meta, progress_key(id)); !gone)
    return gone.error();
  if (auto st = txn.commit(); !st)
    return st.error();
  return true;
}

result<std::optional<webhook_progress>>
webhook_store::progress(const std::string& id) {
  return read_record<webhook_progress>(*env_, progress_key(id),
                                       decode_progress);
}

status webhook_store::save_progress(const std::string& id,
                                    const webhook_progress& x) {
  auto txn = env_->begin_write();
  if (!txn)
    return txn.error();
  auto known = txn.get(db::meta, sub_key(id));
  if (!known)
    return known.error();
  if (!*known)
    return status{};
  if (auto st = txn.put(db::meta, progress_key(id), encode(x)); !st)
    return st.error();
  return txn.commit();
}

std::string webhooks_directory(const std::string& data_dir) {
  return data_dir + "/webhooks";
}

std::string new_webhook_id() {
  return "wh_" + random_hex(8);
}

} // namespace onset::api
