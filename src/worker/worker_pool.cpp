#include "worker/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/clock.h"
#include "common/errors.h"
#include "metering/metrics.h"
#include "pgwire/channel.h"
#include "pgwire/messages.h"

extern char** environ;

namespace ducklings::worker {
namespace {

constexpr int kExitBusy = 75;  // the worker's exit code when another process holds the file

// A blocking connection to the Unix socket at `path`; -1 with errno set on failure.
int connect_unix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), std::min(path.size(), sizeof(addr.sun_path) - 1));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  return "ended";
}

}  // namespace

struct WorkerPool::Worker {
  std::string database;
  std::string socket_path;
  pid_t pid = -1;
  int lifeline = -1;  // write end of a pipe the worker watches: it ends when we are gone
  std::atomic<int> sessions{0};
  std::atomic<int64_t> last_used_ms{steady_ms()};
  std::thread reaper;  // waits for the process; marks it exited the moment it ends

  std::mutex mutex;
  std::condition_variable exited_cv;
  bool exited = false;
  std::string exit_reason;

  std::mutex configure_mutex;
  std::optional<control::DucklingSpec> applied;

  bool has_exited() {
    std::lock_guard lock(mutex);
    return exited;
  }
  // Waits up to `timeout` for the process to end; true if it has.
  bool wait_exit(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return exited_cv.wait_for(lock, timeout, [this] { return exited; });
  }
  ~Worker() {
    if (reaper.joinable()) reaper.join();
    if (lifeline >= 0) ::close(lifeline);
  }
};

namespace {

class Link : public pgwire::WorkerLink {
 public:
  Link(std::shared_ptr<WorkerPool::Worker> worker, int fd) : worker_(std::move(worker)), fd_(fd) {}
  ~Link() override {
    ::close(fd_);
    worker_->last_used_ms = steady_ms();
    worker_->sessions.fetch_sub(1);
  }
  int fd() const override { return fd_; }
  void cancel(int32_t process_id, int32_t secret_key, uint64_t until_ready) override {
    int fd = connect_unix(worker_->socket_path);
    if (fd < 0) return;
    pgwire::send_all(fd, until_ready ? pgwire::encode_worker_cancel({process_id, secret_key,
                                                                     until_ready})
                                     : pgwire::encode_cancel_request(process_id, secret_key));
    ::close(fd);
  }
  std::string exit_reason() override {
    // The socket usually reports the end a moment before waitpid does.
    worker_->wait_exit(std::chrono::milliseconds(500));
    std::lock_guard lock(worker_->mutex);
    return worker_->exit_reason;
  }

 private:
  std::shared_ptr<WorkerPool::Worker> worker_;
  int fd_;
};

}  // namespace

WorkerPool::WorkerPool(
    WorkerPoolOptions options,
    std::function<std::optional<control::DucklingSpec>(const std::string&)> spec_source)
    : options_(std::move(options)), spec_source_(std::move(spec_source)) {
  // The real path, so process listings show which program the workers run.
  std::error_code ec;
  std::filesystem::path real = std::filesystem::read_symlink(options_.executable, ec);
  if (!ec) options_.executable = real.string();
  std::string pattern = "/tmp/duckgres-workers-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("cannot create the worker socket directory: ") +
                             std::strerror(errno));
  }
  socket_dir_ = pattern;  // mkdtemp makes it 0700: only this user reaches the sockets
}

WorkerPool::~WorkerPool() {
  stop_all();
  if (control_fd_ >= 0) {
    ::shutdown(control_fd_, SHUT_RDWR);
    if (control_thread_.joinable()) control_thread_.join();
    ::close(control_fd_);
    std::unique_lock lock(control_mutex_);
    control_done_.wait(lock, [this] { return control_requests_running_ == 0; });
  }
  std::error_code ec;
  std::filesystem::remove_all(socket_dir_, ec);
}

std::shared_ptr<WorkerPool::Worker> WorkerPool::live(const std::string& database) {
  auto it = workers_.find(database);
  if (it == workers_.end()) return nullptr;
  if (it->second->has_exited()) {
    workers_.erase(it);  // its sessions hold it until they end
    return nullptr;
  }
  return it->second;
}

