// The control plane's side of process isolation (--isolation process): one `duckgres worker`
// process per active duckling, spawned by its first session, reached over a Unix socket in a
// private directory, kept warm while idle for a while (hot idle), then retired. A worker that
// dies is reaped at once; its sessions end with an error and the next session starts a new one.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "control/provisioner.h"
#include "pgwire/worker_link.h"

namespace ducklings::worker {

struct WorkerPoolOptions {
  std::string executable = "/proc/self/exe";
  // Settings every worker gets (data dir, log level, message limit, shutdown timeout…).
  std::vector<std::string> arguments;
  std::chrono::seconds start_timeout{60};  // opening a large database replays its WAL
  std::chrono::seconds stop_timeout{30};   // for sessions to finish on a graceful stop
};

// What a worker of one duckling is doing, for the API.
struct WorkerStatus {
  bool running = false;
  int sessions = 0;
  pid_t pid = 0;
};

// Sends a control packet (startup-framed name/value pairs) to the Unix socket at `path` and
// reads the answer (both directions between server and worker).
pgwire::ControlReply control_exchange(const std::string& path,
                             const std::map<std::string, std::string>& request);

class WorkerPool : public pgwire::WorkerHost, public control::WorkerFleet {
 public:
  // `spec_source` gives a duckling's limits and schemas (nullopt: no ready duckling).
  WorkerPool(WorkerPoolOptions options,
             std::function<std::optional<control::DucklingSpec>(const std::string&)> spec_source);
  ~WorkerPool() override;  // stops every worker
  WorkerPool(const WorkerPool&) = delete;

  std::unique_ptr<pgwire::WorkerLink> connect(const std::string& database,
                                              int max_sessions) override;
  void configure(const std::string& database, const control::DucklingSpec& spec) override;
  void stop(const std::string& database) override;
  int retire_idle(std::chrono::milliseconds idle) override;
  // Asks every worker to stop (SIGTERM: sessions finish within the stop timeout), then kills
  // what is left.
  void stop_all();
  WorkerStatus status(const std::string& database);
  // Answers workers' requests of the control plane (password changes, audit entries) with
  // `handler`, on a socket next to theirs; the database is the asking worker's own.
  void serve_control_requests(pgwire::ControlRequestHandler handler);
  size_t running() const;  // workers started and not known to have exited
  // How long the last worker took from spawn to accepting sessions.
  std::chrono::microseconds last_start_time() const;

  struct Worker;

 private:
  // The live worker of `database`, or nullptr; forgets one that exited. Under mutex_.
  std::shared_ptr<Worker> live(const std::string& database);
  std::shared_ptr<Worker> spawn(const std::string& database);
  void send_configuration(Worker& w, const control::DucklingSpec& spec);
  // Takes `database`'s worker out of service and ends it with `signal`, waiting for its exit.
  bool end_worker(const std::string& database, int signal, bool only_if_idle,
                  std::chrono::milliseconds idle);

  WorkerPoolOptions options_;
  std::function<std::optional<control::DucklingSpec>(const std::string&)> spec_source_;
  std::string socket_dir_;  // 0700, under /tmp so socket paths stay short
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::shared_ptr<Worker>> workers_;
  std::set<std::string> busy_;  // being started or stopped: sessions wait
  uint64_t next_socket_ = 0;
  std::chrono::microseconds last_start_time_{0};
  std::string control_socket_;  // where workers send control requests ("" until served)
  int control_fd_ = -1;
  std::thread control_thread_;
  pgwire::ControlRequestHandler control_handler_;
  std::mutex control_mutex_;
  std::condition_variable control_done_;
  int control_requests_running_ = 0;  // answered on threads of their own
  void answer_control_request(int fd);
};

}  // namespace ducklings::worker
