#include "pgwire/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "metering/metrics.h"
#include "pgwire/internal_run.h"

namespace ducklings::pgwire {

// ---- SessionRegistry ----

bool SessionRegistry::add(Session* s, size_t max_sessions) {
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= max_sessions) return false;
  sessions_[s->process_id()] = s;
  return true;
}

void SessionRegistry::remove(Session* s) {
  std::lock_guard lock(mutex_);
  // Only its own entry: another session's under the same id stays reachable.
  if (auto it = sessions_.find(s->process_id()); it != sessions_.end() && it->second == s) {
    sessions_.erase(it);
  }
  if (sessions_.empty()) empty_.notify_all();
}

void SessionRegistry::renumber(Session* s, int32_t old_process_id) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(old_process_id); it != sessions_.end() && it->second == s) {
    sessions_.erase(it);
  }
  sessions_[s->process_id()] = s;
}

void SessionRegistry::cancel(int32_t pid, int32_t key, uint64_t until_ready) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(pid); it != sessions_.end()) it->second->cancel(key, until_ready);
}

void SessionRegistry::request_stop_all() {
  std::lock_guard lock(mutex_);
  for (auto& [pid, s] : sessions_) s->request_stop();
}

void SessionRegistry::terminate_database(const std::string& database) {
  std::lock_guard lock(mutex_);
  for (auto& [pid, s] : sessions_) {
    if (s->bound_database() == database) {
      s->interrupt();
      s->request_stop();
    }
  }
}

void SessionRegistry::interrupt_all() {
  std::lock_guard lock(mutex_);
  for (auto& [pid, s] : sessions_) s->interrupt();
}

void SessionRegistry::check_timeouts() {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (auto& [pid, s] : sessions_) s->check_timeout(now);
}

size_t SessionRegistry::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool SessionRegistry::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return empty_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
}

// ---- Server ----

Server::Server(const ServerConfig& config, control::ControlPlane* control,
               warehouse::WarehouseRegistry& warehouses, WorkerHost* workers,
               WorkerControlHandler worker_control)
    : config_(config),
      control_(control),
      warehouses_(warehouses),
      workers_(workers),
      worker_control_(std::move(worker_control)),
      limiter_([&config] {
        AuthLimits l;
        l.failure_threshold = config.auth_failure_threshold;
        l.user_failure_threshold = config.auth_user_failure_threshold;
        l.ban = std::chrono::seconds(config.auth_ban_seconds);
        l.max_connections_per_address = config.max_connections_per_address;
        l.max_connections = config.max_connections;
        l.max_startup_per_address = config.max_startup_connections_per_address;
        l.max_startup = config.max_startup_connections;
        l.authentication_timeout = std::chrono::seconds(config.authentication_timeout);
        l.pressure_timeout = std::min(l.authentication_timeout, std::chrono::seconds(5));
        l.cancel_per_second = config.cancel_requests_per_second;
        l.cancel_burst = 10 * config.cancel_requests_per_second;
        return l;
      }()) {
  if (config.tls != "off" && !worker_control_) {
    tls_ = TlsContext::create(config.tls_cert, config.tls_key, config.data_dir);
    std::string binding = tls_->server_end_point().empty()
                              ? "SCRAM-SHA-256 only (the certificate's signature has no hash "
                                "for channel binding)"
                              : "SCRAM-SHA-256-PLUS with channel binding offered";
    if (tls_->configured()) {
      spdlog::info(
          "TLS with certificate {} ({}); clients should connect with sslmode=verify-full "
          "(sslrootcert: the CA that signed it) to check they reach this server",
          tls_->cert_file(), binding);
    } else {
      spdlog::info(
          "TLS with a self-signed certificate {} ({}): it encrypts (sslmode=require) but clients "
          "cannot verify it; set tls_cert and tls_key to a certificate from a CA they trust",
          tls_->cert_file(), binding);
    }
  }
  if (::pipe(wake_pipe_) != 0) throw std::runtime_error("pipe() failed");
  // pg_stat_activity, pg_cancel_backend and pg_terminate_backend ask this registry.
  warehouse::set_session_directory(
      {[this](const std::string& database) { return registry_.activity_json(database); },
       [this](const std::string& database, int32_t pid, int32_t caller, const std::string& action) {
         return registry_.signal(database, pid, caller, action);
       }});
}

