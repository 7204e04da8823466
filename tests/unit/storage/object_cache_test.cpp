// The local copies SQL reads storage objects through: downloaded once while the ETag holds,
// again when the object changed, the least recently used dropped past the size unless a
// running statement's lease pins them; globs as DuckDB reads them.
#include "storage/object_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ducklings::storage {
namespace {
namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ObjectCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("object_cache_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    // A local storage stands for the bucket: downloads copy its files.
    bucket_ = open_local((dir_ / "bucket").string());
  }
  void TearDown() override { fs::remove_all(dir_); }
  ObjectInfo put(const std::string& key, const std::string& data) {
    bucket_->put(key, data);
    return bucket_->head(key);
  }
  fs::path dir_;
  std::unique_ptr<Storage> bucket_;
};

TEST_F(ObjectCacheTest, DownloadsOnceWhileTheEtagHolds) {
  ObjectCache cache((dir_ / "cache").string(), 1 << 20);
  ObjectInfo a = put("ds/a.parquet", "first");
  uint64_t lease = cache.open_lease();
  auto paths = cache.fetch(*bucket_, "lake", {a}, lease);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0], (dir_ / "cache" / "lake" / "ds" / "a.parquet").string());
  EXPECT_EQ(read_all(paths[0]), "first");
  cache.fetch(*bucket_, "lake", {a}, lease);
  EXPECT_EQ(cache.downloads(), 1u);
  // Changed (its ETag with it): read again, in place.
  sleep(1);  // the local storage's ETag is its size and mtime
  ObjectInfo changed = put("ds/a.parquet", "second!");
  ASSERT_NE(changed.etag, a.etag);
  paths = cache.fetch(*bucket_, "lake", {changed}, lease);
  EXPECT_EQ(read_all(paths[0]), "second!");
  EXPECT_EQ(cache.downloads(), 2u);
  // A copy removed behind its back is fetched again.
  fs::remove(paths[0]);
  cache.fetch(*bucket_, "lake", {changed}, lease);
  EXPECT_EQ(cache.downloads(), 3u);
  cache.close_lease(lease);
}

TEST_F(ObjectCacheTest, EvictsTheLeastRecentlyUsedButNotThePinned) {
  ObjectCache cache((dir_ / "cache").string(), 250);
  std::string hundred(100, 'x');
  ObjectInfo a = put("a", hundred), b = put("b", hundred), c = put("c", hundred);
  uint64_t one = cache.open_lease();
  std::string pa = cache.fetch(*bucket_, "s", {a}, one)[0];
  std::string pb = cache.fetch(*bucket_, "s", {b}, one)[0];
  cache.close_lease(one);
  uint64_t two = cache.open_lease();
  cache.fetch(*bucket_, "s", {a}, two);  // a used last: b is the least recent
  std::string pc = cache.fetch(*bucket_, "s", {c}, two)[0];
  EXPECT_TRUE(fs::exists(pa));
  EXPECT_FALSE(fs::exists(pb));
  EXPECT_TRUE(fs::exists(pc));
  EXPECT_LE(cache.bytes(), 250u);
  // Everything pinned: over the size until the statement ends, then back under it.
  std::string pb2 = cache.fetch(*bucket_, "s", {b}, two)[0];
  EXPECT_TRUE(fs::exists(pa) && fs::exists(pb2) && fs::exists(pc));
  EXPECT_EQ(cache.bytes(), 300u);
  cache.close_lease(two);
  EXPECT_LE(cache.bytes(), 250u);
}

TEST_F(ObjectCacheTest, ExpiredLeasesStopPinning) {
  ObjectCache cache((dir_ / "cache").string(), 150, std::chrono::seconds(0));
  ObjectInfo a = put("a", std::string(100, 'a')), b = put("b", std::string(100, 'b'));
  uint64_t lost = cache.open_lease();  // its statement never ends (its worker died)
  std::string pa = cache.fetch(*bucket_, "s", {a}, lost)[0];
  uint64_t next = cache.open_lease();  // expires `lost`
  cache.fetch(*bucket_, "s", {b}, next);
  EXPECT_FALSE(fs::exists(pa));
}

TEST_F(ObjectCacheTest, FetchesManyInParallelInTheirOrder) {
  ObjectCache cache((dir_ / "cache").string(), 1 << 20);
  std::vector<ObjectInfo> objects;
  for (int i = 0; i < 40; ++i) objects.push_back(put("p/" + std::to_string(i), std::to_string(i)));
  uint64_t lease = cache.open_lease();
  auto paths = cache.fetch(*bucket_, "s", objects, lease, 8);
  ASSERT_EQ(paths.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(read_all(paths[i]), std::to_string(i));
  // A missing object fails the fetch with its error.
  ObjectInfo ghost{"p/ghost", 1, "x", ""};
  EXPECT_THROW(cache.fetch(*bucket_, "s", {objects[0], ghost}, lease), StorageError);
}

TEST_F(ObjectCacheTest, MatchesGlobsAsDuckDbDoes) {
  EXPECT_TRUE(key_matches("ds/*.parquet", "ds/a.parquet"));
  EXPECT_FALSE(key_matches("ds/*.parquet", "ds/x/a.parquet"));  // * stays in its segment
  EXPECT_TRUE(key_matches("ds/**/*.parquet", "ds/a.parquet"));
  EXPECT_TRUE(key_matches("ds/**/*.parquet", "ds/y=1/m=2/a.parquet"));
  EXPECT_TRUE(key_matches("ds/part-?.csv", "ds/part-7.csv"));
  EXPECT_TRUE(key_matches("ds/part-[0-3].csv", "ds/part-2.csv"));
  EXPECT_FALSE(key_matches("ds/part-[0-3].csv", "ds/part-5.csv"));
  EXPECT_FALSE(has_glob("ds/a.parquet"));
  for (const char* k : {"ds/a.parquet", "ds/b.parquet", "ds/x/c.parquet", "other/d.parquet"})
    put(k, "x");
  auto found = match_objects(*bucket_, "ds/*.parquet");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].key, "ds/a.parquet");
  EXPECT_EQ(match_objects(*bucket_, "ds/**/*.parquet").size(), 3u);
  EXPECT_EQ(match_objects(*bucket_, "ds/x/c.parquet").size(), 1u);
  try {
    match_objects(*bucket_, "ds/*.csv");
    ADD_FAILURE();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kNotFound);
  }
}

}  // namespace
}  // namespace ducklings::storage
