#include "sql/parser.h"

#include <pg_query.h>

#include <cctype>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace ducklings::sql {

namespace {

// Words DuckDB's grammar reserves (fully, or as column/type/function names) that PostgreSQL's
// does not, so its deparser leaves them bare: a column named "at" must be quoted for DuckDB.
bool duckdb_only_keyword(std::string_view w) {
  static const char* const words[] = {
      "anti",         "asof",        "at",          "by",      "columns", "describe",
      "generated",    "glob",        "grouping_id", "lambda",  "map",     "pivot",
      "pivot_longer", "pivot_wider", "positional",  "qualify", "semi",    "show",
      "struct",       "summarize",   "try_cast",    "unpack",  "unpivot"};
  for (const char* x : words) {
    if (w == x) return true;
  }
  return false;
}

// PostgreSQL's scanner tokens of `sql`, or nothing for an unterminated literal or comment.
std::optional<pg_query::ScanResult> scan(const std::string& sql) {
  PgQueryScanResult r = pg_query_scan(sql.c_str());
  std::unique_ptr<PgQueryScanResult, void (*)(PgQueryScanResult*)> guard(
      &r, [](PgQueryScanResult* p) { pg_query_free_scan_result(*p); });
  pg_query::ScanResult tokens;
  if (r.error || !tokens.ParseFromArray(r.pbuf.data, static_cast<int>(r.pbuf.len)))
    return std::nullopt;
  return tokens;
}

// Whether any word of `sql` (letters, digits, '_', '$'), wherever it is, spells one of those
// keywords: a linear pass that spares most statements the scanner.
bool has_duckdb_keyword_word(const std::string& sql) {
  std::string word;
  for (size_t i = 0; i <= sql.size(); ++i) {
    unsigned char c = i < sql.size() ? static_cast<unsigned char>(sql[i]) : ' ';
    if (std::isalnum(c) || c == '_' || c == '$' || c >= 0x80) {
      if (word.size() <= 16) word.push_back(static_cast<char>(std::tolower(c)));
    } else if (!word.empty()) {
      if (word.size() <= 16 && duckdb_only_keyword(word)) return true;
      word.clear();
    }
  }
  return false;
}

// The tokens of `sql` (start, end) that name something DuckDB would read as a keyword:
// identifiers or PostgreSQL keywords spelling a DuckDB-only keyword (compared in lower case
// when `fold_case`), not followed by "(" — function names stay bare, since DuckDB's
// COLUMNS(…) and friends are only special unquoted.
std::vector<std::pair<size_t, size_t>> duckdb_keyword_names(const std::string& sql,
                                                            bool fold_case) {
  std::vector<std::pair<size_t, size_t>> out;
  if (!has_duckdb_keyword_word(sql)) return out;
  std::optional<pg_query::ScanResult> tokens = scan(sql);
  if (!tokens) return out;
  const auto& t = tokens->tokens();
  for (int i = 0; i < t.size(); ++i) {
    if (t[i].token() != pg_query::IDENT && t[i].keyword_kind() == pg_query::NO_KEYWORD) continue;
    if (i + 1 < t.size() && t[i + 1].token() == pg_query::ASCII_40) continue;
    auto start = static_cast<size_t>(t[i].start());
    std::string word = sql.substr(start, static_cast<size_t>(t[i].end()) - start);
    if (fold_case) {
      for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (duckdb_only_keyword(word)) out.emplace_back(start, static_cast<size_t>(t[i].end()));
  }
  return out;
}

// Quotes identifiers in deparsed SQL that DuckDB would read as keywords. The deparser prints
// keywords in upper case, so a lower-case word is a name.
std::string quote_duckdb_keywords(const std::string& sql) {
  auto names = duckdb_keyword_names(sql, false);
  if (names.empty()) return sql;
  std::string out;
  size_t copied = 0;
  for (const auto& [start, end] : names) {
    out.append(sql, copied, start - copied);
    out.append("\"").append(sql, start, end - start).append("\"");
    copied = end;
  }
  out.append(sql, copied, std::string::npos);
  return out;
}

}  // namespace

std::vector<StatementText> split_statements(const std::string& sql) {
  // Split on ';' tokens of PostgreSQL's scanner: semicolons inside literals, quoted names and
  // comments do not count, and statements the grammar rejects still split.
  std::vector<StatementText> out;
  // One statement without comments and no ';' but a final one (a big INSERT … VALUES): no
  // need to scan it.
  size_t b = sql.find_first_not_of(" \t\r\n\f"), e = sql.find_last_not_of(" \t\r\n\f");
  if (b == std::string::npos) return out;
  size_t semi = sql.find(';');
  if ((semi == std::string::npos || (semi == e && e > b)) && sql.find("--") == std::string::npos &&
      sql.find("/*") == std::string::npos) {
    if (semi == e) e = sql.find_last_not_of(" \t\r\n\f", e - 1);
    out.push_back({sql.substr(b, e - b + 1), b});
    return out;
  }
  std::optional<pg_query::ScanResult> scanned = scan(sql);
  if (!scanned) {
    // Unterminated literal or comment: keep the text whole so execution reports the error.
    if (sql.find_first_not_of(" \t\r\n\f") != std::string::npos) out.push_back({sql, 0});
    return out;
  }
  int first = -1;  // start of the current statement's first real token
  int last = -1;   // end of its last real token
  auto finish = [&]() {
    if (first >= 0) {
      out.push_back({sql.substr(static_cast<size_t>(first), static_cast<size_t>(last - first)),
                     static_cast<size_t>(first)});
    }
    first = last = -1;
  };
  for (const auto& t : scanned->tokens()) {
    if (t.token() == pg_query::ASCII_59) {
      finish();
    } else if (t.token() == pg_query::SQL_COMMENT || t.token() == pg_query::C_COMMENT) {
      if (first >= 0) last = t.end();  // a trailing comment stays with its statement
    } else {
      if (first < 0) first = t.start();
      last = t.end();
    }
  }
  finish();
  return out;
}

std::optional<pg_query::ParseResult> parse(const std::string& sql, ParseError* error) {
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
  std::unique_ptr<PgQueryProtobufParseResult, void (*)(PgQueryProtobufParseResult*)> guard(
      &r, [](PgQueryProtobufParseResult* p) { pg_query_free_protobuf_parse_result(*p); });
  if (r.error) {
    if (error) {
      error->message = r.error->message ? r.error->message : "syntax error";
      error->position = r.error->cursorpos;
    }
    return std::nullopt;
  }
  pg_query::ParseResult tree;
  if (!tree.ParseFromArray(r.parse_tree.data, static_cast<int>(r.parse_tree.len))) {
    if (error) error->message = "could not decode parse tree";
    return std::nullopt;
  }
  return tree;
}

bool mentions_duckdb_keyword(const std::string& sql) {
  return !duckdb_keyword_names(sql, true).empty();
}

std::string deparse(const pg_query::ParseResult& tree) {
  std::string bytes = tree.SerializeAsString();
  PgQueryProtobuf pb{bytes.size(), bytes.data()};
  PgQueryDeparseResult r = pg_query_deparse_protobuf(pb);
  std::unique_ptr<PgQueryDeparseResult, void (*)(PgQueryDeparseResult*)> guard(
      &r, [](PgQueryDeparseResult* p) { pg_query_free_deparse_result(*p); });
  if (r.error) throw SqlError("XX000", std::string("could not deparse: ") + r.error->message);
  return quote_duckdb_keywords(r.query);
}

std::string deparse_statement(const pg_query::Node& statement) {
  pg_query::ParseResult tree;
  tree.set_version(PG_VERSION_NUM);
  *tree.add_stmts()->mutable_stmt() = statement;
  return deparse(tree);
}

}  // namespace ducklings::sql
