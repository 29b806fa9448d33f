// A fix for CAF 0.17.6's BASP (libcaf_io), linked into onset-node and
// exported from it so that libcaf_io's own call lands here.
//
// `instance::handle(ctx, hdl, hdr, payload)` gets a null `payload` for a
// header whose `payload_len` is 0, and every operation but `heartbeat`
// dereferences it; the header check before it (`valid`) lets a server or
// client handshake with no payload through. So 32 bytes from a peer (a
// client handshake of zeros) end the process with SIGSEGV on the
// multiplexer thread. This definition refuses such a header as CAF refuses
// other malformed ones (the connection is closed), then hands every other
// to CAF's own. With mutual TLS (the default) only a holder of a cluster
// certificate reaches BASP at all.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <caf/io/basp/instance.hpp>
#include <caf/io/basp/message_type.hpp>

#include "messages/log.hpp"

namespace caf::io::basp {

namespace {

using handle_fn = connection_state (*)(instance*, execution_unit*,
                                       connection_handle, header&,
                                       std::vector<char>*);

/// libcaf_io's definition, the next one after this executable's.
handle_fn caf_handle() {
  static constexpr const char* name
    = "_ZN3caf2io4basp8instance6handleEPNS_14execution_unitENS0_17connection_"
      "handleERNS1_6headerEPSt6vectorIcSaIcEE";
  auto* fn = reinterpret_cast<handle_fn>(::dlsym(RTLD_NEXT, name));
  if (fn == nullptr) {
    std::fprintf(stderr, "onset-node: no CAF %s: %s\n", name, ::dlerror());
    std::abort();
  }
  return fn;
}

} // namespace

connection_state instance::handle(execution_unit* ctx, connection_handle hdl,
                                  header& hdr, std::vector<char>* payload) {
  static auto real = caf_handle();
  if (payload == nullptr && hdr.operation != message_type::heartbeat) {
    onset::log::warn("basp.malformed",
                     {{"operation", static_cast<int>(hdr.operation)},
                      {"reason", "no payload"}});
    return malformed_basp_message;
  }
  return real(this, ctx, hdl, hdr, payload);
}

} // namespace caf::io::basp