Server::~Server() {
  warehouse::set_session_directory({});
  if (listen_fd_ >= 0) ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

void Server::listen() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  std::string port = std::to_string(config_.port);
  if (int rc = ::getaddrinfo(config_.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    throw ConfigError("setting 'host': cannot resolve '" + config_.host + "': " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, &freeaddrinfo);
  listen_fd_ = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(listen_fd_, res->ai_addr, res->ai_addrlen) != 0 || ::listen(listen_fd_, 1024) != 0) {
    throw ConfigError("setting 'port': cannot listen on " + config_.host + ":" + port + ": " +
                      std::strerror(errno));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  bound_port_ =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void Server::listen_unix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) throw ConfigError("socket path too long: " + path);
  std::memcpy(addr.sun_path, path.data(), path.size());
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path.c_str());
  mode_t old_mask = ::umask(0177);  // the socket is created 0600
  int rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::umask(old_mask);
  if (rc != 0 || ::listen(listen_fd_, 1024) != 0) {
    throw std::runtime_error("cannot listen on " + path + ": " + std::strerror(errno));
  }
  unix_ = true;
}

void Server::serve() {
  ServerServices services{config_,
                          control_,
                          warehouses_,
                          tls_ ? &*tls_ : nullptr,
                          registry_,
                          workers_,
                          worker_control_,
                          control_requests_,
                          worker_control_ ? nullptr : &limiter_,
                          query_log_};
  auto next_timeout_check = std::chrono::steady_clock::now();
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    // The accept loop doubles as the statement_timeout watchdog (50 ms resolution).
    auto now = std::chrono::steady_clock::now();
    if (now >= next_timeout_check) {
      registry_.check_timeouts();
      if (!unix_) limiter_.expire(now);  // and the authentication_timeout's
      next_timeout_check = now + std::chrono::milliseconds(50);
    }
    int rc = ::poll(fds, 2, 50);
    if (rc == 0) continue;
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    if (fds[1].revents) break;
    sockaddr_storage peer_addr{};
    socklen_t peer_len = sizeof(peer_addr);
    int fd =
        ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer_addr), &peer_len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
      spdlog::warn("accept failed: {}", std::strerror(errno));
      if (errno == EMFILE || errno == ENFILE) ::usleep(100 * 1000);  // wait for fds to free up
      continue;
    }
    if (!unix_) metering::Metrics::global().add("duckgres_connections_total", {});
    if (unix_) {
      // Trusted startups come only from the control plane, which runs as the same user.
      ucred peer{};
      socklen_t len = sizeof(peer);
      if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::geteuid()) {
        spdlog::warn("refused a worker connection from uid {}", peer.uid);
        ::close(fd);
        continue;
      }
    } else {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    }
    std::string peer;
    if (!unix_) {
      char host[INET6_ADDRSTRLEN] = {0};
      const void* a =
          peer_addr.ss_family == AF_INET6
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&peer_addr)->sin6_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&peer_addr)->sin_addr);
      if (::inet_ntop(peer_addr.ss_family, a, host, sizeof(host))) peer = host;
    }
    // Only authenticated sessions count against max_connections and the per-address cap
    // (startup.cpp); until then a socket is in the startup pool, bounded per address and in
    // all, and cut at its authentication timeout. A socket past its address's bound is
    // refused before it costs a thread.
    if (!unix_ && limiter_.startup_open(fd, peer) == AuthLimiter::Startup::kAddressFull) {
      refuse_now(fd, "too many connections from " + peer + " not yet authenticated (limit " +
                         std::to_string(config_.max_startup_connections_per_address) + ")");
      continue;
    }
    try {
      auto session = std::make_shared<Session>(services, fd, peer);
      // A bound on threads: authenticated sessions plus the startup pool (and sockets cut
      // from it that have not ended yet).
      size_t max_sessions = static_cast<size_t>(config_.max_connections);
      if (!unix_) max_sessions += 2 * static_cast<size_t>(config_.max_startup_connections);
      if (!registry_.add(session.get(), max_sessions)) {
        // Too many sessions: PostgreSQL answers before authentication with 53300.
        WriteBuffer out;
        write_error(out, {"FATAL", "53300", "sorry, too many clients already"});
        ::send(fd, out.data().data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (!unix_) limiter_.end(fd);
        continue;  // the session's destructor closes the socket
      }
      std::thread([session, this, fd] {
        session->run();
        if (!unix_) limiter_.end(fd);  // before the session closes fd
        // Last: once the registry is empty, stop() returns and the server may be destroyed.
        registry_.remove(session.get());
      }).detach();
    } catch (const std::exception& e) {
      spdlog::error("could not start session: {}", e.what());
      if (!unix_) limiter_.end(fd);
    }
  }
}

