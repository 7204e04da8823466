// The PostgreSQL-protocol listener: accepts sockets and runs one Session thread per client.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "common/config.h"
#include "control/control_plane.h"
#include "pgwire/session.h"
#include "pgwire/tls.h"
#include "warehouse/warehouse.h"

namespace ducklings::pgwire {

class Server {
 public:
  Server(const ServerConfig& config, control::ControlPlane& control,
         warehouse::WarehouseRegistry& warehouses);
  ~Server();
  SessionRegistry& sessions() { return registry_; }
  // Binds the listening socket (throws naming the address on failure).
  void listen();
  // Accepts clients until stop() is called; runs on the calling thread.
  void serve();
  // Stops accepting, lets in-flight statements finish within shutdown_timeout, then
  // interrupts what is left and waits for every session to end. Any thread.
  void stop();
  int port() const { return bound_port_; }

 private:
  const ServerConfig& config_;
  control::ControlPlane& control_;
  warehouse::WarehouseRegistry& warehouses_;
  std::optional<TlsContext> tls_;
  SessionRegistry registry_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int bound_port_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace ducklings::pgwire
