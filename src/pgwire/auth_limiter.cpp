#include "pgwire/auth_limiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "metering/metrics.h"

namespace ducklings::pgwire {

int64_t AuthLimiter::refused_for(const std::string& address, const std::string& user) {
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  int64_t left = 0;
  for (auto* m : {&addresses_, &users_}) {
    auto it = m->find(m == &addresses_ ? address : user);
    if (it == m->end() || it->second.banned_until <= now) continue;
    left = std::max<int64_t>(
        left,
        std::chrono::duration_cast<std::chrono::seconds>(it->second.banned_until - now).count() +
            1);
  }
  if (left > 0) refusals_total.fetch_add(1);
  return left;
}

bool AuthLimiter::count(std::map<std::string, Counter>& counters, const std::string& key,
                        int threshold, Clock::time_point now) {
  if (threshold <= 0) return false;
  Counter& c = counters[key];
  if (c.failures == 0 || now - c.first > limits_.ban) {
    c.failures = 0;
    c.first = now;
  }
  if (++c.failures < threshold || c.banned_until > now) return false;
  c.banned_until = now + limits_.ban;
  c.failures = 0;
  return true;
}

bool AuthLimiter::failure(const std::string& address, const std::string& user) {
  failures_total.fetch_add(1);
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  // Keep the maps small: drop entries whose window and ban are over.
  for (auto* m : {&addresses_, &users_}) {
    if (m->size() < 10000) continue;
    for (auto it = m->begin(); it != m->end();) {
      bool stale = now - it->second.first > limits_.ban && it->second.banned_until <= now;
      it = stale ? m->erase(it) : std::next(it);
    }
  }
  bool banned = count(addresses_, address, limits_.failure_threshold, now);
  banned = count(users_, user, limits_.user_failure_threshold, now) || banned;
  if (banned) bans_total.fetch_add(1);
  return banned;
}

void AuthLimiter::success(const std::string& address, const std::string& user) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  for (auto* m : {&addresses_, &users_}) {
    auto it = m->find(m == &addresses_ ? address : user);
    if (it != m->end() && it->second.banned_until <= now) m->erase(it);
  }
}

namespace {
// duckgres_auth_refusals_total{reason}: what the front door turned away before a login.
void refused(const char* reason, double n = 1) {
  metering::Metrics::global().add("duckgres_auth_refusals_total", {{"reason", reason}}, n);
}
}  // namespace

std::string address_key(const std::string& address) {
  in6_addr a6{};
  if (address.find(':') == std::string::npos || ::inet_pton(AF_INET6, address.c_str(), &a6) != 1) {
    return address;
  }
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    char v4[INET_ADDRSTRLEN] = {0};
    if (::inet_ntop(AF_INET, &a6.s6_addr[12], v4, sizeof(v4))) return v4;
    return address;
  }
  std::memset(&a6.s6_addr[8], 0, 8);
  char text[INET6_ADDRSTRLEN] = {0};
  if (!::inet_ntop(AF_INET6, &a6, text, sizeof(text))) return address;
  return std::string(text) + "/64";
}

AuthLimiter::Startup AuthLimiter::startup_open(int fd, const std::string& address) {
  std::string key = address_key(address);
  std::lock_guard lock(mutex_);
  int& n = startup_by_key_[key];
  auto settled = settled_by_key_.find(key);
  if ((settled != settled_by_key_.end() && settled->second >= limits_.max_startup_per_address) ||
      n >= std::max(limits_.max_startup_per_address, limits_.max_startup / 2)) {
    if (n == 0) startup_by_key_.erase(key);
    startup_refusals_total.fetch_add(1);
    refused("startup_address_cap");
    return Startup::kAddressFull;
  }
  if (startup_ >= limits_.max_startup) {
    // A full pool cuts its oldest socket rather than refusing: flooding it from many
    // addresses then only shortens everyone's wait, and a client that authenticates in
    // milliseconds is rarely the oldest.
    auto oldest = sockets_.end();
    for (auto it = sockets_.begin(); it != sockets_.end(); ++it) {
      if (it->second.state == State::kStartup &&
          (oldest == sockets_.end() || it->second.since < oldest->second.since)) {
        oldest = it;
      }
    }
    if (oldest != sockets_.end()) {
      cut(oldest->first, oldest->second);
      startup_evictions_total.fetch_add(1);
      refused("startup_evicted");
    }
  }
  ++n;
  ++startup_;
  auto now = Clock::now();
  Socket& s = sockets_[fd] =
      Socket{std::move(key), address, now, now + limits_.authentication_timeout, State::kStartup};
  s.turn_since = now;
  return Startup::kAdmitted;
}

void AuthLimiter::turn(int fd, bool client) {
  std::lock_guard lock(mutex_);
  auto it = sockets_.find(fd);
  if (it == sockets_.end() || it->second.state != State::kStartup) return;
  it->second.client_turn = client;
  if (client) it->second.turn_since = Clock::now();
}

