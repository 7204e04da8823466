#include "duck/task_assist.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "duck/duck.h"

namespace ducklings::duck {
namespace {

// A database like a warehouse's: DuckDB starts no workers, TaskAssist lends one helper.
Database assisted_database() {
  return Database("", {{"threads", "2"}, {"external_threads", "2"}});
}

int64_t single_bigint(Connection& c, const std::string& sql) {
  Result r = c.query(sql);
  DataChunk chunk = r.fetch();
  return static_cast<int64_t*>(duckdb_vector_get_data(chunk.column(0)))[0];
}

TEST(TaskAssist, HelpsOnlyQueriesThatRunLongerThanTheDelay) {
  Database db = assisted_database();
  TaskAssist assist(db.get(), 1, std::chrono::milliseconds(200));
  auto conn = db.connect();
  {
    TaskAssist::Running running(&assist);
    EXPECT_EQ(single_bigint(*conn, "SELECT 42"), 42);
  }
  EXPECT_EQ(assist.assists(), 0u);
  {
    TaskAssist::Running running(&assist);
    // Long enough (seconds on one core) that the helper joins after 200 ms.
    EXPECT_EQ(single_bigint(*conn,
                            "SELECT count(*) FROM range(400000000) t(i) WHERE hash(i) % 7 = 0") > 0,
              true);
  }
  EXPECT_GE(assist.assists(), 1u);
}

TEST(TaskAssist, ConcurrentQueriesAndShutdownWhileBusy) {
  Database db = assisted_database();
  auto assist = std::make_unique<TaskAssist>(db.get(), 1, std::chrono::microseconds(100));
  std::vector<std::thread> sessions;
  std::vector<int64_t> sums(4, 0);
  for (int s = 0; s < 4; ++s) {
    sessions.emplace_back([&, s] {
      auto conn = db.connect();
      for (int q = 0; q < 20; ++q) {
        TaskAssist::Running running(assist.get());
        sums[s] += single_bigint(
            *conn, "SELECT sum(i) FROM range(" + std::to_string(1000 * (q + 1)) + ") t(i)");
      }
    });
  }
  for (auto& t : sessions) t.join();
  int64_t want = 0;
  for (int q = 0; q < 20; ++q) want += int64_t{1000} * (q + 1) * (1000 * (q + 1) - 1) / 2;
  for (int64_t sum : sums) EXPECT_EQ(sum, want);
  // A query that is still running when the helpers are stopped finishes on its own thread.
  std::thread late([&] {
    auto conn = db.connect();
    TaskAssist::Running running(nullptr);
    EXPECT_GT(single_bigint(*conn, "SELECT count(*) FROM range(50000000) t(i) WHERE i % 3 = 0"), 0);
  });
  assist.reset();
  late.join();
}

TEST(TaskAssist, ResizesWhileQueriesRun) {
  Database db = assisted_database();
  TaskAssist assist(db.get(), 1, std::chrono::microseconds(100));
  std::atomic<bool> done{false};
  std::thread session([&] {
    auto conn = db.connect();
    while (!done) {
      TaskAssist::Running running(&assist);
      EXPECT_EQ(single_bigint(*conn, "SELECT count(*) FROM range(2000000) t(i) WHERE i % 2 = 0"),
                1000000);
    }
  });
  for (int helpers : {3, 0, 2, 1, 4, 0, 1}) {
    assist.resize(helpers);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  done = true;
  session.join();
}

}  // namespace
}  // namespace ducklings::duck
