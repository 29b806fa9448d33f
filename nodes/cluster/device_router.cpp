#include "nodes/cluster/device_router.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include <caf/event_based_actor.hpp>

#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "nodes/cluster/batched_apply.hpp"
#include "nodes/cluster/fan_out.hpp"

namespace onset::cluster {

namespace {

using self_ptr
  = actors::device_router_actor::stateful_pointer<device_router_state>;
using record_list = std::vector<device_record>;
using ok_promise = caf::typed_response_promise<atom::ok>;

/// Ids of `ids` grouped by owner (positions in `owners`).
std::map<size_t, std::vector<device_id>>
by_owner(const owner_table<actors::device_supervisor_actor>& owners,
         const std::vector<device_id>& ids) {
  std::map<size_t, std::vector<device_id>> result;
  for (auto& id : ids)
    result[owners.owner_of(id.str())].push_back(id);
  return result;
}

/// The same refusals as the DEVICE SUPERVISOR's, over the whole request, so
/// that no node writes when another would refuse.
caf::error check_records(const record_list& xs) {
  std::map<device_id, const device_record*> seen;
  for (size_t i = 0; i < xs.size(); ++i) {
    auto& x = xs[i];
    auto field = "devices[" + std::to_string(i) + "]";
    if (x.id.empty())
      return caf::make_error(error_code::invalid_input, field + ".id: empty");
    if (x.customer.empty())
      return caf::make_error(error_code::invalid_input,
                             field + ".customer: empty (device " + x.id.str()
                               + ")");
    auto [pos, added] = seen.emplace(x.id, &x);
    if (!added && !(*pos->second == x))
      return caf::make_error(error_code::invalid_input,
                             "device " + x.id.str()
                               + " appears twice with different records");
  }
  return caf::none;
}

/// How many printers the reply to a partial enrollment names per node; the
/// rest are counted ("and 7 more"), so that the reply stays short however
/// many printers were sent.
constexpr size_t named_per_node = 5;

/// The second phase of one enroll: each node's part and its answer. Unlike
/// `gather`, it waits for every node, so that the reply can say which parts
/// were written.
struct write_round {
  /// Positions in `owners`.
  std::vector<size_t> nodes;
  /// The printers sent to each node.
  std::vector<std::vector<device_id>> ids;
  /// Each node's answer; none: its part is written.
  std::vector<caf::error> errors;
  size_t left = 0;
  ok_promise rp;
};

/// `MFP-1,MFP-3 and 7 more`.
std::string printers_text(const std::vector<device_id>& ids) {
  std::string result;
  auto named = std::min(ids.size(), named_per_node);
  for (size_t i = 0; i < named; ++i)
    result += (i == 0 ? "" : ",") + ids[i].str();
  if (ids.size() > named)
    result += " and " + std::to_string(ids.size() - named) + " more";
  return result;
}

/// `written node=d1 printers=...; failed node=d2 printers=... error=...;
/// enroll the same records again to complete`: the written nodes first,
/// each group in cluster order. A node that refused its part (another
/// request registered one of its printers with another record since the
/// check) needs that record fixed first: the same records would be refused.
std::string
partial_text(const owner_table<actors::device_supervisor_actor>& owners,
             const write_round& r) {
  std::string result;
  for (size_t k = 0; k < r.nodes.size(); ++k)
    if (!r.errors[k])
      result += "written node=" + owners.name(r.nodes[k])
                + " printers=" + printers_text(r.ids[k]) + "; ";
  for (size_t k = 0; k < r.nodes.size(); ++k)
    if (r.errors[k])
      result += "failed node=" + owners.name(r.nodes[k])
                + " printers=" + printers_text(r.ids[k])
                + " error=" + error_detail(r.errors[k]) + "; ";
  auto refused = std::any_of(r.errors.begin(), r.errors.end(), [](auto& err) {
    return is(err, error_code::invalid_input);
  });
  return result
         + (refused ? "fix the refused records, then enroll again to complete"
                    : "enroll the same records again to complete");
}

/// Answers once every node answered: ok when all wrote; the first error
/// when none did; else `partial`, naming per node what was written and
/// what failed. A node's part is written all or nothing (one transaction),
/// and written records are accepted again unchanged, so the same request
/// completes a partial one. A node whose write timed out is reported
/// failed although it may have written: the retry is safe either way.
void finish_round(self_ptr self, write_round& r) {
  size_t written_nodes = 0;
  size_t written = 0;
  size_t failed = 0;
  for (size_t k = 0; k < r.nodes.size(); ++k) {
    if (r.errors[k]) {
      failed += r.ids[k].size();
    } else {
      ++written_nodes;
      written += r.ids[k].size();
    }
  }
  auto failed_nodes = r.nodes.size() - written_nodes;
  if (failed_nodes == 0) {
    r.rp.deliver(atom::ok_v);
    return;
  }
  auto first = std::find_if(r.errors.begin(), r.errors.end(),
                            [](auto& err) { return static_cast<bool>(err); });
  if (written_nodes == 0) {
    self->state.log.warn("enroll.failed", {{"nodes", failed_nodes},
                                           {"error", error_detail(*first)}});
    r.rp.deliver(std::move(*first));
    return;
  }
  self->state.log.error("enroll.partial", {{"written_nodes", written_nodes},
                                           {"written", written},
                                           {"failed_nodes", failed_nodes},
                                           {"failed", failed},
                                           {"error", error_detail(*first)}});
  r.rp.deliver(
    refusal(error_code::partial, partial_text(self->state.owners, r)));
}

void part_answered(self_ptr self, const std::shared_ptr<write_round>& r,
                   size_t k, caf::error err) {
  r->errors[k] = std::move(err);
  if (--r->left == 0)
    finish_round(self, *r);
}

/// Second phase of enroll: every node writes its part; a node down by now
/// fails its part only.
void write_parts(self_ptr self, std::vector<size_t> nodes,
                 std::vector<record_list> parts, ok_promise rp) {
  auto& st = self->state;
  auto r = std::make_shared<write_round>();
  r->nodes = std::move(nodes);
  r->errors.resize(r->nodes.size());
  r->left = r->nodes.size();
  r->rp = std::move(rp);
  for (auto& part : parts) {
    auto& ids = r->ids.emplace_back();
    for (auto& x : part)
      ids.push_back(x.id);
  }
  if (r->nodes.empty()) {
    finish_round(self, *r);
    return;
  }
  for (size_t k = 0; k < r->nodes.size(); ++k) {
    auto dest = st.owners.handle(r->nodes[k]);
    if (!dest) {
      part_answered(self, r, k, std::move(dest.error()));
      continue;
    }
    self->request(*dest, st.timeout, atom::enroll_v, std::move(parts[k]))
      .then([self, r, k](atom::ok) { part_answered(self, r, k, caf::none); },
            [self, r, k](caf::error& err) {
              part_answered(self, r, k, std::move(err));
            });
  }
}

caf::result<atom::ok> enroll(self_ptr self, record_list xs) {
  auto& st = self->state;
  if (auto err = check_records(xs))
    return err;
  // Each printer once (check_records let only identical copies through),
  // each part in id order.
  auto wanted = std::make_shared<std::map<device_id, device_record>>();
  for (auto& x : xs)
    wanted->emplace(x.id, x);
  std::map<size_t, record_list> split;
  for (auto& [id, x] : *wanted)
    split[st.owners.owner_of(id.str())].push_back(x);
  std::vector<size_t> nodes;
  std::vector<record_list> parts;
  for (auto& [i, part] : split) {
    if (auto dest = st.owners.handle(i); !dest)
      return std::move(dest.error());
    nodes.push_back(i);
    parts.push_back(std::move(part));
  }
  if (nodes.size() == 1)
    return forward_to<atom::ok>(self, st.owners, nodes[0], st.timeout,
                                atom::enroll_v, std::move(parts[0]));
  auto rp = self->make_response_promise<atom::ok>();
  auto g = gather<record_list>::make(
    nodes.size(), [self, nodes, parts, wanted,
                   rp](caf::expected<std::vector<record_list>> found) mutable {
      if (!found) {
        rp.deliver(std::move(found.error()));
        return;
      }
      for (auto& part : *found)
        for (auto& stored : part)
          if (!(wanted->at(stored.id) == stored)) {
            rp.deliver(
              caf::make_error(error_code::invalid_input,
                              "device " + stored.id.str()
                                + " is registered with a different record"));
            return;
          }
      write_parts(self, std::move(nodes), std::move(parts), rp);
    });
  for (size_t k = 0; k < nodes.size(); ++k) {
    std::vector<device_id> ids;
    for (auto& x : parts[k])
      ids.push_back(x.id);
    ask_into<record_list>(self, *st.owners.handle(nodes[k]), st.timeout, g, k,
                          atom::records_v, std::move(ids));
  }
  return rp;
}

caf::result<record_list> records(self_ptr self, std::vector<device_id> ids) {
  auto& st = self->state;
  auto split = by_owner(st.owners, ids);
  if (split.size() == 1)
    return forward_to<record_list>(self, st.owners, split.begin()->first,
                                   st.timeout, atom::records_v, std::move(ids));
  auto rp = self->make_response_promise<record_list>();
  auto g = gather<record_list>::make(
    split.size(),
    [ids, rp](caf::expected<std::vector<record_list>> found) mutable {
      if (!found) {
        rp.deliver(std::move(found.error()));
        return;
      }
      std::map<device_id, device_record> known;
      for (auto& part : *found)
        for (auto& x : part)
          known.emplace(x.id, std::move(x));
      record_list result;
      for (auto& id : ids)
        if (auto i = known.find(id); i != known.end())
          result.push_back(i->second);
      rp.deliver(std::move(result));
    });
  size_t k = 0;
  for (auto& [i, part] : split) {
    auto dest = st.owners.handle(i);
    if (!dest) {
      g->fail(std::move(dest.error()));
      break;
    }
    ask_into<record_list>(self, *dest, st.timeout, g, k++, atom::records_v,
                          std::move(part));
  }
  return rp;
}

caf::result<record_list> list(self_ptr self) {
  auto& st = self->state;
  return list_everywhere<record_list>(self, st.owners, st.timeout,
                                      atom::list_v);
}

} // namespace

actors::device_router_actor::behavior_type device_router(
  actors::device_router_actor::stateful_pointer<device_router_state> self,
  std::vector<std::string> owners, std::string local_name,
  actors::device_supervisor_actor local,
  actors::engine_config::duration timeout) {
  auto& st = self->state;
  st.owners = owner_table<actors::device_supervisor_actor>{
    std::move(owners), local_name, std::move(local)};
  st.timeout = timeout;
  st.log = log::context{{"router", "devices"}};
  st.log.info("router.up", {{"nodes", st.owners.size()}});
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      auto& st = self->state;
      if (x.stream.to.kind != target_kind::device)
        return caf::make_error(error_code::invalid_input,
                               "not a device stream: " + x.stream.to_string());
      auto i = st.owners.owner_of(x.stream.to.name);
      return send_step(self, i, std::move(x));
    },
    [self](atom::get, device_id& id) -> caf::result<device_view> {
      auto& st = self->state;
      auto i = st.owners.owner_of(id.str());
      return forward_to<device_view>(self, st.owners, i, st.timeout,
                                     atom::get_v, std::move(id));
    },
    [self](atom::online, device_id& id, bool online) -> caf::result<atom::ok> {
      auto& st = self->state;
      auto i = st.owners.owner_of(id.str());
      return forward_to<atom::ok>(self, st.owners, i, st.timeout,
                                  atom::online_v, std::move(id), online);
    },
    [self](atom::enroll, record_list& xs) {
      return enroll(self, std::move(xs));
    },
    [self](atom::records, std::vector<device_id>& ids) {
      return records(self, std::move(ids));
    },
    [self](atom::list) { return list(self); },
    [self](atom::hold, device_id& id, uint64_t token) {
      auto& st = self->state;
      auto i = st.owners.owner_of(id.str());
      return forward_to<device_record>(self, st.owners, i, st.timeout,
                                       atom::hold_v, std::move(id), token);
    },
    [self](atom::release, device_id& id, uint64_t token) {
      auto& st = self->state;
      // Lost with its node: a hold lapses by itself.
      if (auto dest = st.owners.handle(st.owners.owner_of(id.str())))
        self->send(*dest, atom::release_v, std::move(id), token);
    },
    [self](atom::update, device_id& id, uint64_t token, device_record& after) {
      auto& st = self->state;
      auto i = st.owners.owner_of(id.str());
      return forward_to<atom::ok>(self, st.owners, i, st.timeout,
                                  atom::update_v, std::move(id), token,
                                  std::move(after));
    },
    [self](atom::remove, device_id& id, uint64_t token) {
      auto& st = self->state;
      auto i = st.owners.owner_of(id.str());
      return forward_to<atom::ok>(self, st.owners, i, st.timeout,
                                  atom::remove_v, std::move(id), token);
    },
    [self](atom::peer, std::string& node,
           actors::device_supervisor_actor& handle) {
      on_peer(self, node, std::move(handle));
    },
    [self](atom::apply, std::vector<instruction>& steps, uint64_t first_token,
           actors::step_sink_actor& sink) {
      on_batch(self, steps, first_token, sink);
    },
    [self](atom::answered, std::vector<step_answer>& xs) {
      self->state.batcher.answer(xs);
    },
    [self](atom::flush, uint64_t owner) { send_batch(self, owner); },
    [self](atom::tick, uint64_t generation) {
      on_expiry_tick(self, generation);
    },
  };
}

} // namespace onset::cluster
