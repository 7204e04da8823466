#include "sql/engine_macros.h"

#include <regex>
#include <stdexcept>

#include "sql/array_functions.h"
#include "sql/result_types.h"
#include "sql/rewrite_functions.h"
#include "sql/rewrite_json.h"

namespace ducklings::sql {

const char* const kMacroCatalog = "__duckgres_macros";
const char* const kMacroSchemaPath = "__duckgres_macros.main";

namespace {

// Each module keeps its own list of macros (written as connection-local TEMP macros).
constexpr const char* kMacroLists =
    "CREATE OR REPLACE TEMP MACRO __duckgres_div(a, b) AS "
    "CASE WHEN b = 0 THEN error('division by zero') ELSE a / b END;"
    "CREATE OR REPLACE TEMP MACRO __duckgres_mod(a, b) AS "
    "CASE WHEN b = 0 THEN error('division by zero') ELSE a % b END;"
    // Clients parse version() for "PostgreSQL <major>.<minor>"; it still names both engines.
    "CREATE OR REPLACE TEMP MACRO version() AS (SELECT 'PostgreSQL 15.0 on x86_64-pc-linux-gnu, "
    "duckgres (DuckDB ' || library_version || ')' FROM pragma_version());"
    DUCKLINGS_RESULT_TYPE_MACROS
    DUCKLINGS_JSON_MACROS
    DUCKLINGS_FUNCTION_MACROS
    DUCKLINGS_ARRAY_MACROS;

}  // namespace

const std::string& engine_macros_sql() {
  static const std::string sql = [] {
    static const std::regex temp_macro(R"(CREATE (OR REPLACE )?TEMP(ORARY)? MACRO )",
                                       std::regex::icase);
    std::string out = std::regex_replace(kMacroLists, temp_macro,
                                         std::string("CREATE $1MACRO ") + kMacroSchemaPath + ".");
    // Anything else of a list would have been connection-local: not possible any more.
    if (std::regex_search(out, std::regex(R"(CREATE (OR REPLACE )?TEMP)", std::regex::icase))) {
      throw std::logic_error("a macro list creates a TEMP object other than a macro");
    }
    return out;
  }();
  return sql;
}

void install_engine_macros(duck::Connection& connection) {
  connection.query(std::string("ATTACH ':memory:' AS ") + kMacroCatalog);
  // The sessions' settings: '/' parses as integer division (stored so in the macros), and
  // the macros' calls to each other resolve through the path as the sessions' calls will.
  connection.query(session_setup_sql());
  connection.query("BEGIN TRANSACTION;" + engine_macros_sql() + "COMMIT;");
}

const std::string& session_setup_sql() {
  static const std::string sql = std::string("SET integer_division = true; SET search_path = 'main,") +
                                 kMacroSchemaPath + "'";
  return sql;
}

}  // namespace ducklings::sql
