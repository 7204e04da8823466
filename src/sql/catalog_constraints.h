// The names of a table's constraints as PostgreSQL knows them. DuckDB generates its own names
// (orders_customer_id_id_fkey, t_a_b_check) and forgets the ones given in DDL (CONSTRAINT pk_x
// PRIMARY KEY …), so CREATE TABLE records every PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK
// constraint's name in duckgres_meta.constraint_names: the declared one, else PostgreSQL's
// default (<table>_pkey, <table>_<columns>_key, <table>_<columns>_fkey, <table>_<column>_check
// or <table>_check). The catalog (pg_constraint, information_schema, index names) answers them.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pg_query.pb.h"

namespace ducklings::sql {

// Statements that replace the recorded names of `create`'s table with its constraints' names
// (none for a table without constraints, or a temporary one).
// `schema` is DuckDB's schema name (main for public).
std::vector<std::string> record_constraint_names(const pg_query::CreateStmt& create, const std::string& schema);

// A CHECK constraint of `create` as pg_get_constraintdef prints it, plain and pretty
// (CHECK ((b >= (0)::numeric)), CHECK (b >= 0::numeric)): PostgreSQL's implicit casts worked out
// from the column types. Comparisons, arithmetic, AND/OR, IS [NOT] NULL, BETWEEN, IN lists and
// length/lower/upper/abs; nullopt for anything else (DuckDB's own text is shown then).
std::optional<std::pair<std::string, std::string>> check_definition(const pg_query::CreateStmt& create,
                                                                    const pg_query::Node& expr);

// Any expression over `create`'s columns as PostgreSQL deparses it, plain and pretty
// (lower((email)::text) and lower(email::text)): an index's key expression or its predicate as
// pg_get_indexdef prints them. nullopt for the shapes check_definition does not know.
std::optional<std::pair<std::string, std::string>> expression_definition(const pg_query::CreateStmt& create,
                                                                         const pg_query::Node& expr);

// The statement that forgets the names recorded for a dropped table.
std::string forget_constraint_names(const std::string& schema, const std::string& table);

}  // namespace ducklings::sql
