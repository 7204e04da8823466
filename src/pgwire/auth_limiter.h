// Brute-force protection at the front door: failed logins are counted per source address and
// per user; past a threshold the address (or the user) is refused for a while, and an address
// may hold only so many connections at once. Thread-safe; counters feed the metrics.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ducklings::pgwire {

struct AuthLimits {
  int failure_threshold = 10;      // failed logins from one address before it is refused
  int user_failure_threshold = 0;  // failed logins of one user (any address) before it is; 0 = off
  std::chrono::seconds ban{300};   // how long a refusal lasts; failures older than this expire
  int max_connections_per_address = 0;  // 0 = no cap
};

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
  // Counts a connection in; false (and counts nothing) past the per-address cap.
  bool open(const std::string& address);
  void close(const std::string& address);

  std::atomic<uint64_t> failures_total{0};
  std::atomic<uint64_t> bans_total{0};
  std::atomic<uint64_t> refusals_total{0};      // logins refused while banned
  std::atomic<uint64_t> cap_refusals_total{0};  // connections past the per-address cap

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
  std::map<std::string, int> connections_;
};

}  // namespace ducklings::pgwire
