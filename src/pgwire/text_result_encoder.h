// Binary results of columns that DuckDB computes as text but RowDescription types otherwise
// (sql/result_types: the numeric texts of PostgreSQL's division and avg, whose scale changes
// from row to row, and pg_typeof's type names): a client that asks for binary results (Npgsql
// always does) gets PostgreSQL's binary numeric or regtype OID, not text bytes. And character(n)
// columns, whose values DuckDB keeps without their trailing blanks.
#pragma once
#include <cstdint>
#include <memory>

#include "gateway/prepared_query.h"
#include "pgwire/pg_types.h"

namespace ducklings::pgwire {

// The binary encoder of a VARCHAR column presented as `type_oid`; nullptr when that type is
// not one of these.
std::unique_ptr<ColumnEncoder> make_text_result_binary_encoder(int32_t type_oid);

// A VARCHAR column presented as character(n): its values padded with blanks to n characters.
std::unique_ptr<ColumnEncoder> pad_to_length(std::unique_ptr<ColumnEncoder> inner, int32_t length);

// The encoder of result column `i` of `columns` of `query` (DuckDB type `type`) in `format`,
// as RowDescription presents it (type overrides, character(n) padding).
std::unique_ptr<ColumnEncoder> result_column_encoder(const gateway::PreparedQuery& query, size_t i,
                                                     size_t columns, duckdb_logical_type type,
                                                     Format format, const EncodeOptions& options);

}  // namespace ducklings::pgwire
