// Helpers of the ROUTERs: forward one request to the node that owns it, or
// ask several nodes and gather their answers.
//
// `forward_to`: a request to a local supervisor is delegated (it answers the
// requester); a request to a remote one is re-issued with `timeout` and its
// answer passed back, so that answers never travel between two remote nodes
// that are not connected, and no request to a remote actor lacks a timeout.
// `delegate_to` is the local branch; the CONTRACT's steps for a local
// supervisor take it too (steps for a remote one go in step batches,
// nodes/cluster/batched_apply.hpp).
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "nodes/cluster/owner_table.hpp"

namespace onset::cluster {

/// Collects `n` answers of a fan-out and calls `done` once: with every
/// answer in request order, or with the first error.
template <class T>
class gather {
public:
  using done_fn = std::function<void(caf::expected<std::vector<T>>)>;

  static std::shared_ptr<gather> make(size_t n, done_fn done) {
    auto result = std::shared_ptr<gather>(new gather(n, std::move(done)));
    if (n == 0)
      result->finish(std::vector<T>{});
    return result;
  }

  void put(size_t i, T x) {
    if (finished_)
      return;
    parts_[i] = std::move(x);
    if (--left_ == 0)
      finish(std::move(parts_));
  }

  void fail(caf::error err) {
    if (!finished_)
      finish(std::move(err));
  }

private:
  gather(size_t n, done_fn done) : parts_(n), left_(n), done_(std::move(done)) {
  }

  void finish(caf::expected<std::vector<T>> x) {
    finished_ = true;
    done_(std::move(x));
  }

  std::vector<T> parts_;
  size_t left_;
  done_fn done_;
  bool finished_ = false;
};

/// Asks `dest` with `timeout`; puts the answer into slot `i` of `g`.
template <class T, class Self, class Handle, class Duration, class... Ts>
void ask_into(Self* self, const Handle& dest, Duration timeout,
              std::shared_ptr<gather<T>> g, size_t i, Ts&&... xs) {
  self->request(dest, timeout, std::forward<Ts>(xs)...)
    .then([g, i](T& x) { g->put(i, std::move(x)); },
          [g](caf::error& err) { g->fail(std::move(err)); });
}

/// Sends `xs` to owner `i` of `table` by delegation: the answer goes
/// straight back to the requester and the ROUTER keeps nothing per request
/// (no pending handler, no timeout, no promise). For a local owner (the
/// requester's own request carries the timeout). Refused at once with
/// `unreachable` when the owner is down.
template <class Reply, class Self, class Handle, class... Ts>
caf::result<Reply> delegate_to(Self* self, const owner_table<Handle>& table,
                               size_t i, Ts&&... xs) {
  auto dest = table.handle(i);
  if (!dest)
    return std::move(dest.error());
  return self->delegate(*dest, std::forward<Ts>(xs)...);
}

/// Sends `xs` to owner `i` of `table`: delegated when local, re-issued with
/// `timeout` when remote, refused at once with `unreachable` when down.
template <class Reply, class Self, class Handle, class Duration, class... Ts>
caf::result<Reply> forward_to(Self* self, const owner_table<Handle>& table,
                              size_t i, Duration timeout, Ts&&... xs) {
  if (table.is_local(i))
    return delegate_to<Reply>(self, table, i, std::forward<Ts>(xs)...);
  auto dest = table.handle(i);
  if (!dest)
    return std::move(dest.error());
  auto rp = self->template make_response_promise<Reply>();
  self->request(*dest, timeout, std::forward<Ts>(xs)...)
    .then([rp](Reply& x) mutable { rp.deliver(std::move(x)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// Asks every owner of `table` with `xs` (a query answered by a vector of
/// records with an `id`) and answers one list merged and sorted by id; the
/// first error (an owner down, a timeout) answers instead.
template <class List, class Self, class Handle, class Duration, class... Ts>
caf::result<List> list_everywhere(Self* self, const owner_table<Handle>& table,
                                  Duration timeout, const Ts&... xs) {
  auto rp = self->template make_response_promise<List>();
  auto g = gather<List>::make(
    table.size(), [rp](caf::expected<std::vector<List>> found) mutable {
      if (!found) {
        rp.deliver(std::move(found.error()));
        return;
      }
      List result;
      for (auto& part : *found)
        result.insert(result.end(), part.begin(), part.end());
      std::sort(result.begin(), result.end(),
                [](auto& x, auto& y) { return x.id < y.id; });
      rp.deliver(std::move(result));
    });
  for (size_t i = 0; i < table.size(); ++i) {
    auto dest = table.handle(i);
    if (!dest) {
      g->fail(std::move(dest.error()));
      break;
    }
    ask_into<List>(self, *dest, timeout, g, i, xs...);
  }
  return rp;
}

} // namespace onset::cluster
