#include "ingest/ingester.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "common/errors.h"

namespace ducklings::ingest {
namespace {
namespace fs = std::filesystem;

// A data dir with sealed files, and a duckling that fails what the test says.
class IngesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ingester-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& org, const std::string& schema, const std::string& name) {
    fs::path d = dir_ / "ducklings" / org / "tmp" / "ingest" / schema;
    fs::create_directories(d);
    std::ofstream(d / name) << "{\"v\":2}\n";
    return (d / name).string();
  }

  // Applies: throws `bad_state` for a file whose path holds "bad", 08006 for everything while
  // the duckling is down; records what it applied.
  Ingester::SqlRunner runner() {
    return [this](const std::string& org, const std::string& sql) {
      if (down_.count(org)) throw SqlError("08006", "the duckling's worker is gone");
      if (sql == "SELECT 1") return;
      if (sql.find("bad") != std::string::npos) throw SqlError(bad_state_, "cannot read the file");
      for (const char* name : {"seg-1", "seg-2", "seg-3", "seg-4"}) {
        if (sql.find(name) != std::string::npos) applied_.push_back(org + "/" + name);
      }
    };
  }

  // Passes until nothing waits for a backoff (at most `seconds`).
  void drain(Ingester& ing, double seconds) {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      ing.apply_pending();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  fs::path dir_;
  std::string bad_state_ = "22007";
  std::set<std::string> down_;
  std::vector<std::string> applied_;
};

TEST_F(IngesterTest, QuarantinesADataErrorAndGoesOn) {
  EventLog log(dir_.string());
  Ingester ing(log, runner());
  file("acme", "team_1", "seg-0-bad.jsonl");
  file("acme", "team_1", "seg-1.jsonl");
  file("acme", "team_2", "seg-2.jsonl");
  file("beta", "team_3", "seg-3.jsonl");
  ing.apply_pending();
  // The bad file's team waits; the other team and organization do not.
  EXPECT_EQ(applied_, (std::vector<std::string>{"acme/seg-2", "beta/seg-3"}));
  drain(ing, 2.0);
  EXPECT_EQ(applied_, (std::vector<std::string>{"acme/seg-2", "beta/seg-3", "acme/seg-1"}));
  nlohmann::json q = ing.quarantined("acme", "team_1");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]["name"], "seg-0-bad.jsonl");
  EXPECT_EQ(q[0]["sqlstate"], "22007");
  EXPECT_EQ(q[0]["attempts"], Ingester::kDataErrorAttempts);
  EXPECT_EQ(q[0]["reason"], "cannot read the file");
  EXPECT_GT(q[0]["size"].get<int64_t>(), 0);
  EXPECT_TRUE(fs::exists(dir_ / "ducklings/acme/tmp/ingest/team_1/quarantine/seg-0-bad.jsonl"));
  EXPECT_EQ((ing.quarantined_total()[{"acme", "team_1"}]), 1u);
  EXPECT_EQ((ing.quarantine_files()[{"acme", "team_1"}]), 1u);
  EXPECT_TRUE(ing.quarantined("acme", "team_2").empty());

  // Put back, it is tried again; fixed, it applies.
  EXPECT_THROW(ing.requeue("acme", "team_1", "../seg-1.jsonl"), std::invalid_argument);
  EXPECT_THROW(ing.requeue("acme", "team_1", "seg-9.jsonl"), std::invalid_argument);
  ing.requeue("acme", "team_1", "seg-0-bad.jsonl");
  EXPECT_TRUE(ing.quarantined("acme", "team_1").empty());
  EXPECT_EQ((ing.quarantine_files()[{"acme", "team_1"}]), 0u);
  EXPECT_TRUE(fs::exists(dir_ / "ducklings/acme/tmp/ingest/team_1/seg-0-bad.jsonl"));
}

TEST_F(IngesterTest, ATransientFailureIsRetriedNeverQuarantined) {
  EventLog log(dir_.string());
  Ingester ing(log, runner());
  file("acme", "team_1", "seg-1.jsonl");
  file("beta", "team_3", "seg-3.jsonl");
  down_.insert("acme");
  drain(ing, 1.5);  // past the attempts a data error gets
  EXPECT_EQ(applied_, (std::vector<std::string>{"beta/seg-3"}));
  EXPECT_TRUE(ing.quarantined("acme", "team_1").empty());
  EXPECT_GT(ing.apply_errors.load(), 5u);
  down_.clear();
  ing.apply_pending();
  EXPECT_EQ(applied_, (std::vector<std::string>{"beta/seg-3", "acme/seg-1"}));
}

TEST_F(IngesterTest, ADucklingThatIsNotReadyIsNotTouched) {
  EventLog log(dir_.string());
  std::vector<std::string> touched;
  Ingester ing(log, [&](const std::string& org, const std::string&) { touched.push_back(org); });
  bool ready = false;
  ing.set_ready_check([&](const std::string& org) { return org != "acme" || ready; });
  file("acme", "team_1", "seg-1.jsonl");
  file("beta", "team_3", "seg-3.jsonl");
  ing.apply_pending();
  EXPECT_EQ(touched, (std::vector<std::string>{"beta"}));
  ready = true;
  ing.apply_pending();
  EXPECT_EQ(touched, (std::vector<std::string>{"beta", "acme"}));
}

TEST_F(IngesterTest, AnotherErrorNeedsItsWindow) {
  bad_state_ = "3F000";  // a schema a moment late: not quarantined within the window
  EventLog log(dir_.string());
  Ingester ing(log, runner());
  file("acme", "team_1", "seg-0-bad.jsonl");
  file("acme", "team_1", "seg-1.jsonl");
  drain(ing, 2.0);
  EXPECT_TRUE(ing.quarantined("acme", "team_1").empty());
  EXPECT_TRUE(applied_.empty());
}

}  // namespace
}  // namespace ducklings::ingest
