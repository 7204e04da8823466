#include "pgwire/auth_limiter.h"

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

bool AuthLimiter::open(const std::string& address) {
  std::lock_guard lock(mutex_);
  int& n = connections_[address];
  if (limits_.max_connections_per_address > 0 && n >= limits_.max_connections_per_address) {
    if (n == 0) connections_.erase(address);
    cap_refusals_total.fetch_add(1);
    return false;
  }
  ++n;
  return true;
}

void AuthLimiter::close(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(address);
  if (it != connections_.end() && --it->second <= 0) connections_.erase(it);
}

}  // namespace ducklings::pgwire
