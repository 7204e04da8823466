// Turns DuckDB errors into PostgreSQL errors: SQLSTATE from the error class and message,
// DuckDB's "X Error: " prefix and LINE/caret context turned into a message and a position.
#pragma once
#include <string>

#include "common/errors.h"
#include "duck/duck.h"

namespace ducklings::sql {

// `query` is the statement text DuckDB saw; `offset` its start in the client's message.
SqlError to_sql_error(const duck::DuckError& error, const std::string& query, size_t offset = 0);

}  // namespace ducklings::sql
