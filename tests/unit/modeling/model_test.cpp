#include "modeling/model.h"

#include <gtest/gtest.h>

#include "control/control_plane.h"

namespace ducklings::modeling {
namespace {
using json = nlohmann::json;

TEST(ModelSpec, NamesAndDefaults) {
  EXPECT_TRUE(valid_model_name("marts.sessions_v2"));
  EXPECT_TRUE(valid_model_name("$tmp"));
  EXPECT_FALSE(valid_model_name("1st"));
  EXPECT_FALSE(valid_model_name("a-b"));
  EXPECT_FALSE(valid_model_name(std::string(64, 'a')));
  auto m = ModelSpec::from_json({{"name", "s"}, {"sql", "select 1"}}, "team_1");
  EXPECT_EQ(m.materialization, "table");
  EXPECT_EQ(m.schema, "team_1");
  EXPECT_EQ(m.schedule_seconds, 0);
  // What to_json gives, from_json reads back the same.
  auto again = ModelSpec::from_json(m.to_json(), "other");
  EXPECT_EQ(again.to_json(), m.to_json());
}

TEST(ModelSpec, RefusesWithTheFieldsName) {
  auto refused = [](json body) {
    try {
      ModelSpec::from_json(body, "team_1");
    } catch (const control::RefusedError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refused({{"name", "x"}, {"sql", "select 1"}, {"schedule", "5m"}}).find("\"schedule\""), std::string::npos);
  EXPECT_NE(refused({{"name", "x"}, {"sql", "select 1"}, {"materialization", "incremental"}}).find("incremental"),
            std::string::npos);
  EXPECT_NE(refused({{"name", "x"}, {"sql", "select 1"}, {"schema", "pg_catalog"}}).find("\"schema\""), std::string::npos);
  EXPECT_NE(refused({{"name", "x"}, {"sql", "select 1"}, {"materialization", "incremental"},
                     {"incremental", {{"incremental_key", "t"}, {"lookback_seconds", 60}}}})
                .find("unique_key"),
            std::string::npos);
  EXPECT_NE(refused({{"name", "x"}, {"sql", "select 1"}, {"tests", {{{"type", "unique"}}}}}).find("column"),
            std::string::npos);
  EXPECT_EQ(refused({{"name", "x"}, {"sql", "select 1"}, {"schedule", "daily"}}), "accepted");
}

TEST(ModelSpec, DataTestsAsSql) {
  DataTest t;
  t.type = "accepted_values";
  t.column = "status";
  t.values = {"a", "b'c"};
  t.name = "accepted_values(status)";
  EXPECT_EQ(data_test_sql(t, "s.m"),
            "SELECT count(*) FROM (SELECT 1 FROM s.m WHERE \"status\" IS NOT NULL AND CAST(\"status\" AS VARCHAR) NOT "
            "IN ('a', 'b''c')) AS failing");
  DataTest rc;
  rc.type = "row_count";
  rc.name = "row_count";
  rc.min = 1;
  EXPECT_NE(data_test_assertion(rc, "s.m").find("n < 1 THEN error('data test row_count failed: ' || n || ' rows, "
                                                "expected at least 1')"),
            std::string::npos);
}

}  // namespace
}  // namespace ducklings::modeling
