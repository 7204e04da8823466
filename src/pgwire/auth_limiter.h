// The front door's limits: failed logins are counted per source address and per user (past a
// threshold the address, or the user, is refused for a while); sockets that have not
// authenticated yet are bounded per address and in all and cut at the authentication timeout
// (sooner under pressure); only authenticated sessions count against max_connections and the
// per-address cap; CancelRequests are rate-limited per address. Thread-safe; counters feed
// the metrics.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ducklings::pgwire {

struct AuthLimits {
  int failure_threshold = 10;      // failed logins from one address before it is refused
  int user_failure_threshold = 0;  // failed logins of one user (any address) before it is; 0 = off
  std::chrono::seconds ban{300};   // how long a refusal lasts; failures older than this expire
  int max_connections_per_address = 0;  // 0 = no cap
  int max_connections = 0;              // authenticated sessions in all; 0 = no cap
  // Sockets not yet authenticated that one address (/64) may keep stalling: one counts once
  // the server has waited startup_grace on its client for the next step of the startup (not
  // while the server is behind: bytes unread or its own work in progress), so that a client
  // pool opening many connections at once on a loaded server is not refused; all sockets of
  // an address, stalling or not, are bounded by half the pool.
  int max_startup_per_address = 32;
  std::chrono::milliseconds startup_grace{1000};
  int max_startup = 1024;  // sockets not yet authenticated in all; past it the oldest is cut
  std::chrono::seconds authentication_timeout{60};
  // Under pressure (half the startup pool in use, or an address at its bound) sockets get
  // this long instead.
  std::chrono::seconds pressure_timeout{5};
  int cancel_per_second = 2;  // CancelRequests per address (/64), after a burst of cancel_burst
  int cancel_burst = 20;
};

// The key per-address limits count under: an IPv4 address, or an IPv6 address's /64 (one
// subscriber's usual allocation); an IPv4-mapped IPv6 address counts as its IPv4 address.
std::string address_key(const std::string& address);

class AuthLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  const AuthLimits& limits() const { return limits_; }
  explicit AuthLimiter(AuthLimits limits) : limits_(limits) {}

  // Seconds the address (or the user) stays refused; 0 when it may try.
  int64_t refused_for(const std::string& address, const std::string& user);
  // A failed login; true when this one started a refusal (for the log and the audit).
  bool failure(const std::string& address, const std::string& user);
  // A successful login clears the address's and the user's failures.
  void success(const std::string& address, const std::string& user);

  // A socket `fd` from `address` was accepted. kAdmitted: it joins the startup pool (the
  // oldest socket of a full pool is cut to make room); kAddressFull: the address already keeps
  // max_startup_per_address sockets waiting past the grace (as of the last expire()), or half
  // the pool, and this one is not counted.
  enum class Startup { kAdmitted, kAddressFull };
  Startup startup_open(int fd, const std::string& address);
  // Whose turn it is in the startup of `fd`: the client's (the server waits for its next
  // message; the grace runs from now) or the server's (it works on one: the socket does not
  // count as stalling, however long that takes).
  void turn(int fd, bool client);
  // The socket authenticated: it leaves the startup pool and counts as a session. Or why not:
  // 53300 past a session cap, 57014 when it was cut at its timeout (then it counts as nothing).
  struct Refusal {
    std::string sqlstate, message;
  };
  std::optional<Refusal> authenticated(int fd, const std::string& address);
  // The socket's session ended (before its fd is closed): it counts no more.
  void end(int fd);
  // Shuts down (SHUT_RDWR) the sockets that have not authenticated within their timeout;
  // their sessions see the end of input and stop. Returns how many. Call often (the accept
  // loop does, every 50 ms).
  size_t expire(Clock::time_point now);
  // Sockets not yet authenticated.
  size_t startup_count();
  // A CancelRequest from `address` may be acted on; false past the per-address rate.
  bool cancel_allowed(const std::string& address);

  std::atomic<uint64_t> failures_total{0};
  std::atomic<uint64_t> bans_total{0};
  std::atomic<uint64_t> refusals_total{0};           // logins refused while banned
  std::atomic<uint64_t> cap_refusals_total{0};       // sessions past the per-address cap
  std::atomic<uint64_t> startup_refusals_total{0};   // sockets past the startup bound of an address
  std::atomic<uint64_t> startup_evictions_total{0};  // sockets cut because the pool was full
  std::atomic<uint64_t> startup_timeouts_total{0};   // sockets cut at their timeout
  std::atomic<uint64_t> cancel_throttled_total{0};   // CancelRequests dropped past the rate

 private:
  struct Counter {
    int failures = 0;
    Clock::time_point first;         // of the current window
    Clock::time_point banned_until;  // epoch = not banned
  };
  // Failures expire a ban period after the first; stale entries are dropped as they are met.
  bool count(std::map<std::string, Counter>& counters, const std::string& key, int threshold,
             Clock::time_point now);
  AuthLimits limits_;
  std::mutex mutex_;
  std::map<std::string, Counter> addresses_;
  std::map<std::string, Counter> users_;
  std::map<std::string, int> connections_;  // authenticated sessions per address
  int sessions_ = 0;                        // authenticated sessions in all

  enum class State { kStartup, kSession, kCut, kRefused };
  struct Socket {
    std::string key;  // address_key of its address
    std::string address;
    Clock::time_point since;
    Clock::time_point deadline;  // shortened for good once it lived under pressure
    State state = State::kStartup;
    bool settled = false;  // counted in settled_by_key_
    bool client_turn = true;           // the server waits for the client (turn())
    Clock::time_point turn_since;      // … since then

  };
  // Leaves the startup pool (under mutex_).
  void leave_startup(Socket& s);
  void cut(int fd, Socket& s);
  // The server has waited past the grace on the client of this startup socket (under mutex_).
  bool stalling(int fd, const Socket& s, Clock::time_point now) const;
  std::unordered_map<int, Socket> sockets_;
  std::map<std::string, int> startup_by_key_;
  std::map<std::string, int> settled_by_key_;  // … of them waiting past the grace (expire())
  int startup_ = 0;

  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  std::map<std::string, Bucket> cancel_buckets_;
};

}  // namespace ducklings::pgwire
