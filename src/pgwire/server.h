// The PostgreSQL-protocol listener: accepts sockets and runs one Session thread per client.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "control/control_plane.h"
#include "gateway/gateway.h"
#include "pgwire/session.h"
#include "pgwire/tls.h"
#include "warehouse/warehouse.h"

namespace ducklings::pgwire {

class Server : public gateway::Gateway {
 public:
  // `control` is nullptr inside a worker, which sets `worker_control` and listens on a Unix
  // socket; `workers` hosts organizations' ducklings in worker processes (else in-process).
  Server(const ServerConfig& config, control::ControlPlane* control,
         warehouse::WarehouseRegistry& warehouses, WorkerHost* workers = nullptr,
         WorkerControlHandler worker_control = {});
  ~Server() override;
  SessionRegistry& sessions() { return registry_; }
  // Binds the listening socket (throws naming the address on failure).
  void listen();
  // Inside a worker: listens on a Unix socket (mode 0600) and accepts only this user's peers.
  void listen_unix(const std::string& path);
  // Accepts clients until stop() is called; runs on the calling thread.
  void serve();
  // Stops accepting, lets in-flight statements finish within shutdown_timeout, then
  // interrupts what is left and waits for every session to end. Any thread.
  void stop();
  int port() const { return bound_port_; }
  // The server's own SQL (gateway/gateway.h), as the superuser on behalf of the control plane:
  // the gateway's engine runs it directly in this process (pgwire/internal_run), or the
  // duckling's worker runs it behind a trusted session (with parameters, by the extended
  // protocol: Parse, Bind with their types, Execute). Throws SqlError as a client would get it.
  gateway::Result run(const gateway::Request& request) override;
  // The same, one connection or engine kept for several requests.
  std::unique_ptr<gateway::Session> open(const gateway::Request& base) override;
  // Where sessions send password changes and audit entries (before serve()).
  void set_control_requests(ControlRequestHandler handler) {
    control_requests_ = std::move(handler);
  }
  // Where sessions record their statements (before serve()).
  void set_query_log(metering::QueryLog* log) { query_log_ = log; }
  const AuthLimiter& limiter() const { return limiter_; }
  AuthLimiter& limiter() { return limiter_; }

 private:
  // Answers 53300 with `message` and closes `fd`, without a session (accept loop).
  void refuse_now(int fd, const std::string& message);
  const ServerConfig& config_;
  control::ControlPlane* control_;
  warehouse::WarehouseRegistry& warehouses_;
  WorkerHost* workers_;
  WorkerControlHandler worker_control_;
  ControlRequestHandler control_requests_;
  metering::QueryLog* query_log_ = nullptr;
  bool unix_ = false;
  std::optional<TlsContext> tls_;
  SessionRegistry registry_;
  AuthLimiter limiter_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  int bound_port_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace ducklings::pgwire
