#include "persistence/outbox_store.hpp"

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::outbox_store {

namespace {

constexpr char instruction_tag = 'I';
constexpr char stream_tag = 'S';

struct stream_state {
  uint64_t last = 0;
  uint64_t acked = 0;
};

std::string stream_key(const stream_id& stream) {
  std::string key{stream_tag};
  keys::put_stream(key, stream);
  return key;
}

std::string instruction_key(const stream_id& stream, uint64_t seq) {
  std::string key{instruction_tag};
  keys::put_stream(key, stream);
  keys::put_be64(key, seq);
  return key;
}

std::string instruction_text(const stream_id& stream, uint64_t seq) {
  return "instruction " + keys::printable(stream.to_string())
         + " seq=" + std::to_string(seq);
}

result<stream_state> load_state(transaction& txn, const stream_id& stream) {
  auto bytes = txn.get(db::outbox, stream_key(stream));
  if (!bytes)
    return bytes.error();
  if (!*bytes)
    return stream_state{};
  auto in = **bytes;
  auto last = keys::get_be64(in);
  auto acked = keys::get_be64(in);
  if (!last || !acked || !in.empty() || *acked > *last)
    return make_failure(error_code::corrupt_record,
                        "db=outbox key=stream "
                          + keys::printable(stream.to_string())
                          + ": malformed watermarks");
  return stream_state{*last, *acked};
}

status store_state(write_txn& txn, const stream_id& stream,
                   const stream_state& x) {
  std::string value;
  keys::put_be64(value, x.last);
  keys::put_be64(value, x.acked);
  return txn.put(db::outbox, stream_key(stream), value);
}

} // namespace

result<bool> advance(write_txn& txn, const stream_id& stream,
                     const std::vector<const instruction*>& appended,
                     uint64_t ack_seq) {
  if (!appended.empty() && (stream.contract.empty() || stream.to.name.empty()))
    return make_failure(error_code::invalid_input,
                        "outbox: an instruction needs a contract and a target");
  auto state = load_state(txn, stream);
  if (!state)
    return state.error();
  for (auto* x : appended) {
    if (!(x->stream == stream))
      return make_failure(error_code::invalid_input,
                          "outbox " + stream.to_string()
                            + ": append of an instruction of stream "
                            + x->stream.to_string());
    if (x->seq != state->last + 1)
      return make_failure(error_code::invalid_input,
                          "outbox " + stream.to_string() + ": append of seq "
                            + std::to_string(x->seq) + " after seq "
                            + std::to_string(state->last) + " (expected "
                            + std::to_string(state->last + 1) + ")");
    if (auto st = txn.put(db::outbox, instruction_key(stream, x->seq),
                          codec::encode(*x));
        !st)
      return st.error();
    state->last = x->seq;
  }
  auto moved = ack_seq > state->acked;
  if (ack_seq > state->last)
    return make_failure(
      error_code::invalid_input,
      "outbox " + stream.to_string() + ": ack of seq " + std::to_string(ack_seq)
        + " beyond the last appended " + std::to_string(state->last));
  if (!moved && appended.empty())
    return false;
  if (moved)
    state->acked = ack_seq;
  if (auto st = store_state(txn, stream, *state); !st)
    return st.error();
  return moved;
}

status replace(write_txn& txn, const instruction& x) {
  auto state = load_state(txn, x.stream);
  if (!state)
    return state.error();
  if (x.seq <= state->acked || x.seq > state->last)
    return make_failure(error_code::invalid_input,
                        "outbox " + x.stream.to_string() + ": replace of seq "
                          + std::to_string(x.seq) + ", not pending (acked "
                          + std::to_string(state->acked) + ", last "
                          + std::to_string(state->last) + ")");
  return txn.put(db::outbox, instruction_key(x.stream, x.seq),
                 codec::encode(x));
}

status append(write_txn& txn, const instruction& x) {
  return advance(txn, x.stream, {&x}, 0).to_status();
}

result<bool> ack(write_txn& txn, const stream_id& stream, uint64_t seq) {
  return advance(txn, stream, {}, seq);
}

result<uint64_t> acked(transaction& txn, const stream_id& stream) {
  auto state = load_state(txn, stream);
  if (!state)
    return state.error();
  return state->acked;
}

result<uint64_t> last_seq(transaction& txn, const stream_id& stream) {
  auto state = load_state(txn, stream);
  if (!state)
    return state.error();
  return state->last;
}

result<std::vector<instruction>> pending(transaction& txn,
                                         const stream_id& stream) {
  auto state = load_state(txn, stream);
  if (!state)
    return state.error();
  std::vector<instruction> out;
  for (auto seq = state->acked + 1; seq <= state->last; ++seq) {
    auto x = get(txn, stream, seq);
    if (!x)
      return x.error();
    if (!*x)
      return make_failure(error_code::corrupt_record,
                          "db=outbox key=" + instruction_text(stream, seq)
                            + ": missing below the last appended seq "
                            + std::to_string(state->last));
    out.emplace_back(std::move(**x));
  }
  return out;
}

result<std::optional<instruction>> get(transaction& txn,
                                       const stream_id& stream, uint64_t seq) {
  return codec::get<instruction>(txn, db::outbox, instruction_key(stream, seq),
                                 instruction_text(stream, seq));
}

result<std::vector<stream_id>> streams_of(transaction& txn,
                                          const contract_id& contract) {
  std::string prefix{stream_tag};
  keys::put_str(prefix, contract.str());
  std::vector<stream_id> out;
  std::optional<failure> bad;
  auto st = scan_prefix(
    txn, db::outbox, prefix, [&](std::string_view key, std::string_view) {
      auto rest = key.substr(1);
      auto stream = keys::get_stream(rest);
      if (!stream || !rest.empty()) {
        bad = make_failure(error_code::corrupt_record,
                           "db=outbox key=" + keys::printable(key)
                             + ": malformed stream key");
        return false;
      }
      out.emplace_back(std::move(*stream));
      return true;
    });
  if (!st)
    return st.error();
  if (bad)
    return *bad;
  return out;
}

} // namespace onset::persistence::outbox_store
