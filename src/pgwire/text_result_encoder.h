// Binary results of columns that DuckDB computes as text but RowDescription types otherwise
// (sql/result_types: the numeric texts of PostgreSQL's division and avg, whose scale changes
// from row to row, and pg_typeof's type names): a client that asks for binary results (Npgsql
// always does) gets PostgreSQL's binary numeric or regtype OID, not text bytes.
#pragma once
#include <cstdint>
#include <memory>

#include "pgwire/pg_types.h"

namespace ducklings::pgwire {

// The binary encoder of a VARCHAR column presented as `type_oid`; nullptr when that type is
// not one of these.
std::unique_ptr<ColumnEncoder> make_text_result_binary_encoder(int32_t type_oid);

}  // namespace ducklings::pgwire
