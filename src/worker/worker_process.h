// `duckgres worker`: the process that hosts one duckling under --isolation process. The
// control plane spawns it; it opens the duckling's database, listens on a private Unix socket
// for the sessions the control plane authenticated, and ends when told to (SIGTERM: sessions
// finish within shutdown_timeout) or when the control plane is gone.
#pragma once
#include <string>

#include "common/config.h"
#include "warehouse/warehouse.h"

namespace ducklings::worker {

struct WorkerArguments {
  std::string database;
  std::string socket_path;
  int lifeline_fd = -1;  // readable end of a pipe the control plane holds; EOF = it is gone
  int ready_fd = -1;     // gets "ready\n", or the reason it could not start
  std::string control_socket;  // the server's, for password changes and audit entries
  warehouse::ComputeLimits limits;
};

// Runs until stopped; returns the exit code (75 when another process holds the database).
int run_worker(const ServerConfig& config, const WorkerArguments& args);

}  // namespace ducklings::worker
