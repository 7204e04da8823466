// DDL that DuckDB refuses or reads otherwise, carried out with what DuckDB has (see
// docs/postgres-compatibility.md, "DDL"):
//  - identity columns become a sequence <table>_<column>_seq and a default, as serial does;
//  - stored generated columns are computed on read (DuckDB's virtual ones give the same values);
//  - CREATE TABLE … (LIKE t) copies t's columns, types and NOT NULL;
//  - CREATE TABLE AS … WITH NO DATA creates the empty table;
//  - an unnamed CREATE INDEX is named as PostgreSQL names it (<table>_<columns>_idx);
//  - a partial index: unique ones are refused (0A000: DuckDB cannot limit uniqueness to some
//    rows), other ones index every row (answers are the same);
//  - TRUNCATE … CASCADE truncates the referencing tables first; RESTART IDENTITY is refused
//    when a sequence it should reset has been used (DuckDB cannot reset one a column uses);
//  - ALTER TABLE with several actions runs one per statement; ADD CONSTRAINT … UNIQUE becomes a
//    unique index of that name, CHECK and FOREIGN KEY are refused (0A000).
#pragma once
#include <string>
#include <vector>

#include "sql/rewrite_dml.h"

namespace ducklings::sql {

// The comment that marks the sequence of a GENERATED ALWAYS identity column (an explicit value
// for the column is 428C9 without OVERRIDING SYSTEM VALUE).
inline constexpr const char* kIdentityAlwaysComment = "duckgres: identity generated always";

// For CREATE TABLE, CREATE TABLE AS, CREATE INDEX, TRUNCATE and ALTER TABLE: the DuckDB
// statements that carry `statement` out, or empty when rewrite_for_duckdb's own form will do.
// May change the statement's tree in place.
std::vector<std::string> adapt_ddl(Statement& statement, const CatalogLookup& lookup);

// "GENERATED ALWAYS AS (expr) STORED" of deparsed CREATE TABLE text without " STORED" (DuckDB
// computes generated columns on read); text inside quotes is left alone.
std::string generated_columns_virtual(const std::string& sql);

}  // namespace ducklings::sql
