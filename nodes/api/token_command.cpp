#include "nodes/api/token_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "messages/error_code.hpp"
#include "nodes/api/token_store.hpp"

namespace onset::api {

namespace {

/// What a refusal says: the field and why for bad input and a name in use,
/// the code too for a storage failure.
std::string text(const persistence::failure& x) {
  return x.code == error_code::invalid_input || x.code == error_code::conflict
           ? x.context
           : persistence::to_string(x);
}

int refuse(const std::string& why) {
  std::fprintf(stderr, "onset-node token: %s\n", why.c_str());
  return 1;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "onset-node token: %s\n", why.c_str());
  return 2;
}

std::string customers_text(const std::set<std::string>& xs) {
  if (xs.empty())
    return "*";
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ",") + x;
  return out;
}

int create(token_store& store, const token_options& o) {
  auto what = parse_role(o.role);
  if (!what)
    return usage("--role: one of admin, operator, billing, viewer (got '"
                 + o.role + "')");
  if (auto bad = check_token_name(o.name, "NAME"))
    return usage(*bad);
  std::set<std::string> customers{o.customers.begin(), o.customers.end()};
  auto secret = store.create(o.name, *what, std::move(customers));
  if (!secret)
    return refuse(text(secret.error()));
  if (o.json)
    std::printf("%s\n", nlohmann::json{{"name", o.name},
                                       {"role", to_string(*what)},
                                       {"token", *secret}}
                          .dump()
                          .c_str());
  else
    std::printf("%s\n", secret->c_str());
  return 0;
}

int list(token_store& store, const token_options& o) {
  auto tokens = store.list();
  if (!tokens)
    return refuse(text(tokens.error()));
  if (o.json) {
    auto out = nlohmann::json::array();
    for (auto& x : *tokens)
      out.push_back({{"name", x.name},
                     {"role", to_string(x.what)},
                     {"customers", x.customers},
                     {"created_ms", x.created_ms}});
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  for (auto& x : *tokens)
    std::printf("%-24s %-9s %s\n", x.name.c_str(), to_string(x.what),
                customers_text(x.customers).c_str());
  return 0;
}

int revoke(token_store& store, const token_options& o) {
  if (auto st = store.revoke(o.name); !st)
    return refuse(text(st.error()));
  std::printf("revoked %s\n", o.name.c_str());
  return 0;
}

} // namespace

std::optional<std::string> make_private_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec)
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  if (ec)
    return dir + ": " + ec.message();
  return std::nullopt;
}

std::string tokens_directory(const std::string& data_dir) {
  return data_dir + "/tokens";
}

CLI::App* add_token_command(CLI::App& app, token_options& o) {
  auto* token = app.add_subcommand(
    "token", "Manage the API's tokens (docs/api.md): create, list, revoke");
  token->require_subcommand(1);
  token->add_option("--data-dir", o.data_dir, "The node's data directory")
    ->capture_default_str();
  o.create = token->add_subcommand(
    "create", "Create a token and print it (the only time it is shown)");
  o.create->add_option("NAME", o.name, "The token's name")->required();
  o.create->add_option("--role", o.role, "admin, operator, billing or viewer")
    ->required();
  o.create->add_option("--customer", o.customers,
                       "Limit the token to this customer (repeat for more)");
  o.create->add_flag("--json", o.json, "Print JSON");
  o.list = token->add_subcommand("list", "List the tokens (never the secret)");
  o.list->add_flag("--json", o.json, "Print JSON");
  o.revoke = token->add_subcommand("revoke", "Revoke a token");
  o.revoke->add_option("NAME", o.name, "The token's name")->required();
  return token;
}

int run_token_command(const token_options& o) {
  if (auto problem = make_private_directory(tokens_directory(o.data_dir)))
    return refuse(*problem);
  auto store = token_store::open(tokens_directory(o.data_dir));
  if (!store)
    return refuse(text(store.error()));
  if (*o.create)
    return create(**store, o);
  if (*o.list)
    return list(**store, o);
  return revoke(**store, o);
}

std::string ensure_admin_token(token_store& store,
                               const std::string& data_dir) {
  auto none = store.empty();
  if (!none)
    throw std::runtime_error(text(none.error()));
  if (!*none)
    return {};
  auto path = data_dir + "/admin.token";
  // O_EXCL: never write a secret through a file or link someone else put
  // there.
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(path + ": " + std::strerror(errno));
  auto secret = store.create("admin", role::admin, {});
  if (!secret) {
    ::close(fd);
    ::unlink(path.c_str());
    throw std::runtime_error(text(secret.error()));
  }
  auto line = *secret + "\n";
  bool written = ::write(fd, line.data(), line.size())
                 == static_cast<ssize_t>(line.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written) {
    // A token nobody holds would keep every later start from making one.
    ::unlink(path.c_str());
    (void) store.revoke("admin");
    throw std::runtime_error(path + ": cannot write the admin token");
  }
  return path;
}

} // namespace onset::api
