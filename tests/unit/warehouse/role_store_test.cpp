#include "warehouse/role_store.h"

#include <gtest/gtest.h>

#include "sql/catalog.h"
#include "warehouse/warehouse.h"

namespace ducklings::warehouse {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

class RoleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<duck::Database>("", std::vector<std::pair<std::string, std::string>>{});
    conn_ = db_->connect();
    register_session_functions(*conn_);  // the types and functions the catalog uses
    conn_->query(sql::catalog_install_sql());
  }
  std::unique_ptr<duck::Database> db_;
  std::unique_ptr<duck::Connection> conn_;
};

TEST_F(RoleStoreTest, RolesMembersAndGrants) {
  RoleStore store(*conn_);
  store.add_user("alice");
  store.add_user("alice");  // a second login changes nothing
  store.create_role("analysts");
  EXPECT_EQ(store.roles(), (Pairs{{"alice", "user"}, {"analysts", "role"}}));
  EXPECT_EQ(store.kind("alice"), "user");
  EXPECT_EQ(store.kind("nobody"), std::nullopt);

  store.set_member("analysts", "alice", true);
  store.set_member("analysts", "alice", true);  // idempotent
  EXPECT_EQ(store.memberships(), (Pairs{{"analysts", "alice"}}));

  store.set_grant({"analysts", "SELECT", "team_1", "*"}, true);
  store.set_grant({"alice", "USAGE", "team_1", ""}, true);
  store.set_grant({"alice", "INSERT", "main", "events"}, true);
  auto mine = store.grants({"alice"});
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].privilege, "INSERT");
  EXPECT_EQ(mine[1].schema, "team_1");
  EXPECT_EQ(store.grants().size(), 3u);
  store.set_grant({"alice", "INSERT", "main", "events"}, false);
  EXPECT_EQ(store.grants({"alice", "analysts"}).size(), 2u);

  // Dropping a role takes its grants and memberships with it.
  store.drop_role("analysts");
  EXPECT_EQ(store.kind("analysts"), std::nullopt);
  EXPECT_TRUE(store.memberships().empty());
  EXPECT_EQ(store.grants().size(), 1u);
}

TEST_F(RoleStoreTest, NamesAreParametersNotSql) {
  RoleStore store(*conn_);
  std::string odd = "x'); DELETE FROM duckgres_meta.roles; --";
  store.add_user("alice");
  store.create_role(odd);
  store.set_grant({odd, "SELECT", "s'1", "t\"1"}, true);
  EXPECT_EQ(store.kind(odd), "role");
  EXPECT_EQ(store.kind("alice"), "user");
  auto g = store.grants({odd});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].schema, "s'1");
  EXPECT_EQ(g[0].table, "t\"1");
}

}  // namespace
}  // namespace ducklings::warehouse
