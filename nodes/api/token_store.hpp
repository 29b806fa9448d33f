// The API's tokens (docs/api.md, "Tokens and roles"), kept in their own
// LMDB environment in the node's data directory (`DATA_DIR/tokens`), apart
// from the engine's data: `onset-node token ...` may change them while the
// node runs (LMDB serves several processes), and a revocation holds for the
// next request, since every request reads the store.
//
// Only a token's SHA-256 is stored, never the token: the secret exists
// once, in what `create` returns. A token is `onset_` and 64 hex digits
// (32 bytes of OpenSSL's RAND_bytes).
//
// Layout (database `meta`):
//   "token/name/" NAME  -> role:u8 created_ms:be64 hash:str
//                          customers:be32 (customer:str)*
//   "token/hash/" HEX   -> NAME
//
// No CAF in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/api/access.hpp"
#include "persistence/environment.hpp"
#include "persistence/status.hpp"

namespace onset::api {

/// A token as `token list` shows it: everything but its secret and hash.
struct token_info {
  std::string name;
  role what = role::viewer;
  std::set<std::string> customers;
  /// Milliseconds since the Unix epoch.
  int64_t created_ms = 0;
};

class token_store {
public:
  /// Opens (creating) the store in `directory`.
  static persistence::result<std::unique_ptr<token_store>>
  open(const std::string& directory);

  /// Creates a token; returns its secret. Refuses, naming the field, a bad
  /// name (`name`) or customer id (`customers[i]`): `invalid_input`; a
  /// name in use: `conflict`. Nothing is stored when it refuses.
  persistence::result<std::string> create(const std::string& name, role what,
                                          std::set<std::string> customers);

  /// Every token, by name.
  persistence::result<std::vector<token_info>> list();

  /// Deletes the token named `name`; `invalid_input` if there is none.
  persistence::status revoke(const std::string& name);

  /// Who holds `secret`; nullopt for anything that is not a token of the
  /// store (malformed, unknown or revoked).
  persistence::result<std::optional<principal>>
  authenticate(std::string_view secret);

  /// Whether the store holds no token.
  persistence::result<bool> empty();

private:
  explicit token_store(std::unique_ptr<persistence::environment> env);

  std::unique_ptr<persistence::environment> env_;
};

/// SHA-256 of `secret`, 64 lower-case hex digits.
std::string token_hash(std::string_view secret);

} // namespace onset::api
