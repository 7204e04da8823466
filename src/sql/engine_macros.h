// The DuckDB macros the rewritten SQL calls (the DUCKLINGS_*_MACROS lists of result_types.h,
// rewrite_json.h, rewrite_functions.h and array_functions.h, plus a few here), created once per
// DuckDB instance instead of once per connection.
//
// They live in an in-memory database attached to each instance as kMacroCatalog: created when
// the instance opens, shared by every connection, never written to the user's database file
// (so a build with other macro bodies never meets a stale copy, and the file opens in any
// DuckDB). Sessions find them by name because their DuckDB search_path always ends with
// kMacroSchemaPath (pgwire keeps it there whatever the client sets); the catalog emulation lists
// only the system's and the user's database's functions, so pg_proc does not show them, and
// the server refuses writes to kMacroCatalog.
#pragma once
#include <string>

#include "duck/duck.h"

namespace ducklings::sql {

// The attached catalog holding the macros ("__duckgres_macros").
extern const char* const kMacroCatalog;
// Its schema as a DuckDB search_path entry ("__duckgres_macros.main").
extern const char* const kMacroSchemaPath;

// The macro lists as statements creating each macro in kMacroCatalog.main (the lists write
// CREATE OR REPLACE TEMP MACRO; the TEMP becomes the shared catalog).
const std::string& engine_macros_sql();

// Attaches kMacroCatalog to `connection`'s database and creates the macros there. Once per
// DuckDB instance, after the C-API functions the macros call are registered and before the
// instance's external access is switched off (ATTACH).
void install_engine_macros(duck::Connection& connection);

// What a session's connection runs before anything else: integer_division (PostgreSQL's
// integer '/') and a search_path ending in kMacroSchemaPath.
const std::string& session_setup_sql();

}  // namespace ducklings::sql