std::unique_ptr<pgwire::WorkerLink> WorkerPool::connect(const std::string& database,
                                                        int max_sessions) {
  std::shared_ptr<Worker> w;
  {
    std::unique_lock lock(mutex_);
    while (true) {
      if (busy_.count(database)) {
        changed_.wait(lock);
        continue;
      }
      w = live(database);
      if (w) break;
      busy_.insert(database);  // this session starts it; others wait for it
      lock.unlock();
      try {
        w = spawn(database);
      } catch (...) {
        lock.lock();
        busy_.erase(database);
        changed_.notify_all();
        throw;
      }
      lock.lock();
      busy_.erase(database);
      workers_[database] = w;
      changed_.notify_all();
      break;
    }
    if (max_sessions > 0 && w->sessions.load() >= max_sessions) {
      throw SqlError("53300",
                     "too many connections for database \"" + database + "\" (limit " +
                         std::to_string(max_sessions) + ")",
                     0, "", "Raise the organization's max_connections or close idle sessions.");
    }
    w->sessions.fetch_add(1);
  }
  int fd = connect_unix(w->socket_path);
  if (fd < 0) {
    w->sessions.fetch_sub(1);
    throw SqlError("57P02", "the duckling's worker process is not reachable: " +
                                std::string(std::strerror(errno)));
  }
  return std::make_unique<Link>(w, fd);
}

