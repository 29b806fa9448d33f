#include "nodes/node_health.hpp"

#include <optional>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "nodes/node_wiring.hpp"

namespace onset::nodes {

namespace {

/// Why an actor's answer did not come: none within the timeout, or the
/// actor is gone or refused.
std::string reason_of(const caf::error& err) {
  return err == caf::sec::request_timeout ? "not_answering" : "failed";
}

/// Sends an empty write round to `store` for `self` (answered once the
/// STORE committed it, persistence/store_actor.hpp).
auto ask_store(caf::scoped_actor& self, const persistence::store_actor& store) {
  return self->request(
    store, health_timeout, atom::write_v,
    persistence::write_batch{
      [](persistence::write_txn&) -> caf::error { return caf::none; }});
}

} // namespace

node_health::node_health(caf::actor_system& sys,
                         const config::cluster_spec& spec,
                         const config::cluster_node& me,
                         std::vector<actors::peer_link_actor> links,
                         persistence::store_actor store,
                         std::shared_ptr<const catalog> cat,
                         std::shared_ptr<const std::atomic<bool>> store_failed)
  : sys_(sys),
    name_(me.name),
    store_(std::move(store)),
    cat_(std::move(cat)),
    store_failed_(std::move(store_failed)) {
  auto next = links.begin();
  for (auto& x : spec.nodes)
    if (x.name != me.name && needs(me, x) && next != links.end())
      peers_.push_back({x.name, *next++});
}

void node_health::shutting_down() {
  stopping_ = true;
}

std::vector<api::readiness_problem> node_health::not_ready() const {
  if (stopping_)
    return {{"node", name_, "shutting_down"}};
  std::vector<api::readiness_problem> result;
  if (!cat_)
    result.push_back({"catalog", name_, "not_loaded"});
  if (*store_failed_)
    result.push_back({"store", name_, "failed"});
  caf::scoped_actor self{sys_};
  // Every question is sent before the first answer is awaited: the checks
  // take one timeout at most, not one per peer.
  std::optional<decltype(ask_store(self, store_))> store_answer;
  if (!*store_failed_)
    store_answer.emplace(ask_store(self, store_));
  std::vector<decltype(self->request(peers_.front().link, health_timeout,
                                     atom::peer_v))>
    link_answers;
  for (auto& x : peers_)
    link_answers.push_back(self->request(x.link, health_timeout, atom::peer_v));
  if (store_answer)
    store_answer->receive([](atom::ok) {},
                          [&](caf::error& err) {
                            result.push_back({"store", name_, reason_of(err)});
                          });
  for (size_t i = 0; i < peers_.size(); ++i)
    link_answers[i].receive(
      [&](std::string& why) {
        if (!why.empty())
          result.push_back({"peer", peers_[i].name, std::move(why)});
      },
      [&](caf::error& err) {
        result.push_back({"peer", peers_[i].name, reason_of(err)});
      });
  return result;
}

bool node_health::store_answers() const {
  if (*store_failed_)
    return false;
  caf::scoped_actor self{sys_};
  bool ok = false;
  ask_store(self, store_)
    .receive([&](atom::ok) { ok = true; }, [](caf::error&) {});
  return ok;
}

} // namespace onset::nodes
