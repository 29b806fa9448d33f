#include "nodes/cluster/contract_router.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>

#include "messages/log.hpp"
#include "nodes/cluster/fan_out.hpp"

namespace onset::cluster {

namespace {

using self_ptr
  = actors::contract_router_actor::stateful_pointer<contract_router_state>;
using summaries = std::vector<contract_summary>;

/// Sends `xs` to the node of contract `id`.
template <class Reply, class... Ts>
caf::result<Reply> to_owner(self_ptr self, const contract_id& id, Ts&&... xs) {
  auto& st = self->state;
  return forward_to<Reply>(self, st.owners, st.owners.owner_of(id.str()),
                           st.timeout, std::forward<Ts>(xs)...);
}

caf::result<summaries> list(self_ptr self) {
  auto& st = self->state;
  return list_everywhere<summaries>(self, st.owners, st.timeout, atom::list_v);
}

/// Where `cursor` says to read node `node` on after (0 if it names none).
uint64_t after_for(const std::vector<event_page>& cursor,
                   const std::string& node) {
  for (auto& x : cursor)
    if (x.node == node)
      return x.next;
  return 0;
}

/// Reads every contracts node's feed on from its place in `cursor`; each
/// page names its node.
caf::result<std::vector<event_page>>
feed(self_ptr self, const std::vector<event_page>& cursor, uint64_t limit) {
  auto& st = self->state;
  auto rp = self->make_response_promise<std::vector<event_page>>();
  auto names = std::make_shared<std::vector<std::string>>();
  for (size_t i = 0; i < st.owners.size(); ++i)
    names->push_back(st.owners.name(i));
  auto g = gather<std::vector<event_page>>::make(
    st.owners.size(),
    [rp,
     names](caf::expected<std::vector<std::vector<event_page>>> found) mutable {
      if (!found) {
        rp.deliver(std::move(found.error()));
        return;
      }
      std::vector<event_page> result;
      for (size_t i = 0; i < found->size(); ++i)
        for (auto& page : (*found)[i]) {
          page.node = (*names)[i];
          result.push_back(std::move(page));
        }
      rp.deliver(std::move(result));
    });
  for (size_t i = 0; i < st.owners.size(); ++i) {
    auto dest = st.owners.handle(i);
    if (!dest) {
      g->fail(std::move(dest.error()));
      break;
    }
    event_page own;
    own.next = after_for(cursor, st.owners.name(i));
    ask_into<std::vector<event_page>>(self, *dest, st.timeout, g, i,
                                      atom::feed_v,
                                      std::vector<event_page>{own}, limit);
  }
  return rp;
}

} // namespace

actors::contract_router_actor::behavior_type contract_router(
  actors::contract_router_actor::stateful_pointer<contract_router_state> self,
  std::vector<std::string> owners, std::string local_name,
  actors::contract_supervisor_actor local,
  actors::engine_config::duration timeout) {
  auto& st = self->state;
  st.owners = owner_table<actors::contract_supervisor_actor>{
    std::move(owners), local_name, std::move(local)};
  st.timeout = timeout;
  st.log = log::context{{"router", "contracts"}};
  st.log.info("router.up", {{"nodes", st.owners.size()}});
  return {
    [self](atom::submit, contract& doc, requester& by) {
      auto id = doc.id;
      return to_owner<submit_result>(self, id, atom::submit_v, std::move(doc),
                                     std::move(by));
    },
    [self](atom::start, contract_id& id, std::string& event_id, requester& by) {
      return to_owner<atom::ok>(self, id, atom::start_v, id,
                                std::move(event_id), std::move(by));
    },
    [self](atom::cancel, contract_id& id, requester& by) {
      return to_owner<atom::ok>(self, id, atom::cancel_v, id, std::move(by));
    },
    [self](atom::retry, contract_id& id, requester& by) {
      return to_owner<atom::ok>(self, id, atom::retry_v, id, std::move(by));
    },
    [self](atom::get, contract_id& id) {
      return to_owner<contract_view>(self, id, atom::get_v, id);
    },
    [self](atom::list) { return list(self); },
    [self](atom::list, device_id& device) {
      auto& st = self->state;
      return list_everywhere<summaries>(self, st.owners, st.timeout,
                                        atom::list_v, std::move(device));
    },
    [self](atom::holders, device_id& device) {
      auto& st = self->state;
      return list_everywhere<summaries>(self, st.owners, st.timeout,
                                        atom::holders_v, std::move(device));
    },
    [self](atom::feed, const std::vector<event_page>& cursor, uint64_t limit) {
      return feed(self, cursor, limit);
    },
    [self](atom::history, contract_id& id) {
      return to_owner<std::vector<history_entry>>(self, id, atom::history_v,
                                                  id);
    },
    [self](atom::plan, contract_id& id) {
      return to_owner<std::vector<instruction>>(self, id, atom::plan_v, id);
    },
    [self](atom::plan, contract_id& id, std::string& catalog_text) {
      return to_owner<std::vector<instruction>>(self, id, atom::plan_v, id,
                                                std::move(catalog_text));
    },
    [](atom::tick, uint64_t) {
      // The CONTRACT SUPERVISOR's own timer; a ROUTER has none.
    },
    [self](atom::resend) {
      auto& st = self->state;
      for (size_t i = 0; i < st.owners.size(); ++i)
        if (auto dest = st.owners.handle(i))
          self->send(*dest, atom::resend_v);
    },
    [self](atom::peer, std::string& node,
           actors::contract_supervisor_actor& handle) {
      auto& st = self->state;
      if (st.owners.set(node, handle))
        st.log.info("router.reachable",
                    {{"node", node}, {"reachable", static_cast<bool>(handle)}});
    },
  };
}

} // namespace onset::cluster
