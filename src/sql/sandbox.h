// The tenant sandbox, as the SQL gateway enforces it: no session, not even a duckling's owner,
// reaches outside its duckling — no server files (file-reading functions, replacement scans,
// COPY to or from paths), no other databases (ATTACH, cross-database names), no extensions
// (INSTALL, LOAD), no engine settings outside an allow-list, no profiling or log output, no
// EXPORT/IMPORT DATABASE. DuckDB itself runs with external access disabled (see
// warehouse::Warehouse), so what the gateway cannot see (a macro's body) still stops there;
// the gateway's checks give the clear error (42501) and cover what DuckDB would allow inside
// the duckling's own directory.
#pragma once
#include <string>
#include <vector>

#include "sql/statement.h"

namespace ducklings::sql {

struct SandboxContext {
  std::string database;                     // the session's database: the only catalog
  std::vector<std::string> readable_paths;  // directories an operator allows reading from
  // s3://<storage>/… in file readers and COPY … TO name the organization's storages (the
  // gateway fetches and uploads their objects, checking the storage's grants).
  bool storage_urls = false;
};

// Throws SqlError 42501 naming what `statement` may not do.
void check_sandbox(const Statement& statement, const SandboxContext& context);

// Whether a session may SET/RESET/SHOW the DuckDB setting `name` (not a PostgreSQL one).
bool settable_engine_setting(const std::string& name);

// Whether `path` (a file a statement names) lies inside one of `directories`, after
// resolving "." and ".." lexically; relative paths never do.
bool path_within(const std::string& path, const std::vector<std::string>& directories);

}  // namespace ducklings::sql