std::shared_ptr<WorkerPool::Worker> WorkerPool::spawn(const std::string& database) {
  std::optional<control::DucklingSpec> spec = spec_source_(database);
  if (!spec) throw SqlError("3D000", "database \"" + database + "\" does not exist");
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + options_.start_timeout;
  while (true) {
    auto w = std::make_shared<Worker>();
    w->database = database;
    {
      std::lock_guard lock(mutex_);
      w->socket_path = socket_dir_ + "/" + std::to_string(++next_socket_) + ".sock";
    }
    int lifeline[2], ready[2];
    if (::pipe2(lifeline, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    if (::pipe2(ready, O_CLOEXEC) != 0) {
      ::close(lifeline[0]);
      ::close(lifeline[1]);
      throw std::runtime_error("pipe2 failed");
    }
    std::vector<std::string> args = {options_.executable, "worker"};
    args.insert(args.end(), options_.arguments.begin(), options_.arguments.end());
    const warehouse::ComputeLimits& l = spec->limits;
    if (!control_socket_.empty()) {
      args.push_back("--control-socket");
      args.push_back(control_socket_);
    }
    for (const std::string& a :
         {std::string("--database"), database, std::string("--socket"), w->socket_path,
          std::string("--lifeline-fd"), std::string("3"), std::string("--ready-fd"),
          std::string("4"), std::string("--threads"), std::to_string(l.threads),
          std::string("--memory-limit"), l.memory_limit, std::string("--temp-limit"),
          l.temp_limit}) {
      args.push_back(a);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the copies: fds 3 and 4 carry the lifeline and readiness.
    posix_spawn_file_actions_adddup2(&actions, lifeline[0], 3);
    posix_spawn_file_actions_adddup2(&actions, ready[1], 4);
    // Nothing else: sockets some library opened without close-on-exec (the HTTP listener, a
    // client's connection) must not outlive the server in a worker.
    posix_spawn_file_actions_addclosefrom_np(&actions, 5);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);  // the server blocks signals for its sigwait
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    int rc =
        ::posix_spawn(&pid, options_.executable.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(lifeline[0]);
    ::close(ready[1]);
    if (rc != 0) {
      ::close(lifeline[1]);
      ::close(ready[0]);
      throw SqlError("58000",
                     std::string("could not start a worker process: ") + std::strerror(rc));
    }
    w->pid = pid;
    w->lifeline = lifeline[1];

    // The worker writes "ready\n" once it listens, or its error before it exits.
    std::string answer;
    bool timed_out = false;
    while (answer.find('\n') == std::string::npos) {
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now())
                                      .count());
      if (left <= 0) {
        timed_out = true;
        break;
      }
      pollfd p{ready[0], POLLIN, 0};
      int n = ::poll(&p, 1, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) continue;
      char buf[512];
      ssize_t got = ::read(ready[0], buf, sizeof(buf));
      if (got <= 0) break;
      answer.append(buf, static_cast<size_t>(got));
    }
    ::close(ready[0]);
    if (answer.rfind("ready\n", 0) == 0) {
      w->reaper = std::thread([w = w.get()] {
        int status = 0;
        while (::waitpid(w->pid, &status, 0) < 0 && errno == EINTR) {
        }
        std::string reason = describe_exit(status);
        bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (clean) {
          spdlog::info("worker of '{}' (pid {}) stopped", w->database, w->pid);
        } else {
          spdlog::warn("worker of '{}' (pid {}) {}", w->database, w->pid, reason);
          metering::Metrics::global().add("duckgres_worker_crashes_total", {});
        }
        std::lock_guard lock(w->mutex);
        w->exited = true;
        w->exit_reason = reason;
        w->exited_cv.notify_all();
      });
      auto took = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - started);
      {
        std::lock_guard lock(mutex_);
        last_start_time_ = took;
      }
      metering::Metrics::global().observe("duckgres_worker_spawn_seconds", {},
                                          static_cast<double>(took.count()) / 1e6);
      spdlog::info("worker of '{}' started (pid {}, {} ms)", database, pid, took.count() / 1000.0);
      try {
        send_configuration(*w, *spec);
      } catch (const std::exception& e) {
        ::kill(pid, SIGKILL);  // not left running outside the pool
        w->wait_exit(std::chrono::seconds(30));
        throw SqlError("58000",
                       std::string("could not configure the duckling's worker: ") + e.what());
      }
      return w;
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(w->lifeline);
    w->lifeline = -1;
    if (timed_out) {
      throw SqlError("57P03", "the duckling's worker did not start within " +
                                  std::to_string(options_.start_timeout.count()) + " s");
    }
    bool busy = WIFEXITED(status) && WEXITSTATUS(status) == kExitBusy;
    if (busy && std::chrono::steady_clock::now() < deadline) {
      // A worker that is shutting down (or one left by a killed control plane) still holds
      // the database file for a moment.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    while (!answer.empty() && answer.back() == '\n') answer.pop_back();
    spdlog::error("worker of '{}' failed to start ({}): {}", database, describe_exit(status),
                  answer);
    throw SqlError("58000", "could not start the duckling's worker: " +
                                (answer.empty() ? describe_exit(status) : answer));
  }
}

pgwire::ControlReply control_exchange(const std::string& path,
                                      const std::map<std::string, std::string>& request) {
  int fd = connect_unix(path);
  if (fd < 0) return {"unreachable: " + std::string(std::strerror(errno)), "", ""};
  std::string reply;
  if (pgwire::send_all(fd, pgwire::encode_startup_packet(pgwire::kWorkerControlCode, request))) {
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (reply.empty()) return {"the other side closed the connection", "", ""};
  if (reply[0] == 'C' && reply.size() > 5) {
    // CommandComplete carries the answer as its tag ("OK" when there is none).
    std::string tag = reply.substr(5);
    if (!tag.empty() && tag.back() == '\0') tag.pop_back();
    return {"", "", tag == "OK" ? "" : tag};
  }
  if (reply[0] != 'E' || reply.size() <= 5) return {"unexpected reply", "", ""};
  pgwire::ErrorFields e = pgwire::decode_error_response(std::string_view(reply).substr(5));
  return {e.message.empty() ? "unknown error" : e.message, e.sqlstate, ""};
}

void WorkerPool::send_configuration(Worker& w, const control::DucklingSpec& spec) {
  std::lock_guard lock(w.configure_mutex);
  if (w.applied == spec) return;
  std::string schemas;
  for (const std::string& s : spec.schemas) schemas += s + "\n";
  std::string error =
      control_exchange(w.socket_path, {{"action", "configure"},
                                       {"threads", std::to_string(spec.limits.threads)},
                                       {"memory_limit", spec.limits.memory_limit},
                                       {"temp_limit", spec.limits.temp_limit},
                                       {"schemas", schemas}})
          .error;
  if (!error.empty()) throw std::runtime_error(error);
  w.applied = spec;
}

void WorkerPool::configure(const std::string& database, const control::DucklingSpec& spec) {
  std::shared_ptr<Worker> w;
  {
    std::lock_guard lock(mutex_);
    if (busy_.count(database)) return;  // a starting worker reads the spec itself
    w = live(database);
  }
  if (!w) return;
  bool scaled = w->applied && w->applied->limits != spec.limits;
  send_configuration(*w, spec);
  if (scaled) {
    spdlog::info("duckling '{}' scaled to {} vCPUs, {} (worker pid {})", database,
                 spec.limits.threads, spec.limits.memory_limit, w->pid);
  }
}

bool WorkerPool::end_worker(const std::string& database, int signal, bool only_if_idle,
                            std::chrono::milliseconds idle) {
  std::shared_ptr<Worker> w;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !busy_.count(database); });
    w = live(database);
    if (!w) return false;
    if (only_if_idle &&
        (w->sessions.load() > 0 || steady_ms() - w->last_used_ms.load() < idle.count())) {
      return false;
    }
    workers_.erase(database);
    busy_.insert(database);  // new sessions wait until the file is released
  }
  ::kill(w->pid, signal);
  if (!w->wait_exit(options_.stop_timeout + std::chrono::seconds(5))) {
    spdlog::warn("worker of '{}' (pid {}) did not stop: killing it", database, w->pid);
    ::kill(w->pid, SIGKILL);
    w->wait_exit(std::chrono::seconds(30));
  }
  std::lock_guard lock(mutex_);
  busy_.erase(database);
  changed_.notify_all();
  return true;
}

