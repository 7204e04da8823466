#include "worker/worker_process.h"

#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/logging.h"
#include "common/signals.h"
#include "ingest/posthog_schema.h"
#include "metering/metrics.h"
#include "metering/query_log.h"
#include "pgwire/server.h"
#include "sql/quoting.h"
#include "worker/worker_pool.h"

namespace ducklings::worker {
namespace {

void tell(int fd, const std::string& line) {
  if (fd < 0) return;
  std::string text = line + "\n";
  [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());
}

// Applies a configure request: new compute limits, and the team schemas that must exist.
std::string configure(warehouse::Warehouse& w, const std::map<std::string, std::string>& request) {
  auto get = [&](const char* name) {
    auto it = request.find(name);
    return it == request.end() ? std::string() : it->second;
  };
  if (get("action") != "configure") return "unknown worker action '" + get("action") + "'";
  try {
    warehouse::ComputeLimits limits{std::stoi(get("threads")), get("memory_limit"),
                                    get("temp_limit")};
    if (w.limits() != limits) w.apply(limits);
    std::istringstream schemas(get("schemas"));
    auto conn = w.connect();
    bool created = false;
    for (std::string schema; std::getline(schemas, schema);) {
      if (schema.empty()) continue;
      conn->query(ingest::team_tables_sql(schema));
      created = true;
    }
    if (created) w.schema_changed();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

int run_worker(const ServerConfig& config, const WorkerArguments& args) {
  init_logging(config.log_level,
               "[worker " + args.database + " " + std::to_string(::getpid()) + "]");
  sigset_t signals = block_stop_signals();

  warehouse::WarehouseRegistry registry(config.data_dir, args.limits,
                                        split_list(config.readable_directories));
  std::shared_ptr<warehouse::Warehouse> w;
  try {
    w = registry.find(args.database);
  } catch (const std::exception& e) {
    std::string what = e.what();
    tell(args.ready_fd, what);
    // Another process (a worker still shutting down) holds the file: the pool retries.
    return what.find("Could not set lock") != std::string::npos ? 75 : 1;
  }
  if (!w) {
    tell(args.ready_fd, "database \"" + args.database + "\" does not exist");
    return 1;
  }
  try {
    pgwire::Server server(
        config, nullptr, registry, nullptr,
        [&w](const std::map<std::string, std::string>& request) { return configure(*w, request); });
    server.listen_unix(args.socket_path);
    // The worker's sessions log to its own duckling, as in-process sessions do.
    metering::QueryLog query_log(
        [&w](const std::string&, const std::function<void(duck::Connection&)>& write) {
          write(*w->connect());
          w->data_changed();
        },
        config.query_log_retention_days);
    server.set_query_log(&query_log);
    std::mutex push_mutex;
    std::condition_variable push_wake;
    bool push_stop = false;
    std::thread metrics_push;
    if (!args.control_socket.empty()) {
      server.set_control_requests(
          [path = args.control_socket](const std::string&,
                                       const std::map<std::string, std::string>& r) {
            return control_exchange(path, r);  // the server knows which duckling this worker hosts
          });
      // The server's /metrics adds this worker's registry, sent every 2 s (and at the end).
      metrics_push = std::thread([&, path = args.control_socket] {
        std::unique_lock lock(push_mutex);
        bool last = false;
        while (!last) {
          push_wake.wait_for(lock, std::chrono::seconds(2), [&] { return push_stop; });
          last = push_stop;
          lock.unlock();
          control_exchange(path, {{"action", "metrics"},
                                  {"pid", std::to_string(::getpid())},
                                  {"snapshot", metering::Metrics::global().snapshot().dump()}});
          lock.lock();
        }
      });
    }
    struct StopPush {
      std::mutex& m;
      std::condition_variable& cv;
      bool& stop;
      std::thread& t;
      ~StopPush() {
        {
          std::lock_guard lock(m);
          stop = true;
        }
        cv.notify_all();
        if (t.joinable()) t.join();
      }
    } stop_push{push_mutex, push_wake, push_stop, metrics_push};

    std::thread signal_thread([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      server.stop();
    });
    // The control plane holds the pipe's other end: when it dies, so does this worker.
    std::thread lifeline([fd = args.lifeline_fd] {
      if (fd < 0) return;
      pollfd p{fd, POLLIN, 0};
      while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
      }
      ::kill(::getpid(), SIGTERM);
    });
    lifeline.detach();
    tell(args.ready_fd, "ready");
    if (args.ready_fd >= 0) ::close(args.ready_fd);
    spdlog::debug("worker of '{}' serving on {}", args.database, args.socket_path);
    server.serve();
    signal_thread.join();
    query_log.stop();
    ::unlink(args.socket_path.c_str());
    w.reset();
    registry.close_all();
    return 0;
  } catch (const std::exception& e) {
    tell(args.ready_fd, e.what());
    spdlog::error("worker of '{}': {}", args.database, e.what());
    return 1;
  }
}

}  // namespace ducklings::worker
