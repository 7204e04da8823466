// What PostgreSQL's source (postgres_source.cpp) and its change stream (postgres_cdc.cpp)
// share: the connection, errors as SourceErrors, and how a PostgreSQL type lands.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "sources/source.h"

namespace ducklings::sources::pg {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Res = std::unique_ptr<PGresult, decltype(&PQclear)>;

struct Connection {
  std::string host, database, user, password, sslmode;
  int port = 5432;
};
Connection connection_of(const nlohmann::json& connection, const std::string& password);

// A session in UTC with ISO dates (the text forms DuckDB reads); `replication`: a logical
// replication connection (replication=database). Throws SourceError.
Conn connect(const Connection& c, bool replication = false);
// Runs `sql`, wanting `want` (throws SourceError with the server's message otherwise).
Res exec(PGconn* conn, const std::string& sql, ExecStatusType want);
void check(PGresult* r, ExecStatusType want);

std::string quote_ident(const std::string& name);
std::string quote_text(const std::string& value);

// The DuckDB type a PostgreSQL type (format_type's text) lands as, and how its text is read.
SourceColumn map_column(const std::string& name, const std::string& type);
bool incremental_type(const std::string& duck_type);

}  // namespace ducklings::sources::pg
