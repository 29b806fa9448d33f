#include "actors/contract_commit.hpp"

#include <memory>

#include "actors/contract_storage.hpp"

namespace onset::actors::contract_ops {

namespace {

void write_pending(contract_self self);

void on_committed(
  contract_self self, const std::shared_ptr<const contract_change>& written,
  const std::vector<std::function<void()>>& events,
  const std::vector<std::function<void(const caf::error&)>>& done) {
  auto& st = self->state;
  --st.commits_in_flight;
  for (auto& f : events)
    f();
  for (auto* sent : {&written->replaced, &written->appended})
    for (auto& x : *sent) {
      st.streams.mark_durable(x);
      send(self, x);
    }
  for (auto& f : done)
    f(caf::none);
  if (!st.pending.empty() || !st.pending_done.empty())
    write_pending(self);
  else if (st.rec.state == contract_state::ended)
    self->quit();
}

void on_commit_failed(
  contract_self self, const caf::error& err,
  const std::vector<std::function<void(const caf::error&)>>& done) {
  auto& st = self->state;
  --st.commits_in_flight;
  st.logger.error("commit.failed", {{"error", self->system().render(err)}});
  for (auto& f : done)
    f(err);
  auto later = std::move(st.pending_done);
  st.pending_done.clear();
  for (auto& f : later)
    f(err);
  self->quit(err);
}

/// Writes what is pending (with what changed of the record since the last
/// write) in one transaction, then hands the outcome to `on_committed` or
/// `on_commit_failed`.
void write_pending(contract_self self) {
  auto& st = self->state;
  auto change = std::move(st.pending);
  st.pending = contract_change{};
  auto done = std::move(st.pending_done);
  st.pending_done.clear();
  auto events = std::move(st.pending_events);
  st.pending_events.clear();
  change.delta = persistence::diff(st.written, st.rec);
  persistence::apply(*change.delta, st.written);
  auto written = std::make_shared<const contract_change>(std::move(change));
  ++st.commits_in_flight;
  persistence::request_write(self, st.ctx->store,
                             contract_storage::batch(st.id, written))
    .then([self, written, events = std::move(events),
           done](atom::ok) { on_committed(self, written, events, done); },
          [self, done](caf::error& err) { on_commit_failed(self, err, done); });
}

} // namespace

void commit(contract_self self, contract_change change,
            std::function<void(const caf::error&)> done) {
  auto& st = self->state;
  st.pending.absorb(std::move(change));
  if (done)
    st.pending_done.push_back(std::move(done));
  if (st.commits_in_flight == 0)
    write_pending(self);
}

} // namespace onset::actors::contract_ops
