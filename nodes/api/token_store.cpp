#include "nodes/api/token_store.hpp"

#include <chrono>
#include <openssl/evp.h>

#include "messages/error_code.hpp"
#include "messages/id_rules.hpp"
#include "nodes/api/random_hex.hpp"
#include "persistence/keys.hpp"

namespace onset::api {

namespace keys = persistence::keys;
using persistence::db;
using persistence::make_failure;
using persistence::result;
using persistence::status;

namespace {

constexpr std::string_view name_prefix = "token/name/";
constexpr std::string_view hash_prefix = "token/hash/";
constexpr std::string_view secret_prefix = "onset_";
constexpr size_t secret_bytes = 32;
constexpr uint8_t last_role = static_cast<uint8_t>(role::viewer);

bool is_hex(std::string_view x) {
  for (char c : x)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

/// A fresh secret; throws if OpenSSL has no randomness to give, which no
/// token may be made without.
std::string new_secret() {
  return std::string{secret_prefix} + random_hex(secret_bytes);
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

std::string name_key(std::string_view name) {
  return std::string{name_prefix} + std::string{name};
}

std::string hash_key(std::string_view hash) {
  return std::string{hash_prefix} + std::string{hash};
}

struct stored_token {
  token_info info;
  std::string hash;
};

std::string encode(const stored_token& x) {
  std::string out;
  keys::put_u8(out, static_cast<uint8_t>(x.info.what));
  keys::put_be64(out, static_cast<uint64_t>(x.info.created_ms));
  keys::put_str(out, x.hash);
  keys::put_be32(out, static_cast<uint32_t>(x.info.customers.size()));
  for (auto& c : x.info.customers)
    keys::put_str(out, c);
  return out;
}

std::optional<stored_token> decode(std::string_view name, std::string_view in) {
  stored_token x;
  x.info.name = std::string{name};
  auto what = keys::get_u8(in);
  auto created = what ? keys::get_be64(in) : std::nullopt;
  auto hash = created ? keys::get_str(in) : std::nullopt;
  auto count = hash ? keys::get_be32(in) : std::nullopt;
  if (!count || *what > last_role)
    return std::nullopt;
  x.info.what = static_cast<role>(*what);
  x.info.created_ms = static_cast<int64_t>(*created);
  x.hash = std::string{*hash};
  for (uint32_t i = 0; i < *count; ++i) {
    auto c = keys::get_str(in);
    if (!c)
      return std::nullopt;
    x.info.customers.emplace(*c);
  }
  if (!in.empty())
    return std::nullopt;
  return x;
}

persistence::failure corrupt(std::string_view key) {
  return make_failure(error_code::corrupt_record,
                      "db=meta key=" + keys::printable(key)
                        + ": not a token record");
}

result<std::optional<stored_token>> find(persistence::transaction& txn,
                                         std::string_view name) {
  auto key = name_key(name);
  auto value = txn.get(db::meta, key);
  if (!value)
    return value.error();
  if (!*value)
    return std::optional<stored_token>{};
  auto x = decode(name, **value);
  if (!x)
    return corrupt(key);
  return std::optional<stored_token>{std::move(*x)};
}

std::optional<persistence::failure>
check_customers(const std::set<std::string>& customers) {
  size_t i = 0;
  for (auto& c : customers) {
    if (auto bad = check_id(c, "customers[" + std::to_string(i) + "]"))
      return make_failure(error_code::invalid_input, bad->to_string());
    ++i;
  }
  return std::nullopt;
}

} // namespace

std::string token_hash(std::string_view secret) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(secret.data(), secret.size(), md, &size, EVP_sha256(), nullptr);
  return to_hex(md, size);
}

token_store::token_store(std::unique_ptr<persistence::environment> env)
  : env_(std::move(env)) {
}

result<std::unique_ptr<token_store>>
token_store::open(const std::string& directory) {
  persistence::environment_options opts;
  opts.directory = directory;
  opts.map_size = size_t{8} << 20;
  auto env = persistence::environment::open(opts);
  if (!env)
    return env.error();
  return std::unique_ptr<token_store>{new token_store(std::move(*env))};
}

result<std::string> token_store::create(const std::string& name, role what,
                                        std::set<std::string> customers) {
  if (auto bad = check_token_name(name, "name"))
    return make_failure(error_code::invalid_input, *bad);
  if (auto bad = check_customers(customers))
    return *bad;
  stored_token x;
  x.info.name = name;
  x.info.what = what;
  x.info.customers = std::move(customers);
  x.info.created_ms = now_ms();
  auto secret = new_secret();
  x.hash = token_hash(secret);
  auto txn = env_->begin_write();
  if (!txn)
    return txn.error();
  auto known = find(txn, name);
  if (!known)
    return known.error();
  if (*known)
    return make_failure(error_code::conflict,
                        "name: a token named " + name + " exists");
  if (auto st = txn.put(db::meta, name_key(name), encode(x)); !st)
    return st.error();
  if (auto st = txn.put(db::meta, hash_key(x.hash), name); !st)
    return st.error();
  if (auto st = txn.commit(); !st)
    return st.error();
  return secret;
}

result<std::vector<token_info>> token_store::list() {
  auto txn = env_->begin_read();
  if (!txn)
    return txn.error();
  std::vector<token_info> result;
  std::optional<std::string> bad_key;
  auto walked = persistence::scan_prefix(
    txn, db::meta, name_prefix,
    [&](std::string_view key, std::string_view value) {
      auto x = decode(key.substr(name_prefix.size()), value);
      if (!x) {
        bad_key = std::string{key};
        return false;
      }
      result.push_back(std::move(x->info));
      return true;
    });
  if (!walked)
    return walked.error();
  if (bad_key)
    return corrupt(*bad_key);
  return result;
}

status token_store::revoke(const std::string& name) {
  auto txn = env_->begin_write();
  if (!txn)
    return txn.error();
  auto known = find(txn, name);
  if (!known)
    return known.error();
  if (!*known)
    return make_failure(error_code::invalid_input,
                        "name: no token named " + name);
  if (auto gone = txn.del(db::meta, name_key(name)); !gone)
    return gone.error();
  if (auto gone = txn.del(db::meta, hash_key((*known)->hash)); !gone)
    return gone.error();
  return txn.commit();
}

result<std::optional<principal>>
token_store::authenticate(std::string_view secret) {
  constexpr size_t length = secret_prefix.size() + 2 * secret_bytes;
  if (secret.size() != length
      || secret.substr(0, secret_prefix.size()) != secret_prefix
      || !is_hex(secret.substr(secret_prefix.size())))
    return std::optional<principal>{};
  auto hash = token_hash(secret);
  auto txn = env_->begin_read();
  if (!txn)
    return txn.error();
  auto name = txn.get(db::meta, hash_key(hash));
  if (!name)
    return name.error();
  if (!*name)
    return std::optional<principal>{};
  auto x = find(txn, **name);
  if (!x)
    return x.error();
  // A name record whose hash is not this one: revoked and re-created
  // between the two reads cannot happen in one snapshot; treat it as
  // damage, not as a match.
  if (!*x || (*x)->hash != hash)
    return corrupt(hash_key(hash));
  principal p;
  p.name = (*x)->info.name;
  p.what = (*x)->info.what;
  p.customers = std::move((*x)->info.customers);
  return std::optional<principal>{std::move(p)};
}

result<bool> token_store::empty() {
  auto txn = env_->begin_read();
  if (!txn)
    return txn.error();
  bool any = false;
  auto walked = persistence::scan_prefix(
    txn, db::meta, name_prefix, [&](std::string_view, std::string_view) {
      any = true;
      return false;
    });
  if (!walked)
    return walked.error();
  return !any;
}

} // namespace onset::api
