// How sessions reach ducklings hosted in `duckgres worker` processes (--isolation process).
// The control plane's session negotiates TLS and authenticates the client, then hands the
// session to the worker over a private Unix socket and relays bytes both ways; the worker
// runs the session from its trusted startup on.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace ducklings::pgwire {

// One session's connection to its worker; closing it ends the worker's side of the session.
class WorkerLink {
 public:
  virtual ~WorkerLink() = default;
  // The connected Unix socket (blocking); the session owns the relay over it.
  virtual int fd() const = 0;
  // Forwards a CancelRequest for the worker's session `process_id`: of the statement that its
  // ReadyForQuery number `until_ready` ends (WorkerCancel), or with 0 of whatever it runs.
  virtual void cancel(int32_t process_id, int32_t secret_key, uint64_t until_ready) = 0;
  // Why the worker process ended ("killed by signal 9", …), waiting briefly for its exit to
  // be reaped; empty while it runs.
  virtual std::string exit_reason() = 0;
};

// Spawns or reuses the worker of a duckling; thread-safe.
class WorkerHost {
 public:
  virtual ~WorkerHost() = default;
  // A link to `database`'s worker counted among its sessions; past `max_sessions` (0 = no cap)
  // throws SqlError 53300; a worker that cannot start throws SqlError 57P03 or 58000.
  virtual std::unique_ptr<WorkerLink> connect(const std::string& database, int max_sessions) = 0;
};

// What the control plane answers a session's request.
struct ControlReply {
  std::string error;     // "" on success
  std::string sqlstate;  // the error's SQLSTATE ("" when it has none of its own)
  std::string answer;    // what a successful request returns (JSON when it has parts)
};
// Requests a session makes of the control plane (a password change, an audit entry, a
// storage's objects) for its database. In the server process it calls the control plane; in
// a worker it goes over the pool's control socket.
using ControlRequestHandler = std::function<ControlReply(
    const std::string& database, const std::map<std::string, std::string>& request)>;

// Inside a worker: answers a WorkerControl request; returns "" on success or the error.
using WorkerControlHandler =
    std::function<std::string(const std::map<std::string, std::string>& request)>;

}  // namespace ducklings::pgwire
