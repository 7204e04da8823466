// libFuzzer target for the session state machine: a real Session over a socketpair, logged in
// with SCRAM by a tiny client here, then fed the fuzz input as its post-login message stream.
// The session must answer or close, never crash (sanitizers) and never hang (a deadline).
//
// One environment per process: a temporary data dir with a config store holding the login
// "duckgres" (password "pw") and the warehouse "duckgres". The SCRAM keys are derived once, so
// a login per input costs two HMACs, not a PBKDF2.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/config.h"
#include "control/config_store.h"
#include "control/control_plane.h"
#include "control/migrations.h"
#include "fuzz_session.h"
#include "pgwire/buffer.h"
#include "pgwire/messages.h"
#include "pgwire/scram.h"
#include "pgwire/session.h"
#include "warehouse/warehouse.h"

const char* ducklings::fuzz::fuzzer_name() {
  return "session_fuzzer";
}

namespace {
using namespace ducklings;
using namespace ducklings::pgwire;
using namespace ducklings::fuzz;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Every rejected input logs at info; warnings (internal errors) are worth seeing.
  spdlog::set_level(spdlog::level::warn);
  environment();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Environment& env = environment();
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) die("socketpair failed");
  ServerServices services{env.config, &*env.control, *env.warehouses, nullptr, env.registry};
  std::thread server([&] {
    // The session owns fds[1] and closes it when it ends, which the client sees as EOF.
    Session session(services, fds[1]);
    session.run();
  });
  {
    Client client(fds[0]);
    login(client, env);
    if (!client.stream(std::string_view(reinterpret_cast<const char*>(data), size))) {
      die("session neither answered nor closed within the deadline (hang)");
    }
  }
  server.join();
  ::close(fds[0]);
  return 0;
}
