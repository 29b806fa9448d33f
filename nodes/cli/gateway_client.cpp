#include "nodes/cli/gateway_client.hpp"

#include <optional>
#include <set>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/protocol.hpp"
#include "messages/error_code.hpp"
#include "nodes/system_config.hpp"

namespace onset::cli {

namespace {

std::string seconds_text(gateway_client::duration x) {
  auto ms = x.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

} // namespace

struct gateway_client::impl {
  // Member order is destruction order reversed: the handles go before the
  // actor system, the system before its config. A local client owns
  // neither.
  std::unique_ptr<nodes::system_config> cfg;
  std::unique_ptr<caf::actor_system> owned;
  caf::actor_system& sys;
  caf::scoped_actor self;
  actors::gateway_actor gw;
  endpoint where;
  duration timeout;
  requester by;

  /// A client with its own actor system, for a remote gateway.
  impl(endpoint where, duration timeout)
    : cfg(std::make_unique<nodes::system_config>()),
      owned(std::make_unique<caf::actor_system>(tuned(*cfg))),
      sys(*owned),
      self(sys),
      where(std::move(where)),
      timeout(timeout) {
  }

  /// A client of `gw` in `sys`.
  impl(caf::actor_system& sys, actors::gateway_actor gw, duration timeout)
    : sys(sys),
      self(sys),
      gw(std::move(gw)),
      where{"local", 0},
      timeout(timeout) {
  }

  /// A CLI does one request at a time: two scheduler threads are plenty.
  static nodes::system_config& tuned(nodes::system_config& x) {
    x.set("scheduler.max-threads", size_t{2});
    return x;
  }

  failure unreachable(std::string what) const {
    return {failure::unreachable, std::move(what)};
  }

  failure to_failure(const caf::error& err) const {
    if (is(err, error_code::partial))
      return {failure::partial, error_detail(err), error_name(err)};
    if (is_onset_error(err))
      return {failure::refused, error_detail(err), error_name(err)};
    if (err == caf::sec::request_timeout)
      return unreachable("the gateway at " + where.to_string()
                         + " did not answer within " + seconds_text(timeout));
    if (err == caf::sec::request_receiver_down)
      return unreachable("lost the connection to the gateway at "
                         + where.to_string());
    return unreachable("the gateway at " + where.to_string()
                       + " failed: " + error_detail(err));
  }

  /// Resolves the published actor at `where` through the middleman actor,
  /// which, unlike `remote_actor()`, can be asked with a timeout.
  std::optional<failure> connect() {
    auto prefix = "cannot reach the gateway at " + where.to_string() + ": ";
    std::optional<failure> result;
    self
      ->request(sys.middleman().actor_handle(), timeout, caf::connect_atom_v,
                where.host, where.port)
      .receive(
        [&](caf::node_id&, caf::strong_actor_ptr& ptr,
            std::set<std::string>& ifs) {
          if (!ptr)
            result = unreachable(prefix + "nothing is published there");
          else if (!sys.assignable<actors::gateway_actor>(ifs))
            result = unreachable(prefix
                                 + "the actor published there is not an "
                                   "Onset gateway of this version");
          else
            gw = caf::actor_cast<actors::gateway_actor>(std::move(ptr));
        },
        [&](caf::error& err) {
          if (err == caf::sec::request_timeout) {
            result = unreachable(prefix + "no answer within "
                                 + seconds_text(timeout));
            result->stranded = true;
          } else if (err == caf::sec::cannot_connect_to_node) {
            result = unreachable(prefix
                                 + "cannot connect (is onset-node "
                                   "running and listening there?)");
          } else {
            result = unreachable(prefix + error_detail(err));
          }
        });
    return result;
  }

  template <class T, class... Ts>
  reply<T> ask(Ts&&... xs) {
    std::optional<reply<T>> result;
    self->request(gw, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { result.emplace(std::move(x)); },
               [&](caf::error& err) { result.emplace(to_failure(err)); });
    return std::move(*result);
  }

