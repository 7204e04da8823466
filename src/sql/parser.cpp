#include "sql/parser.h"

#include <pg_query.h>

#include <memory>

#include "common/errors.h"

namespace ducklings::sql {

std::vector<StatementText> split_statements(const std::string& sql) {
  // Split on ';' tokens of PostgreSQL's scanner: semicolons inside literals, quoted names and
  // comments do not count, and statements the grammar rejects still split.
  PgQueryScanResult r = pg_query_scan(sql.c_str());
  std::unique_ptr<PgQueryScanResult, void (*)(PgQueryScanResult*)> guard(
      &r, [](PgQueryScanResult* p) { pg_query_free_scan_result(*p); });
  std::vector<StatementText> out;
  pg_query::ScanResult tokens;
  if (r.error || !tokens.ParseFromArray(r.pbuf.data, static_cast<int>(r.pbuf.len))) {
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
  for (const auto& t : tokens.tokens()) {
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

std::string deparse(const pg_query::ParseResult& tree) {
  std::string bytes = tree.SerializeAsString();
  PgQueryProtobuf pb{bytes.size(), bytes.data()};
  PgQueryDeparseResult r = pg_query_deparse_protobuf(pb);
  std::unique_ptr<PgQueryDeparseResult, void (*)(PgQueryDeparseResult*)> guard(
      &r, [](PgQueryDeparseResult* p) { pg_query_free_deparse_result(*p); });
  if (r.error) throw SqlError("XX000", std::string("could not deparse: ") + r.error->message);
  return r.query;
}

std::string deparse_statement(const pg_query::Node& statement) {
  pg_query::ParseResult tree;
  tree.set_version(PG_VERSION_NUM);
  *tree.add_stmts()->mutable_stmt() = statement;
  return deparse(tree);
}

}  // namespace ducklings::sql