void Server::refuse_now(int fd, const std::string& message) {
  // Cheaply: one small write that never blocks, then close; no thread, no TLS. libpq shows
  // the message whether it sent a startup packet or an SSLRequest.
  WriteBuffer out;
  write_error(out, {"FATAL", "53300", message});
  ::send(fd, out.data().data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  char b = 1;
  [[maybe_unused]] auto n = ::write(wake_pipe_[1], &b, 1);
  spdlog::info("shutting down: waiting up to {}s for {} sessions", config_.shutdown_timeout,
               registry_.size());
  registry_.request_stop_all();
  if (!registry_.wait_empty(std::chrono::seconds(config_.shutdown_timeout))) {
    spdlog::warn("shutdown timeout: interrupting {} sessions", registry_.size());
    registry_.interrupt_all();
    registry_.wait_empty(std::chrono::seconds(10));
  }
}

}  // namespace ducklings::pgwire

namespace ducklings::pgwire {
namespace {

// The client side of one internal session: whole backend messages from a blocking socket.
class InternalClient {
 public:
  explicit InternalClient(int fd) : fd_(fd) {}
  void send(const std::string& data) {
    if (!send_all(fd_, data)) throw SqlError("08006", "the internal session ended");
  }
  // The transaction status of the last ReadyForQuery: 'I' idle, 'T' in a block, 'E' failed.
  char status() const { return status_; }
  // Reads messages until ReadyForQuery; fills `result`, throws the first ErrorResponse.
  void until_ready(gateway::Result* result) {
    std::optional<SqlError> error;
    while (true) {
      std::string header = read(5);
      int32_t len = ReadBuffer(std::string_view(header).substr(1)).get_i32();
      if (len < 4) throw SqlError("08P01", "the internal session sent a malformed message");
      std::string body = read(static_cast<size_t>(len) - 4);
      ReadBuffer in(body);
      switch (header[0]) {
        case 'E': {
          ErrorFields f = decode_error_response(body);
          if (!error) error = SqlError(f.sqlstate, f.message, f.position, f.detail, f.hint);
          break;
        }
        case 'T':
          if (result) {
            int16_t n = in.get_i16();
            for (int16_t i = 0; i < n; ++i) {
              result->columns.emplace_back(in.get_cstring());
              in.get_bytes(18);
            }
          }
          break;
        case 'D':
          if (result) {
            int16_t n = in.get_i16();
            std::vector<std::optional<std::string>> row;
            for (int16_t i = 0; i < n; ++i) {
              int32_t size = in.get_i32();
              if (size < 0)
                row.emplace_back(std::nullopt);
              else
                row.emplace_back(std::string(in.get_bytes(static_cast<size_t>(size))));
            }
            result->rows.push_back(std::move(row));
          }
          break;
        case 'C':
          if (result) {
            result->tag = std::string(in.get_cstring());
            result->tags.push_back(result->tag);
          }
          break;
        case 'Z':
          status_ = body.empty() ? 'I' : body[0];
          if (error) throw *error;
          return;
        default:
          break;
      }
    }
  }

 private:
  std::string read(size_t n) {
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) throw SqlError("08006", "the internal session ended");
      got += static_cast<size_t>(r);
    }
    return out;
  }
  int fd_;
  char status_ = 'I';  // the last ReadyForQuery's transaction status
};

std::atomic<int32_t> next_internal_pid{1 << 30};