void AuthLimiter::leave_startup(Socket& s) {
  if (s.state != State::kStartup) return;
  auto it = startup_by_key_.find(s.key);
  if (it != startup_by_key_.end() && --it->second <= 0) startup_by_key_.erase(it);
  if (s.settled) {
    auto settled = settled_by_key_.find(s.key);
    if (settled != settled_by_key_.end() && --settled->second <= 0) settled_by_key_.erase(settled);
  }
  --startup_;
}

void AuthLimiter::cut(int fd, Socket& s) {
  leave_startup(s);
  s.state = State::kCut;
  // The session thread still owns the fd (end() runs before it closes it, under this lock),
  // so this never reaches another socket; its blocked read or TLS handshake ends.
  ::shutdown(fd, SHUT_RDWR);
}

std::optional<AuthLimiter::Refusal> AuthLimiter::authenticated(int fd, const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return std::nullopt;  // not a counted socket
  Socket& s = it->second;
  if (s.state == State::kCut) {
    return Refusal{"57014", "canceling authentication due to timeout"};
  }
  leave_startup(s);
  int& n = connections_[address];
  if (limits_.max_connections_per_address > 0 && n >= limits_.max_connections_per_address) {
    if (n == 0) connections_.erase(address);
    s.state = State::kRefused;
    cap_refusals_total.fetch_add(1);
    return Refusal{"53300", "too many connections from " + address + " (limit " +
                                std::to_string(limits_.max_connections_per_address) + ")"};
  }
  if (limits_.max_connections > 0 && sessions_ >= limits_.max_connections) {
    if (n == 0) connections_.erase(address);
    s.state = State::kRefused;
    return Refusal{"53300", "sorry, too many clients already"};
  }
  ++n;
  ++sessions_;
  s.state = State::kSession;
  return std::nullopt;
}

void AuthLimiter::end(int fd) {
  std::lock_guard lock(mutex_);
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  Socket& s = it->second;
  leave_startup(s);
  if (s.state == State::kSession) {
    --sessions_;
    auto c = connections_.find(s.address);
    if (c != connections_.end() && --c->second <= 0) connections_.erase(c);
  }
  sockets_.erase(it);
}

bool AuthLimiter::stalling(int fd, const Socket& s, Clock::time_point now) const {
  if (!s.client_turn || now - s.turn_since < limits_.startup_grace) return false;
  // Bytes the session has not read yet mean the server is behind (its thread not scheduled
  // yet on a loaded machine), not the client. The fd is the session's until end(), which
  // takes mutex_ (held here), so it is this socket's.
  int unread = 0;
  return ::ioctl(fd, FIONREAD, &unread) != 0 || unread == 0;
}

size_t AuthLimiter::expire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  settled_by_key_.clear();
  if (startup_ == 0) return 0;
  for (auto& [fd, s] : sockets_) {
    s.settled = s.state == State::kStartup && stalling(fd, s, now);
    if (s.settled) ++settled_by_key_[s.key];
  }
  // Pressure is read once per sweep (cutting sockets eases it), and a socket that lived
  // under it keeps the short deadline: a flood that comes and goes cannot reset it.
  bool pool_pressed = startup_ * 2 >= limits_.max_startup;
  for (auto& [fd, s] : sockets_) {
    if (s.state != State::kStartup) continue;
    auto k = settled_by_key_.find(s.key);
    if (pool_pressed ||
        (k != settled_by_key_.end() && k->second >= limits_.max_startup_per_address)) {
      s.deadline = std::min(s.deadline, s.since + limits_.pressure_timeout);
    }
  }
  size_t cut_now = 0;
  for (auto& [fd, s] : sockets_) {
    if (s.state == State::kStartup && now >= s.deadline) {
      cut(fd, s);
      ++cut_now;
    }
  }
  if (cut_now > 0) {
    startup_timeouts_total.fetch_add(cut_now);
    refused("authentication_timeout", static_cast<double>(cut_now));
  }
  return cut_now;
}

size_t AuthLimiter::startup_count() {
  std::lock_guard lock(mutex_);
  return static_cast<size_t>(startup_);
}

bool AuthLimiter::cancel_allowed(const std::string& address) {
  auto now = Clock::now();
  std::string key = address_key(address);
  std::lock_guard lock(mutex_);
  if (cancel_buckets_.size() >= 10000) {
    // Keep the map small: a bucket that has refilled is as good as a new one.
    for (auto it = cancel_buckets_.begin(); it != cancel_buckets_.end();) {
      double refill =
          std::chrono::duration<double>(now - it->second.at).count() * limits_.cancel_per_second;
      it = it->second.tokens + refill >= limits_.cancel_burst ? cancel_buckets_.erase(it)
                                                              : std::next(it);
    }
  }
  auto [it, fresh] = cancel_buckets_.try_emplace(key, Bucket{double(limits_.cancel_burst), now});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min<double>(
        limits_.cancel_burst,
        b.tokens + std::chrono::duration<double>(now - b.at).count() * limits_.cancel_per_second);
    b.at = now;
  }
  if (b.tokens < 1) {
    cancel_throttled_total.fetch_add(1);
    refused("cancel_throttled");
    return false;
  }
  b.tokens -= 1;
  return true;
}

}  // namespace ducklings::pgwire
