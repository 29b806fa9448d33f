#include "bench/chaos_client.hpp"

#include <optional>
#include <set>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/protocol.hpp"
#include "messages/error_code.hpp"
#include "nodes/system_config.hpp"

namespace onset::bench {

namespace {

constexpr auto connect_timeout = std::chrono::seconds{2};
constexpr auto request_timeout = std::chrono::seconds{3};

/// The requester the harness's changes are recorded as made by.
const requester harness{"onset-chaos"};

} // namespace

struct chaos_client::impl {
  // Member order is destruction order reversed: the handles go before the
  // actor system, the system before its config.
  nodes::system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  actors::gateway_actor gw;
  cli::endpoint where;

  impl() : sys(tuned(cfg)), self(sys) {
  }

  static nodes::system_config& tuned(nodes::system_config& x) {
    x.set("scheduler.max-threads", size_t{2});
    return x;
  }

  /// Connects unless connected; an error if that fails.
  caf::error connect() {
    if (gw)
      return {};
    caf::error result;
    self
      ->request(sys.middleman().actor_handle(), connect_timeout,
                caf::connect_atom_v, where.host, where.port)
      .receive(
        [&](caf::node_id&, caf::strong_actor_ptr& ptr,
            std::set<std::string>& ifs) {
          if (!ptr || !sys.assignable<actors::gateway_actor>(ifs))
            result
              = caf::make_error(caf::sec::unexpected_actor_messaging_interface);
          else
            gw = caf::actor_cast<actors::gateway_actor>(std::move(ptr));
        },
        [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  /// Keeps the connection only through the gateway's own refusals.
  void after(const caf::error& err) {
    if (err && !is_onset_error(err))
      gw = nullptr;
  }

  template <class T, class... Ts>
  caf::expected<T> ask(Ts&&... xs) {
    if (auto err = connect())
      return err;
    std::optional<caf::expected<T>> result;
    self->request(gw, request_timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { result.emplace(std::move(x)); },
               [&](caf::error& err) {
                 after(err);
                 result.emplace(std::move(err));
               });
    return std::move(*result);
  }

  template <class... Ts>
  caf::error ask_done(Ts&&... xs) {
    if (auto err = connect())
      return err;
    caf::error result;
    self->request(gw, request_timeout, std::forward<Ts>(xs)...)
      .receive([&](atom::ok) {},
               [&](caf::error& err) {
                 after(err);
                 result = std::move(err);
               });
    return result;
  }
};

chaos_client::chaos_client() : impl_(std::make_unique<impl>()) {
}

chaos_client::~chaos_client() = default;

void chaos_client::use(const cli::endpoint& where) {
  impl_->gw = nullptr;
  impl_->where = where;
}

caf::error chaos_client::enroll(std::vector<device_record> records) {
  return impl_->ask_done(atom::enroll_v, std::move(records));
}

caf::error chaos_client::set_online(const device_id& id, bool online) {
  return impl_->ask_done(atom::online_v, id, online);
}

caf::error chaos_client::submit(std::vector<contract> docs) {
  auto result = impl_->ask<std::vector<submit_result>>(
    atom::submit_v, std::move(docs), harness);
  return result ? caf::error{} : result.error();
}

caf::error chaos_client::cancel(const contract_id& id) {
  return impl_->ask_done(atom::cancel_v, id, harness);
}

caf::expected<std::vector<contract_summary>> chaos_client::list_contracts() {
  return impl_->ask<std::vector<contract_summary>>(atom::list_v,
                                                   atom::contracts_v);
}

caf::expected<std::vector<node_status>> chaos_client::cluster_status() {
  return impl_->ask<std::vector<node_status>>(atom::list_v, atom::nodes_v);
}

std::string chaos_client::render(const caf::error& err) const {
  return impl_->sys.render(err);
}

} // namespace onset::bench
