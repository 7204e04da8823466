#include "pgwire/auth_limiter.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <thread>
#include <vector>

namespace ducklings::pgwire {
namespace {

TEST(AuthLimiterTest, AddressKeys) {
  EXPECT_EQ(address_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:3::1"));
  EXPECT_EQ(address_key(""), "");
}

// Connected socket pairs: the limiter reads how many bytes wait unread on the server's end.
struct SocketPairs {
  std::vector<std::array<int, 2>> pairs;
  int server(size_t i) {
    while (pairs.size() <= i) {
      std::array<int, 2> p{};
      EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, p.data()), 0);
      pairs.push_back(p);
    }
    return pairs[i][0];
  }
  int client(size_t i) { return server(i), pairs[i][1]; }
  ~SocketPairs() {
    for (auto& p : pairs) {
      ::close(p[0]);
      ::close(p[1]);
    }
  }
};

TEST(AuthLimiterTest, StartupPoolPerAddressAndOnlySessionsCount) {
  AuthLimits l;
  l.max_startup_per_address = 2;
  l.max_startup = 8;
  l.max_connections = 1;
  AuthLimiter limiter(l);
  SocketPairs s;
  // A burst is admitted up to half the pool...
  for (int i : {0, 1, 2, 3})
    EXPECT_EQ(limiter.startup_open(s.server(i), "c"), AuthLimiter::Startup::kAdmitted);
  EXPECT_EQ(limiter.startup_open(s.server(4), "c"), AuthLimiter::Startup::kAddressFull);
  for (int i : {0, 1, 2, 3}) limiter.end(s.server(i));
  EXPECT_EQ(limiter.startup_open(s.server(10), "a"), AuthLimiter::Startup::kAdmitted);
  EXPECT_EQ(limiter.startup_open(s.server(11), "a"), AuthLimiter::Startup::kAdmitted);
  EXPECT_EQ(limiter.startup_open(s.server(12), "a"), AuthLimiter::Startup::kAdmitted);
  limiter.end(s.server(12));
  // ...but once two have kept the server waiting past the grace, the address is at its bound.
  EXPECT_EQ(limiter.expire(AuthLimiter::Clock::now() + std::chrono::seconds(2)), 0u);
  EXPECT_EQ(limiter.startup_open(s.server(12), "a"), AuthLimiter::Startup::kAddressFull);
  EXPECT_EQ(limiter.startup_open(s.server(13), "b"), AuthLimiter::Startup::kAdmitted);
  EXPECT_EQ(limiter.startup_count(), 3u);
  // One authenticates: it leaves the pool, so its address may open another.
  EXPECT_FALSE(limiter.authenticated(s.server(10), "a"));
  EXPECT_EQ(limiter.startup_open(s.server(14), "a"), AuthLimiter::Startup::kAdmitted);
  // max_connections counts sessions only: the second authenticated one is refused.
  auto refusal = limiter.authenticated(s.server(13), "b");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->sqlstate, "53300");
  limiter.end(s.server(10));
  EXPECT_FALSE(limiter.authenticated(s.server(14), "a"));
  for (int i : {11, 13, 14}) limiter.end(s.server(i));
  EXPECT_EQ(limiter.startup_count(), 0u);
}

// A client pool opening many connections at once on a loaded server: sockets wait long, but on
// the server (bytes it has not read, or its own work), and the address is not refused.
TEST(AuthLimiterTest, ASlowServerIsNotTakenForStallingClients) {
  AuthLimits l;
  l.max_startup_per_address = 2;
  l.max_startup = 64;
  AuthLimiter limiter(l);
  SocketPairs s;
  for (int i : {0, 1, 2, 3})
    EXPECT_EQ(limiter.startup_open(s.server(i), "a"), AuthLimiter::Startup::kAdmitted);
  // 0 and 1 sent their first packet, which no session thread has read yet; 2 and 3 are on
  // the server's turn (say, checking a password).
  for (int i : {0, 1}) ASSERT_EQ(::send(s.client(i), "x", 1, 0), 1);
  for (int i : {2, 3}) limiter.turn(s.server(i), false);
  auto later = AuthLimiter::Clock::now() + std::chrono::seconds(3);
  EXPECT_EQ(limiter.expire(later), 0u);
  EXPECT_EQ(limiter.startup_open(s.server(4), "a"), AuthLimiter::Startup::kAdmitted);
  // The server answered 2 and 3 a moment ago: their clients' turn begins now, not at accept.
  for (int i : {2, 3}) limiter.turn(s.server(i), true);
  EXPECT_EQ(limiter.expire(AuthLimiter::Clock::now() + std::chrono::milliseconds(500)), 0u);
  EXPECT_EQ(limiter.startup_open(s.server(5), "a"), AuthLimiter::Startup::kAdmitted);
  // Clients that then keep the server waiting past the grace do count: the address is full.
  EXPECT_EQ(limiter.expire(later), 0u);
  EXPECT_EQ(limiter.startup_open(s.server(6), "a"), AuthLimiter::Startup::kAddressFull);
  for (int i : {0, 1, 2, 3, 4, 5}) limiter.end(s.server(i));
}

TEST(AuthLimiterTest, TimeoutAndEvictionShutDownTheSocket) {
  AuthLimits l;
  l.max_startup = 2;
  l.authentication_timeout = std::chrono::seconds(60);
  l.pressure_timeout = std::chrono::seconds(60);
  AuthLimiter limiter(l);
  int a[2], b[2], c[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, c), 0);
  limiter.startup_open(a[0], "x");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  limiter.startup_open(b[0], "y");
  // The pool is full: the oldest (a) is cut for c.
  limiter.startup_open(c[0], "z");
  char byte;
  EXPECT_EQ(::recv(a[1], &byte, 1, MSG_DONTWAIT), 0);  // EOF: shut down
  EXPECT_EQ(::recv(b[1], &byte, 1, MSG_DONTWAIT), -1);
  auto refusal = limiter.authenticated(a[0], "x");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->sqlstate, "57014");
  // Past the timeout every socket still in the pool is cut.
  EXPECT_EQ(limiter.expire(AuthLimiter::Clock::now()), 0u);
  EXPECT_EQ(limiter.expire(AuthLimiter::Clock::now() + std::chrono::seconds(61)), 2u);
  EXPECT_EQ(::recv(b[1], &byte, 1, MSG_DONTWAIT), 0);
  for (int fd : {a[0], b[0], c[0]}) limiter.end(fd);
  for (int* p : {a, b, c}) {
    ::close(p[0]);
    ::close(p[1]);
  }
}

TEST(AuthLimiterTest, CancelRequestsAreRateLimitedPerAddress) {
  AuthLimits l;
  l.cancel_per_second = 1;
  l.cancel_burst = 5;
  AuthLimiter limiter(l);
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.cancel_allowed("192.0.2.1") ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  EXPECT_EQ(limiter.cancel_throttled_total.load(), 95u);
  EXPECT_TRUE(limiter.cancel_allowed("192.0.2.2"));  // another address has its own budget
  // One /64 is one budget.
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(limiter.cancel_allowed("2001:db8::" + std::to_string(i + 1)));
  EXPECT_FALSE(limiter.cancel_allowed("2001:db8::ff"));
}

}  // namespace
}  // namespace ducklings::pgwire
