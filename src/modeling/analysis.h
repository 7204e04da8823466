// What a model's SQL says, read from its PostgreSQL parse tree (libpg_query): the relations it
// reads, where its columns come from, its fingerprint; and the SQL a run executes, with the
// references to other models pointed at where they landed and, for an incremental run, the
// rows it reads narrowed to those that can change. DuckDB-dialect SQL the PostgreSQL grammar
// rejects is read by DuckDB's own parser (json_serialize_sql), through `duck_parse`.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ducklings::modeling {

// A relation a query reads, as written (schema empty when unqualified).
struct RelationRef {
  std::string schema, name;
  bool operator<(const RelationRef& o) const { return std::tie(schema, name) < std::tie(o.schema, o.name); }
  bool operator==(const RelationRef& o) const { return schema == o.schema && name == o.name; }
};

// An output column and the relation columns it is computed from.
struct ColumnLineage {
  std::string name;
  std::vector<std::pair<RelationRef, std::string>> from;  // (relation, column); column "*": all
};

struct QueryAnalysis {
  bool postgres = false;  // PostgreSQL's grammar read it (else DuckDB's)
  std::vector<RelationRef> reads;
  std::vector<ColumnLineage> columns;  // empty when the parse tree does not tell
  std::string fingerprint_basis;       // the normalized tree (or text) the fingerprint hashes
};

// DuckDB's parse of a statement as json_serialize_sql gives it (throws on a syntax error).
using DuckParse = std::function<nlohmann::json(const std::string& sql)>;

// Reads one SELECT (WITH, VALUES, TABLE); throws std::invalid_argument with the parser's
// message when it is not one, or not SQL at all.
QueryAnalysis analyze_query(const std::string& sql, const std::string& dialect, const DuckParse& duck_parse);

// sha256 of the normalized tree and the settings that change what a build holds; a whitespace
// or comment edit keeps it.
std::string fingerprint(const QueryAnalysis& analysis, const std::string& materialization,
                        const std::string& incremental_key, std::vector<std::string> unique_key);

// The SQL a run executes: each relation `resolve` maps (a model's name as written) replaced by
// the relation it gives, and — for an incremental run of a PostgreSQL-dialect model —
// `narrow` (when set) added to the WHERE clause of its only base relation. SQL the PostgreSQL
// grammar rejects is returned as written.
struct Narrowing {
  std::string column;   // a column of the single relation the query reads
  std::string literal;  // rows with column >= literal are read
};
std::string executable_sql(const std::string& sql,
                           const std::function<std::optional<RelationRef>(const RelationRef&)>& resolve,
                           const std::optional<Narrowing>& narrow = std::nullopt);

// When an incremental model groups one relation's rows by its unique key and its incremental
// key is max(c) of a column c of that relation, the rows a changed group has all satisfy
// c >= min(c) of the group: with a column m = min(c) in the model too, a run can read only the
// rows from the smallest m of the groups touched since the watermark. What it needs:
struct GroupedIncrement {
  RelationRef relation;            // the relation it reads
  std::string alias;               // what the query calls it
  std::string column;              // c
  std::string min_output;          // the output column min(c)
  std::vector<std::string> key_expressions;  // the unique key's expressions over the relation (SQL)
  std::string where;               // the query's own WHERE (SQL), or empty
};
std::optional<GroupedIncrement> grouped_increment(const std::string& sql, const std::string& incremental_key,
                                                  const std::vector<std::string>& unique_key);

}  // namespace ducklings::modeling
