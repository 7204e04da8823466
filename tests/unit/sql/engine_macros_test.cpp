#include "sql/engine_macros.h"

#include <gtest/gtest.h>

#include "duck/duck.h"

namespace ducklings::sql {
namespace {

TEST(EngineMacros, EveryListEntryGoesToTheSharedCatalog) {
  const std::string& sql = engine_macros_sql();
  EXPECT_EQ(sql.find("TEMP MACRO"), std::string::npos);
  EXPECT_NE(sql.find("CREATE OR REPLACE MACRO __duckgres_macros.main.version()"), std::string::npos);
  EXPECT_NE(sql.find("CREATE OR REPLACE MACRO __duckgres_macros.main.__pgj_to_json(x)"),
            std::string::npos);
}

TEST(EngineMacros, OneInstanceServesEveryConnection) {
  duck::Database db(":memory:", {});
  {
    auto setup = db.connect();
    setup->query(std::string("ATTACH ':memory:' AS ") + kMacroCatalog);
    setup->query(session_setup_sql());
    // Only macros that call no C-API function of the server (those need the warehouse).
    setup->query(std::string("CREATE MACRO ") + kMacroSchemaPath + ".__t_one() AS 7 / 2;" +
                 "CREATE MACRO " + kMacroSchemaPath + ".__t_two() AS __t_one() + 1;");
  }
  auto session = db.connect();
  session->query(session_setup_sql());
  duck::Result r = session->query("SELECT __t_two()");
  duck::DataChunk c = r.fetch();
  ASSERT_TRUE(c);
  // Created under integer_division: 7 / 2 is 3 whatever the caller's setting.
  EXPECT_EQ(static_cast<int32_t*>(duckdb_vector_get_data(c.column(0)))[0], 4);
}

}  // namespace
}  // namespace ducklings::sql
