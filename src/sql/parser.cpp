#include "sql/parser.h"

#include <pg_query.h>

#include <memory>

#include "common/errors.h"

namespace ducklings::sql {

std::vector<StatementText> split_statements(const std::string& sql) {
  PgQuerySplitResult r = pg_query_split_with_scanner(sql.c_str());
  std::unique_ptr<PgQuerySplitResult, void (*)(PgQuerySplitResult*)> guard(
      &r, [](PgQuerySplitResult* p) { pg_query_free_split_result(*p); });
  std::vector<StatementText> out;
  if (r.error) {
    // The scanner fails only on unterminated literals or comments; keep the text whole so
    // execution reports the syntax error.
    out.push_back({sql, 0});
    return out;
  }
  for (int i = 0; i < r.n_stmts; ++i) {
    size_t at = static_cast<size_t>(r.stmts[i]->stmt_location);
    size_t len = static_cast<size_t>(r.stmts[i]->stmt_len);
    if (len == 0) len = sql.size() - at;  // the last statement without a trailing ';'
    std::string_view text(sql.data() + at, len);
    // Skip statements that are only whitespace or comments.
    size_t first = text.find_first_not_of(" \t\r\n\f");
    if (first == std::string_view::npos) continue;
    out.push_back({std::string(text), at});
  }
  // The scanner yields nothing for input of only comments; a remaining non-blank tail is kept.
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

}  // namespace ducklings::sql