// A trusted session in a duckling's worker: the wire protocol is the hop between the processes.
class WorkerSession : public gateway::Session {
 public:
  WorkerSession(std::unique_ptr<WorkerLink> link, const gateway::Request& base, int32_t process_id)
      : link_(std::move(link)), client_(link_->fd()) {
    client_.send(encode_startup_packet(
        kTrustedStartupCode, {{"user", "duckgres"},
                              {"database", base.database},
                              {"application_name", "duckgres api"},
                              {"duckgres.superuser", "on"},
                              {"duckgres.actor", base.actor},
                              {"duckgres.system", base.system ? "on" : "off"},
                              {"duckgres.process_id", std::to_string(process_id)},
                              {"duckgres.secret_key", "0"}}));
    client_.until_ready(nullptr);
  }
  ~WorkerSession() override {
    try {
      WriteBuffer terminate;
      terminate.put_u8('X');
      terminate.put_i32(4);
      client_.send(terminate.data());
    } catch (const std::exception&) {
    }
  }

  gateway::Result run(const std::string& sql, const std::vector<gateway::Parameter>& parameters) override {
    client_.send(query(sql, parameters));
    gateway::Result result;
    try {
      client_.until_ready(&result);
    } catch (const SqlError&) {
      // A failed statement inside BEGIN leaves the transaction aborted: the next request
      // starts clean, as a new session would.
      if (client_.status() != 'I') {
        try {
          rollback();
        } catch (const SqlError& e) {
          spdlog::warn("internal session: rollback after an error failed: {}", e.what());
        }
      }
      throw;
    }
    if (client_.status() != 'I') rollback();  // a transaction the request left open ends with it
    return result;
  }

 private:
  static std::string query(const std::string& sql, const std::vector<gateway::Parameter>& parameters) {
    WriteBuffer query;
    if (parameters.empty()) {
      size_t at = query.begin_message('Q');
      query.put_cstring(sql);
      query.end_message(at);
      return query.data();
    }
    // The extended protocol: the statement, then its values with their types, all as text.
    size_t at = query.begin_message('P');
    query.put_cstring("");
    query.put_cstring(sql);
    query.put_i16(static_cast<int16_t>(parameters.size()));
    for (const auto& p : parameters) query.put_i32(p.type_oid);
    query.end_message(at);
    at = query.begin_message('B');
    query.put_cstring("");
    query.put_cstring("");
    query.put_i16(0);  // every parameter in text format
    query.put_i16(static_cast<int16_t>(parameters.size()));
    for (const auto& p : parameters) {
      if (!p.text) {
        query.put_i32(-1);
        continue;
      }
      query.put_i32(static_cast<int32_t>(p.text->size()));
      query.put_bytes(*p.text);
    }
    query.put_i16(0);  // every column in text format
    query.end_message(at);
    at = query.begin_message('D');
    query.put_u8('P');
    query.put_cstring("");
    query.end_message(at);
    at = query.begin_message('E');
    query.put_cstring("");
    query.put_i32(0);
    query.end_message(at);
    write_simple(query, 'S');
    return query.data();
  }
  void rollback() {
    WriteBuffer q;
    size_t at = q.begin_message('Q');
    q.put_cstring("ROLLBACK");
    q.end_message(at);
    client_.send(q.data());
    client_.until_ready(nullptr);
  }

  std::unique_ptr<WorkerLink> link_;
  InternalClient client_;
};

}  // namespace

gateway::Result Server::run(const gateway::Request& request) {
  return open(request)->run(request.sql, request.parameters);
}

std::unique_ptr<gateway::Session> Server::open(const gateway::Request& base) {
  int32_t process_id = next_internal_pid.fetch_add(1);
  std::unique_ptr<WorkerLink> link;
  if (workers_) {
    try {
      link = workers_->connect(base.database, 0);
    } catch (const SqlError& e) {
      if (e.sqlstate() != "3D000") throw;  // not an organization's duckling: it runs here
    }
  }
  if (!link) return open_internal({config_, warehouses_, control_requests_, registry_}, base, process_id);
  return std::make_unique<WorkerSession>(std::move(link), base, process_id);
}

}  // namespace ducklings::pgwire
