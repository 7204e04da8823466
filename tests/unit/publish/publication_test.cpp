#include "publish/publication.h"

#include <gtest/gtest.h>

#include "control/control_plane.h"

namespace ducklings::publish {
namespace {
using json = nlohmann::json;

std::string refusal(const json& body) {
  try {
    PublicationSpec::from_json(body);
  } catch (const control::RefusedError& e) {
    return e.what();
  }
  return "";
}

TEST(Publication, FromJson) {
  auto p = PublicationSpec::from_json({{"name", "daily"}, {"source", "Team_1.\"Daily Sessions\""},
                                       {"storage", "lake"}, {"prefix", "/golden/"}, {"schedule", "1h"},
                                       {"partition_by", "day"}, {"incremental", true}});
  EXPECT_EQ(p.source_schema, "team_1");  // unquoted names fold to lower case
  EXPECT_EQ(p.source_table, "Daily Sessions");
  EXPECT_EQ(p.prefix, "golden");
  EXPECT_EQ(p.folder(), "golden/daily/");
  EXPECT_EQ(p.schedule_seconds, 3600);
  EXPECT_EQ(PublicationSpec::from_json(p.to_json()).to_json(), p.to_json());
  auto d = PublicationSpec::from_json({{"name", "x"}, {"source", "s.t"}});
  EXPECT_EQ(d.storage, "local");
  EXPECT_EQ(d.schedule_seconds, 0);
  EXPECT_EQ(d.retain_versions, 3);
}

TEST(Publication, Refusals) {
  EXPECT_NE(refusal({{"source", "s.t"}}).find("\"name\" is required"), std::string::npos);
  EXPECT_NE(refusal({{"name", "../x"}, {"source", "s.t"}}).find("\"name\""), std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"source", "t"}}).find("<schema>.<table>"), std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"source", "s.t"}, {"schedule", "1m"}}).find("5 minutes"), std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"source", "s.t"}, {"schedule", "2d"}}).find("24 hours"), std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"source", "s.t"}, {"incremental", true}}).find("partition_by"), std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"source", "s.t"}, {"retain_versions", 1}}).find("retain_versions"), std::string::npos);
  EXPECT_NE(refusal({{"name", "x"}, {"source", "s.t"}, {"prefix", "a/../b"}}).find("prefix"), std::string::npos);
}

TEST(Publication, RefusedSources) {
  EXPECT_TRUE(refused_source("pg_catalog", "pg_class", false));
  EXPECT_TRUE(refused_source("information_schema", "tables", false));
  EXPECT_TRUE(refused_source("system", "model_runs", false));
  EXPECT_TRUE(refused_source("duckgres_meta", "query_log", false));
  EXPECT_TRUE(refused_source("team_1", "events", true));
  EXPECT_TRUE(refused_source("team_1", "persons", true));
  EXPECT_TRUE(refused_source("analytics", "__model_stage_ab12_x", false));
  EXPECT_FALSE(refused_source("analytics", "events", false));  // not a team's raw table
  EXPECT_FALSE(refused_source("team_1", "sessions", true));
  EXPECT_FALSE(refused_source("public", "orders", false));  // DuckDB's main
}

}  // namespace
}  // namespace ducklings::publish