  template <class... Ts>
  reply<done> ask_done(Ts&&... xs) {
    std::optional<reply<done>> result;
    self->request(gw, timeout, std::forward<Ts>(xs)...)
      .receive([&](atom::ok) { result.emplace(done{}); },
               [&](caf::error& err) { result.emplace(to_failure(err)); });
    return std::move(*result);
  }
};

gateway_client::gateway_client(std::unique_ptr<impl> self)
  : impl_(std::move(self)) {
}

gateway_client::~gateway_client() = default;

reply<std::unique_ptr<gateway_client>>
gateway_client::connect(const endpoint& where, duration timeout) {
  auto self = std::make_unique<impl>(where, timeout);
  if (auto problem = self->connect()) {
    if (problem->stranded)
      self.release(); // See failure::stranded.
    return std::move(*problem);
  }
  return std::unique_ptr<gateway_client>{new gateway_client(std::move(self))};
}

std::unique_ptr<gateway_client> gateway_client::local(caf::actor_system& sys,
                                                      const caf::actor& gw,
                                                      duration timeout) {
  auto self = std::make_unique<impl>(
    sys, caf::actor_cast<actors::gateway_actor>(gw), timeout);
  return std::unique_ptr<gateway_client>{new gateway_client(std::move(self))};
}

void gateway_client::set_timeout(duration timeout) {
  impl_->timeout = timeout;
}

void gateway_client::set_requester(std::string name) {
  impl_->by = requester{std::move(name)};
}

reply<done> gateway_client::enroll(std::vector<device_record> records) {
  return impl_->ask_done(atom::enroll_v, std::move(records));
}

reply<std::vector<device_record>> gateway_client::list_devices() {
  return impl_->ask<std::vector<device_record>>(atom::list_v, atom::devices_v);
}

reply<device_view> gateway_client::device(const device_id& id) {
  return impl_->ask<device_view>(atom::get_v, id);
}

reply<done> gateway_client::set_online(const device_id& id, bool online) {
  return impl_->ask_done(atom::online_v, id, online);
}

reply<done> gateway_client::update_device(device_record before,
                                          device_record after) {
  return impl_->ask_done(atom::update_v, std::move(before), std::move(after),
                         impl_->by);
}

reply<done> gateway_client::decommission(device_record before) {
  return impl_->ask_done(atom::remove_v, std::move(before), impl_->by);
}

reply<std::vector<submit_result>>
gateway_client::submit(std::vector<contract> docs) {
  return impl_->ask<std::vector<submit_result>>(atom::submit_v, std::move(docs),
                                                impl_->by);
}

reply<done> gateway_client::start(const contract_id& id,
                                  const std::string& event_id) {
  return impl_->ask_done(atom::start_v, id, event_id, impl_->by);
}

reply<done> gateway_client::cancel(const contract_id& id) {
  return impl_->ask_done(atom::cancel_v, id, impl_->by);
}

reply<done> gateway_client::retry(const contract_id& id) {
  return impl_->ask_done(atom::retry_v, id, impl_->by);
}

reply<contract_view> gateway_client::contract_details(const contract_id& id) {
  return impl_->ask<contract_view>(atom::get_v, id);
}

reply<std::vector<contract_summary>> gateway_client::list_contracts() {
  return impl_->ask<std::vector<contract_summary>>(atom::list_v,
                                                   atom::contracts_v);
}

reply<std::vector<event_page>>
gateway_client::feed(std::vector<event_page> cursor, uint64_t limit) {
  return impl_->ask<std::vector<event_page>>(atom::feed_v, std::move(cursor),
                                             limit);
}

reply<std::vector<contract_summary>>
gateway_client::contracts_naming(const device_id& device) {
  return impl_->ask<std::vector<contract_summary>>(atom::list_v,
                                                   atom::contracts_v, device);
}

reply<std::vector<history_entry>>
gateway_client::history(const contract_id& id) {
  return impl_->ask<std::vector<history_entry>>(atom::history_v, id);
}

reply<std::vector<instruction>> gateway_client::plan(const contract_id& id) {
  return impl_->ask<std::vector<instruction>>(atom::plan_v, id);
}

reply<std::vector<instruction>>
gateway_client::plan(const contract_id& id, const std::string& catalog_text) {
  return impl_->ask<std::vector<instruction>>(atom::plan_v, id, catalog_text);
}

reply<service_view> gateway_client::service(const service_id& service,
                                            const device_id& device) {
  return impl_->ask<service_view>(atom::get_v, service, device);
}

reply<std::vector<node_status>> gateway_client::nodes() {
  return impl_->ask<std::vector<node_status>>(atom::list_v, atom::nodes_v);
}

} // namespace onset::cli
