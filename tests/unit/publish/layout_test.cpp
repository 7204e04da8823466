#include "publish/layout.h"

#include <gtest/gtest.h>

namespace ducklings::publish {
namespace {

std::chrono::system_clock::time_point at(int64_t epoch) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(epoch));
}

TEST(PublishLayout, VersionsAreUtcSecondsThatOnlyGrow) {
  // 2026-12-07 22:30:05 UTC
  EXPECT_EQ(version_at(at(1796682605), ""), "20261207223005");
  EXPECT_EQ(version_at(at(1796682605), "20261207223004"), "20261207223005");
  // A second run in the same second, or after the clock stepped back, takes the next second.
  EXPECT_EQ(version_at(at(1796682605), "20261207223005"), "20261207223006");
  EXPECT_EQ(version_at(at(1796682605), "20261231235959"), "20270101000000");
  EXPECT_TRUE(is_version("20261207223005"));
  EXPECT_FALSE(is_version("latest"));
  EXPECT_FALSE(is_version("2026120722300"));
  EXPECT_FALSE(is_version("2026120722300x"));
}

TEST(PublishLayout, SnippetsReadTheVersionWhereItLies) {
  Location s3;
  s3.kind = "s3";
  s3.endpoint = "http://127.0.0.1:4569";
  s3.bucket = "ducks";
  s3.key_prefix = "golden/sessions/";
  SnippetInput in{"sessions", s3, "20261207223005", false,
                  {{"id", "BIGINT"}, {"at", "TIMESTAMP WITH TIME ZONE"}, {"tags", "VARCHAR[]"},
                   {"info", "STRUCT(plan VARCHAR, \"n m\" INTEGER)"}, {"amount", "DECIMAL(12,2)"}}};
  auto s = reading_snippets(in);
  EXPECT_EQ(s["clickhouse_sql"],
            "SELECT * FROM s3('http://127.0.0.1:4569/ducks/golden/sessions/20261207223005/*.parquet', 'Parquet')");
  EXPECT_EQ(s["clickhouse_create_sql"],
            "CREATE TABLE sessions ENGINE = S3('http://127.0.0.1:4569/ducks/golden/sessions/20261207223005/*.parquet', "
            "'Parquet')");
  EXPECT_EQ(s["duckdb_sql"], "SELECT * FROM read_parquet('s3://ducks/golden/sessions/20261207223005/*.parquet')");
  EXPECT_EQ(s["spark"], "df = spark.read.parquet(\"s3a://ducks/golden/sessions/20261207223005/\")");
  std::string trino = s["trino_sql"];
  EXPECT_NE(trino.find("\"at\" timestamp(6) with time zone"), std::string::npos) << trino;
  EXPECT_NE(trino.find("\"tags\" array(varchar)"), std::string::npos) << trino;
  EXPECT_NE(trino.find("\"info\" row(\"plan\" varchar, \"n m\" integer)"), std::string::npos) << trino;
  EXPECT_NE(trino.find("\"amount\" decimal(12,2)"), std::string::npos) << trino;
  EXPECT_NE(trino.find("external_location = 's3://ducks/golden/sessions/20261207223005/'"), std::string::npos);

  // Virtual-hosted buckets, partitions, and a local folder (ClickHouse's file(), a view).
  s3.virtual_hosted = true;
  s3.endpoint = "https://s3.eu-west-1.amazonaws.com";
  EXPECT_EQ(s3.http_url("v/x.parquet"), "https://ducks.s3.eu-west-1.amazonaws.com/golden/sessions/v/x.parquet");
  Location local;
  local.kind = "local";
  local.directory = "/data/ducklings/acme/storages/local/sessions/";
  SnippetInput part{"sessions", local, "20261207223005", true, {}};
  auto l = reading_snippets(part);
  EXPECT_EQ(l["clickhouse_sql"],
            "SELECT * FROM file('/data/ducklings/acme/storages/local/sessions/20261207223005/*/*.parquet', 'Parquet')");
  EXPECT_EQ(l["duckdb_sql"],
            "SELECT * FROM read_parquet('/data/ducklings/acme/storages/local/sessions/20261207223005/*/*.parquet', "
            "hive_partitioning = false)");
  EXPECT_EQ(std::string(l["clickhouse_create_sql"]).rfind("CREATE VIEW sessions AS SELECT * FROM file(", 0), 0u);
}

}  // namespace
}  // namespace ducklings::publish
