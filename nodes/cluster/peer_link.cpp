#include "nodes/cluster/peer_link.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/node_id.hpp>
#include <caf/openssl/manager.hpp>

#include "actors/backoff.hpp"
#include "messages/log.hpp"

namespace onset::cluster {

namespace {

using self_ptr = actors::peer_link_actor::stateful_pointer<peer_link_state>;

node_status offline_status(const config::cluster_node& peer) {
  node_status result;
  result.name = peer.name;
  result.address = peer.address();
  for (auto role : peer.roles)
    result.roles.emplace_back(to_string(role));
  return result;
}

bool wants(self_ptr self, config::node_role role) {
  auto& st = self->state;
  if (!st.cfg.peer.has(role))
    return false;
  switch (role) {
    case config::node_role::devices:
      return static_cast<bool>(st.subs.devices);
    case config::node_role::contracts:
      return static_cast<bool>(st.subs.contracts);
    case config::node_role::services:
      return static_cast<bool>(st.subs.services);
    default:
      return false;
  }
}

/// Gives the ROUTERs the current handles (invalid ones while down).
void tell_routers(self_ptr self) {
  auto& st = self->state;
  auto& name = st.cfg.peer.name;
  if (wants(self, config::node_role::devices))
    self->send(st.subs.devices, atom::peer_v, name, st.devices);
  if (wants(self, config::node_role::contracts))
    self->send(st.subs.contracts, atom::peer_v, name, st.contracts);
  if (wants(self, config::node_role::services))
    self->send(st.subs.services, atom::peer_v, name, st.services);
}

/// Forgets the handles of the current attempt and stops monitoring them.
void forget(self_ptr self) {
  auto& st = self->state;
  for (auto& x : st.watched)
    self->demonitor(x);
  st.watched.clear();
  st.directory = nullptr;
  st.devices = nullptr;
  st.contracts = nullptr;
  st.services = nullptr;
}

void schedule_connect(self_ptr self) {
  auto& st = self->state;
  self->delayed_send(self,
                     actors::capped_backoff(st.cfg.retry_base, st.cfg.retry_cap,
                                            st.failures),
                     atom::tick_v, st.generation);
}

/// A connect or fetch attempt failed: retry after a backoff.
void failed(self_ptr self, const std::string& why) {
  auto& st = self->state;
  st.refusal.clear();
  // Answers still on their way for this attempt are stale from now on.
  ++st.generation;
  forget(self);
  ++st.failures;
  // The first failure of a streak is news; the retries that follow are not.
  if (st.failures == 1)
    log::warn("peer.connect_failed", {{"node", st.cfg.peer.name},
                                      {"address", st.cfg.peer.address()},
                                      {"error", why}});
  else
    log::debug("peer.connect_failed", {{"node", st.cfg.peer.name},
                                       {"attempt", st.failures},
                                       {"error", why}});
  schedule_connect(self);
}

/// The peer went away (killed, frozen past the heartbeat timeout, or its
/// actor stopped): tell the ROUTERs at once, then reconnect.
void lost(self_ptr self, const std::string& why) {
  auto& st = self->state;
  if (!st.up) {
    failed(self, why);
    return;
  }
  st.up = false;
  st.failures = 0;
  ++st.generation;
  forget(self);
  if (st.cfg.metrics)
    st.cfg.metrics->peer(st.cfg.peer.name, false);
  log::warn("peer.down", {{"node", st.cfg.peer.name}, {"reason", why}});
  tell_routers(self);
  schedule_connect(self);
}

/// The peer speaks wire version `theirs`, not this node's: refuse it, say
/// so once per change, and retry after a backoff (it may be upgraded).
void refused(self_ptr self, uint32_t theirs) {
  auto& st = self->state;
  auto why = "wire_version_mismatch: this node "
             + std::to_string(st.cfg.wire_version) + ", " + st.cfg.peer.name
             + " " + std::to_string(theirs);
  if (why != st.refusal)
    log::error("peer.version_refused", {{"node", st.cfg.peer.name},
                                        {"address", st.cfg.peer.address()},
                                        {"version", st.cfg.wire_version},
                                        {"peer_version", theirs}});
  failed(self, why);
  st.refusal = std::move(why);
}

void came_up(self_ptr self) {
  auto& st = self->state;
  st.up = true;
  st.refusal.clear();
  if (st.cfg.metrics)
    st.cfg.metrics->peer(st.cfg.peer.name, true);
  log::info("peer.up", {{"node", st.cfg.peer.name},
                        {"address", st.cfg.peer.address()},
                        {"after_failures", st.failures}});
  st.failures = 0;
  tell_routers(self);
  if (st.subs.resend_to)
    self->send(st.subs.resend_to, atom::resend_v);
}

template <class Handle>
void watch(self_ptr self, const Handle& x) {
  self->monitor(x);
  self->state.watched.push_back(x.address());
}

/// Fetches the supervisor of `role` (if this node wants it) into `slot`,
/// then runs `next`.
template <class Handle, class RoleAtom>
void fetch(self_ptr self, uint64_t gen, config::node_role role, RoleAtom what,
           Handle peer_link_state::*slot, std::function<void()> next) {
  auto& st = self->state;
  if (!wants(self, role)) {
    next();
    return;
  }
  self->request(st.directory, st.cfg.request_timeout, atom::get_v, what)
    .then(
      [self, gen, slot, next](Handle& x) {
        if (gen != self->state.generation)
          return;
        if (!x) {
          failed(self, "the directory answered no handle");
          return;
        }
        watch(self, x);
        self->state.*slot = std::move(x);
        next();
      },
      [self, gen](caf::error& err) {
        if (gen == self->state.generation)
          failed(self, self->system().render(err));
      });
}

void fetch_all(self_ptr self, uint64_t gen) {
  fetch(self, gen, config::node_role::devices, atom::devices_v,
        &peer_link_state::devices, [self, gen] {
          fetch(self, gen, config::node_role::contracts, atom::contracts_v,
                &peer_link_state::contracts, [self, gen] {
                  fetch(self, gen, config::node_role::services,
                        atom::services_v, &peer_link_state::services,
                        [self] { came_up(self); });
                });
        });
}

/// Checks that the actor at the peer's address is a NODE DIRECTORY of this
/// version, watches it and fetches the supervisors.
void use_directory(self_ptr self, uint64_t gen, caf::strong_actor_ptr ptr,
                   const std::set<std::string>& ifs) {
  auto& st = self->state;
  if (!self->system().assignable<actors::node_directory_actor>(ifs)) {
    failed(self, "the actor published there is not an Onset node "
                 "directory of this version");
    return;
  }
  st.directory = caf::actor_cast<actors::node_directory_actor>(std::move(ptr));
  watch(self, st.directory);
  fetch_all(self, gen);
}

/// Asks the actor at the peer's address for its wire version first: a node
/// of another version has another interface, and would otherwise be
/// refused without saying which version it speaks.
void ask_version(self_ptr self, uint64_t gen, caf::strong_actor_ptr ptr,
                 std::set<std::string> ifs) {
  auto& st = self->state;
  auto untyped = caf::actor_cast<caf::actor>(ptr);
  self
    ->request(untyped, st.cfg.request_timeout, atom::version_v,
              st.cfg.wire_version)
    .then(
      [self, gen, ptr, ifs](uint32_t theirs) {
        if (gen != self->state.generation)
          return;
        if (theirs != self->state.cfg.wire_version)
          refused(self, theirs);
        else
          use_directory(self, gen, ptr, ifs);
      },
      [self, gen](caf::error& err) {
        if (gen == self->state.generation)
          failed(self, "the node did not say its wire version: "
                         + self->system().render(err));
      });
}

void connect(self_ptr self) {
  auto& st = self->state;
  auto gen = ++st.generation;
  auto& sys = self->system();
  auto mm = st.cfg.tls ? sys.openssl_manager().actor_handle()
                       : sys.middleman().actor_handle();
  self
    ->request(mm, st.cfg.connect_timeout, caf::connect_atom::value,
              st.cfg.peer.host, st.cfg.peer.port)
    .then(
      [self, gen](caf::node_id&, caf::strong_actor_ptr& ptr,
                  std::set<std::string>& ifs) {
        auto& st = self->state;
        if (gen != st.generation)
          return;
        if (!ptr) {
          failed(self, "nothing is published there");
          return;
        }
        ask_version(self, gen, std::move(ptr), std::move(ifs));
      },
      [self, gen](caf::error& err) {
        if (gen == self->state.generation)
          failed(self, self->system().render(err));
      });
}

} // namespace

actors::peer_link_actor::behavior_type
peer_link(actors::peer_link_actor::stateful_pointer<peer_link_state> self,
          peer_link_config cfg, peer_subscribers subs) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.subs = std::move(subs);
  if (st.cfg.metrics)
    st.cfg.metrics->peer(st.cfg.peer.name, false);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& watched = self->state.watched;
    if (std::find(watched.begin(), watched.end(), msg.source) != watched.end())
      lost(self, self->system().render(msg.reason));
  });
  self->send(self, atom::tick_v, st.generation);
  return {
    [self](atom::status) -> caf::result<node_status> {
      auto& st = self->state;
      auto offline = offline_status(st.cfg.peer);
      if (!st.up)
        return offline;
      auto rp = self->make_response_promise<node_status>();
      self->request(st.directory, st.cfg.request_timeout, atom::status_v)
        .then([rp](node_status& x) mutable { rp.deliver(std::move(x)); },
              [rp, offline](caf::error&) mutable { rp.deliver(offline); });
      return rp;
    },
    [self](atom::peer) -> std::string {
      auto& st = self->state;
      if (st.up)
        return {};
      return st.refusal.empty() ? "unreachable" : st.refusal;
    },
    [self](atom::tick, uint64_t gen) {
      if (gen == self->state.generation && !self->state.up)
        connect(self);
    },
  };
}

} // namespace onset::cluster
