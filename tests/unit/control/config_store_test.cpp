#include "control/config_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "control/migrations.h"

namespace ducklings::control {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("duckgres-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = ConfigStore::open("", dir_.string());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ConfigStore> store_;
};

TEST_F(SqliteStoreTest, MigrationsApplyOnceAndRecordChecksums) {
  EXPECT_EQ(migrate(*store_), static_cast<int>(migrations().size()));
  EXPECT_EQ(migrate(*store_), 0);
  auto rows = store_->query("SELECT version, checksum FROM schema_migrations ORDER BY version");
  ASSERT_EQ(rows.size(), migrations().size());
  EXPECT_EQ(*rows[0][1], migration_checksum(migrations()[0]));
  EXPECT_EQ(migration_checksum(migrations()[0]).size(), 64u);
}

TEST_F(SqliteStoreTest, AChangedMigrationIsRefused) {
  migrate(*store_);
  store_->execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1");
  EXPECT_THROW(migrate(*store_), StoreError);
}

TEST_F(SqliteStoreTest, ANewerSchemaIsRefused) {
  migrate(*store_);
  store_->execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x', 'now')");
  EXPECT_THROW(migrate(*store_), StoreError);
}

TEST_F(SqliteStoreTest, TransactionsCommitOrRollBackWhole) {
  migrate(*store_);
  store_->transaction([&] {
    store_->execute("INSERT INTO api_tokens VALUES ('a', 'one', 'now')");
    store_->transaction(
        [&] { store_->execute("INSERT INTO api_tokens VALUES ('b', 'two', 'now')"); });
  });
  EXPECT_THROW(store_->transaction([&] {
    store_->execute("INSERT INTO api_tokens VALUES ('c', 'three', 'now')");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(*single_value(store_->query("SELECT count(*) FROM api_tokens")), "2");
}

TEST_F(SqliteStoreTest, UniqueViolationsAreFlaggedAndValuesRoundTrip) {
  migrate(*store_);
  store_->execute("INSERT INTO api_tokens VALUES (?, ?, ?)", {"h", "it's \"quoted\" ☃", "now"});
  try {
    store_->execute("INSERT INTO api_tokens VALUES (?, ?, ?)", {"h", "again", "now"});
    FAIL() << "duplicate key accepted";
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.unique_violation());
  }
  EXPECT_EQ(*single_value(store_->query("SELECT name FROM api_tokens WHERE token_hash = ?", {"h"})),
            "it's \"quoted\" ☃");
  EXPECT_EQ(store_->execute("DELETE FROM api_tokens WHERE token_hash = ?", {"h"}), 1);
  EXPECT_FALSE(
      single_value(store_->query("SELECT name FROM api_tokens WHERE token_hash = ?", {"h"})));
  EXPECT_EQ(store_->query("SELECT ?", {std::nullopt})[0][0], std::nullopt);
}

TEST(ConfigStoreOpen, RejectsUnknownSpecs) {
  EXPECT_THROW(ConfigStore::open("mysql://x", "/tmp"), StoreError);
}

}  // namespace
}  // namespace ducklings::control
