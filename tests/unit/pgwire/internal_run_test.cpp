// The server's own SQL in process: the gateway's engine without a protocol session, answering
// as a session would (text forms, command tags, implicit transactions, SQLSTATEs).
#include "pgwire/internal_run.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/errors.h"
#include "gateway/gateway.h"

namespace ducklings::pgwire {
namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

class InternalRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("internal_run_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    warehouses_ =
        std::make_unique<warehouse::WarehouseRegistry>(dir_.string(), warehouse::ComputeLimits{1});
    warehouses_->create("acme");
    control_ = [this](const std::string& database, const std::map<std::string, std::string>& r) {
      requests_.push_back(r);
      requests_.back()["database"] = database;
      return ControlReply{};
    };
  }
  void TearDown() override {
    warehouses_.reset();
    std::filesystem::remove_all(dir_);
  }
  gateway::Result run(const std::string& sql, std::vector<gateway::Parameter> parameters = {},
                      bool system = false, const std::string& database = "acme") {
    return run_internal({config_, *warehouses_, control_, sessions_},
                        {database, "api:test", sql, std::move(parameters), system}, 1 << 30);
  }
  std::string sqlstate_of(const std::string& sql, std::vector<gateway::Parameter> parameters = {}) {
    try {
      run(sql, std::move(parameters));
    } catch (const SqlError& e) {
      return e.sqlstate();
    }
    return "no error";
  }

  std::filesystem::path dir_;
  ServerConfig config_;
  std::unique_ptr<warehouse::WarehouseRegistry> warehouses_;
  SessionRegistry sessions_;
  std::vector<std::map<std::string, std::string>> requests_;
  ControlRequestHandler control_;
};

TEST_F(InternalRunTest, TypedParametersAndPostgresTextForms) {
  auto r =
      run("SELECT $1 + 1 AS next, $2 AS name, CAST($3 AS timestamptz) AS at, NULL AS nothing, true "
          "AS yes, "
          "CAST(1.5 AS numeric(5, 2)) AS price",
          {gateway::int8(41), gateway::text("it's"), gateway::timestamptz("2024-01-02T03:04:05Z")});
  EXPECT_EQ(r.columns, (std::vector<std::string>{"next", "name", "at", "nothing", "yes", "price"}));
  EXPECT_EQ(r.rows, (Rows{{"42", "it's", "2024-01-02 03:04:05+00", std::nullopt, "t", "1.50"}}));
  EXPECT_EQ(r.tag, "SELECT 1");
  // A value is bound, never pasted: a quote in it is data.
  EXPECT_EQ(run("SELECT $1 = 'x'' OR 1=1 --' AS same", {gateway::text("x' OR 1=1 --")}).rows,
            (Rows{{"t"}}));
}

TEST_F(InternalRunTest, SeveralStatementsAreOneImplicitTransaction) {
  // The third statement fails: the table the first made is gone with it.
  EXPECT_EQ(sqlstate_of("CREATE TABLE t (a int); INSERT INTO t VALUES (1); "
                        "INSERT INTO t VALUES ('x')"),
            "22P02");
  EXPECT_EQ(sqlstate_of("SELECT * FROM t"), "42P01");
  // COMMIT ends the implicit transaction early; the rest runs in a new one.
  auto r =
      run("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2); COMMIT; "
          "INSERT INTO t VALUES (3); SELECT count(*) AS n FROM t");
  EXPECT_EQ(r.tags, (std::vector<std::string>{"CREATE TABLE", "INSERT 0 2", "COMMIT", "INSERT 0 1",
                                              "SELECT 1"}));
  EXPECT_EQ(r.rows, (Rows{{"3"}}));
  EXPECT_EQ(run("UPDATE t SET a = a + 1 WHERE a > 1").tag, "UPDATE 2");
  EXPECT_EQ(run("DELETE FROM t").tag, "DELETE 3");
  // A block left open ends with the request, rolled back.
  run("BEGIN; INSERT INTO t VALUES (9)");
  EXPECT_EQ(run("SELECT count(*) FROM t").rows, (Rows{{"0"}}));
}

// A session keeps its engine between requests: a temporary table lives on, a failed
// transaction is undone without spoiling the next request, and the audit hook outlives the
// services struct it was opened with.
TEST_F(InternalRunTest, SessionKeepsItsEngineBetweenRequests) {
  std::unique_ptr<gateway::Session> session;
  {
    InternalServices services{config_, *warehouses_, control_, sessions_};
    session = open_internal(services, {"acme", "api:test", "", {}, false}, 1 << 30);
  }
  session->run("CREATE TEMP TABLE scratch AS SELECT 1 AS a");
  EXPECT_EQ(session->run("SELECT count(*) FROM scratch").rows, (Rows{{"1"}}));
  EXPECT_THROW(session->run("BEGIN; INSERT INTO scratch VALUES (2); INSERT INTO scratch VALUES ('x'); COMMIT"),
               SqlError);
  EXPECT_EQ(session->run("SELECT count(*) FROM scratch").rows, (Rows{{"1"}}));
  session->run("CREATE ROLE analyst");
  ASSERT_FALSE(requests_.empty());
  EXPECT_EQ(requests_.back()["actor"], "api:test");
  // Another request alone does not see the session's temporary table.
  EXPECT_EQ(sqlstate_of("SELECT * FROM scratch"), "42P01");
}

TEST_F(InternalRunTest, RoleStatementsAreAuditedForTheActor) {
  auto r = run("CREATE ROLE analysts; GRANT USAGE ON SCHEMA public TO analysts");
  EXPECT_EQ(r.tags, (std::vector<std::string>{"CREATE ROLE", "GRANT"}));
  ASSERT_EQ(requests_.size(), 2u);
  EXPECT_EQ(requests_[0].at("event"), "role.create");
  EXPECT_EQ(requests_[1].at("event"), "grant");
  EXPECT_EQ(requests_[1].at("actor"), "api:test");
  EXPECT_EQ(requests_[1].at("database"), "acme");
  EXPECT_EQ(sqlstate_of("CREATE ROLE analysts"), "42710");
  EXPECT_EQ(run("SELECT grantee FROM duckgres_meta.grants").rows, (Rows{{"analysts"}}));
}

TEST_F(InternalRunTest, RefusalsKeepTheirSqlstates) {
  EXPECT_EQ(sqlstate_of("SELECT 1", {}), "no error");
  try {
    run("SELECT 1", {}, false, "nowhere");
    FAIL() << "no error for a missing database";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "3D000");
  }
  EXPECT_EQ(sqlstate_of("SELECT $1; SELECT 2", {gateway::text("a")}), "42601");
  EXPECT_EQ(sqlstate_of("SELECT * FROM read_csv('/etc/passwd')"), "42501");  // the sandbox
  EXPECT_EQ(sqlstate_of("INSERT INTO duckgres_meta.roles VALUES ('x', 'role')"), "42501");
  EXPECT_EQ(sqlstate_of("DECLARE c CURSOR FOR SELECT 1"), "0A000");
  EXPECT_EQ(sqlstate_of("SELEC 1"), "42601");
}

}  // namespace
}  // namespace ducklings::pgwire