void WorkerPool::stop(const std::string& database) {
  end_worker(database, SIGKILL, false, {});
}

int WorkerPool::retire_idle(std::chrono::milliseconds idle) {
  std::vector<std::string> names;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, w] : workers_) {
      if (w->sessions.load() == 0 && steady_ms() - w->last_used_ms.load() >= idle.count()) {
        names.push_back(name);
      }
    }
  }
  int retired = 0;
  for (const std::string& name : names) retired += end_worker(name, SIGTERM, true, idle) ? 1 : 0;
  return retired;
}

void WorkerPool::stop_all() {
  std::vector<std::shared_ptr<Worker>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, w] : workers_) all.push_back(w);
    workers_.clear();
  }
  for (auto& w : all) ::kill(w->pid, SIGTERM);
  auto deadline =
      std::chrono::steady_clock::now() + options_.stop_timeout + std::chrono::seconds(5);
  for (auto& w : all) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!w->wait_exit(std::max(left, std::chrono::milliseconds(0)))) {
      ::kill(w->pid, SIGKILL);
      w->wait_exit(std::chrono::seconds(30));
    }
  }
}

void WorkerPool::serve_control_requests(pgwire::ControlRequestHandler handler) {
  control_socket_ = socket_dir_ + "/control.sock";
  control_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, control_socket_.data(),
              std::min(control_socket_.size(), sizeof(addr.sun_path) - 1));
  if (::bind(control_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(control_fd_, 64) != 0) {
    throw std::runtime_error("cannot listen on " + control_socket_ + ": " + std::strerror(errno));
  }
  control_handler_ = std::move(handler);
  control_thread_ = std::thread([this] {
    while (true) {
      int fd = ::accept4(control_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // shut down
      }
      // Each request on its own thread: fetching a storage's objects for a statement takes
      // as long as the download, and other workers' requests must not wait for it.
      {
        std::lock_guard lock(control_mutex_);
        ++control_requests_running_;
      }
      std::thread([this, fd] {
        answer_control_request(fd);
        std::lock_guard lock(control_mutex_);
        if (--control_requests_running_ == 0) control_done_.notify_all();
      }).detach();
    }
  });
}

void WorkerPool::answer_control_request(int fd) {
  // The asking worker, by its pid: a request only ever concerns its own duckling.
  ucred peer{};
  socklen_t len = sizeof(peer);
  std::string database;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 && peer.uid == ::geteuid()) {
    std::lock_guard lock(mutex_);
    for (auto& [name, w] : workers_) {
      if (w->pid == peer.pid) database = name;
    }
  }
  pgwire::WriteBuffer out;
  try {
    std::string body;
    char buf[4096];
    while (true) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) break;
      body.append(buf, static_cast<size_t>(n));
      if (body.size() >= 4) {
        auto size =
            static_cast<uint32_t>(pgwire::ReadBuffer(std::string_view(body).substr(0, 4)).get_i32());
        if (size > (1u << 20)) throw std::runtime_error("control request too large");
        if (body.size() >= size) break;
      }
    }
    if (database.empty()) throw std::runtime_error("not a worker of this server");
    if (body.size() < 8) throw std::runtime_error("truncated control request");
    auto packet = pgwire::decode_startup(std::string_view(body).substr(4));
    auto* request = std::get_if<pgwire::WorkerControl>(&packet);
    if (!request) throw std::runtime_error("not a control request");
    pgwire::ControlReply reply = control_handler_(database, request->parameters);
    if (reply.error.empty()) {
      pgwire::write_command_complete(out, reply.answer.empty() ? "OK" : reply.answer);
    } else {
      pgwire::write_error(out,
                          {"ERROR", reply.sqlstate.empty() ? "42704" : reply.sqlstate, reply.error});
    }
  } catch (const std::exception& e) {
    pgwire::write_error(out, {"ERROR", "XX000", e.what()});
  }
  pgwire::send_all(fd, out.data());
  ::close(fd);
}

WorkerStatus WorkerPool::status(const std::string& database) {
  std::lock_guard lock(mutex_);
  auto w = live(database);
  if (!w) return {};
  return {true, w->sessions.load(), w->pid};
}

size_t WorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return workers_.size();
}

std::chrono::microseconds WorkerPool::last_start_time() const {
  std::lock_guard lock(mutex_);
  return last_start_time_;
}

}  // namespace ducklings::worker
