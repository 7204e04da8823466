#include "sql/parser.h"

#include <google/protobuf/io/coded_stream.h>
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "sql/quoting.h"

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

// An upper bound on the parse-tree depth `sql` can make, and its deepest nesting of square
// brackets (list and array literals) and longest run of "[]" (array types). Operators chain
// into one level each (1+1+1 nests), commas, AND and OR do not (PostgreSQL flattens them).
struct LexicalDepth {
  size_t bound = 0;
  size_t brackets = 0;
  size_t array_suffixes = 0;
};

LexicalDepth lexical_depth(const std::string& sql) {
  LexicalDepth out;
  std::vector<size_t> levels(1, 0);  // operators chained at each open bracket
  size_t chained = 0;                // sum of levels
  size_t square = 0, suffix_run = 0;
  bool last_open_square = false;
  auto note = [&] {
    out.bound = std::max(out.bound, chained + levels.size());
    out.brackets = std::max(out.brackets, square);
    out.array_suffixes = std::max(out.array_suffixes, suffix_run);
  };
  auto chain = [&] {
    ++levels.back();
    ++chained;
    note();
  };
  auto reset = [&] {
    chained -= levels.back();
    levels.back() = 0;
  };
  size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    auto u = static_cast<unsigned char>(c);
    bool open_square = false;
    if (c == '\'' || c == '"') {
      // Literals and quoted names ('' and "" escape themselves; E'\'' is over-skipped
      // harmlessly: the bound only needs to stay an upper bound).
      size_t j = i + 1;
      while (j < n && !(sql[j] == c && (j + 1 >= n || sql[j + 1] != c))) j += sql[j] == c ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      size_t e = sql.find('\n', i);
      i = e == std::string::npos ? n : e;
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t e = sql.find("*/", i + 2);
      i = e == std::string::npos ? n : e + 2;
      continue;
    }
    if (c == '$' &&
        (i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
      // $tag$ … $tag$ (a parameter $1 has no closing '$').
      size_t e = sql.find('$', i + 1);
      if (e != std::string::npos) {
        std::string tag = sql.substr(i, e - i + 1);
        bool is_tag = std::all_of(tag.begin() + 1, tag.end() - 1,
                                  [](char t) {
                                    return std::isalnum(static_cast<unsigned char>(t)) || t == '_';
                                  }) &&
                      !std::isdigit(static_cast<unsigned char>(tag[1]));
        if (is_tag) {
          size_t close = sql.find(tag, e + 1);
          i = close == std::string::npos ? n : close + tag.size();
          continue;
        }
      }
    }
    if (c == '(' || c == '[') {
      levels.push_back(0);
      if (c == '[') {
        ++square;
        open_square = true;
      }
      note();
    } else if (c == ')' || c == ']') {
      if (c == ']') {
        if (square > 0) --square;
        suffix_run = last_open_square ? suffix_run + 1 : 0;
        note();
      }
      if (levels.size() > 1) {
        chained -= levels.back();
        levels.pop_back();
      }
      ++i;
      last_open_square = false;
      continue;
    } else if (c == ',' || c == ';') {
      reset();
    } else if (std::strchr("+-*/%^<>=~!@#&|?:", c) != nullptr) {
      size_t j = i;
      while (j < n && std::strchr("+-*/%^<>=~!@#&|?:", sql[j]) != nullptr) ++j;
      chain();
      i = j;
      last_open_square = false;
      continue;
    } else if (std::isalpha(u) || c == '_' || u >= 0x80) {
      size_t j = i;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_' ||
                       sql[j] == '$' || static_cast<unsigned char>(sql[j]) >= 0x80)) {
        ++j;
      }
      std::string w = sql.substr(i, std::min<size_t>(j - i, 8));
      for (char& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (j - i <= 8) {
        if (w == "and" || w == "or") {
          reset();
        } else if (w == "not" || w == "is" || w == "between" || w == "like" || w == "ilike" ||
                   w == "similar" || w == "in" || w == "case" || w == "collate" || w == "at" ||
                   w == "when" || w == "then" || w == "else" || w == "array" || w == "select") {
          chain();
        }
      }
      i = j;
      if (w != "array") suffix_run = 0;
      last_open_square = false;
      continue;
    } else if (!std::isspace(u)) {
      suffix_run = 0;
    }
    last_open_square = open_square;
    ++i;
  }
  note();
  return out;
}

// The deepest path of Nodes in a parse tree, walked with a stack of our own.
size_t tree_depth(const google::protobuf::Message& root) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::Message;
  std::vector<std::pair<const Message*, size_t>> todo = {{&root, 0}};
  size_t deepest = 0;
  std::vector<const FieldDescriptor*> fields;
  while (!todo.empty()) {
    auto [m, depth] = todo.back();
    todo.pop_back();
    if (m->GetDescriptor() == pg_query::Node::descriptor()) ++depth;
    deepest = std::max(deepest, depth);
    const auto* r = m->GetReflection();
    fields.clear();
    r->ListFields(*m, &fields);
    for (const FieldDescriptor* f : fields) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(*m, f); ++k)
          todo.emplace_back(&r->GetRepeatedMessage(*m, f, k), depth);
      } else {
        todo.emplace_back(&r->GetMessage(*m, f), depth);
      }
    }
  }
  return deepest;
}

// Above this lexical bound the text is refused unparsed: PostgreSQL's parser and its
// protobuf output recurse once or more per level on the session thread's stack.
constexpr size_t kMaxLexicalDepth = 4 * kMaxStatementDepth;

void refuse(ParseError* error, const std::string& why) {
  if (!error) return;
  error->message = "statement too complex: " + why;
  error->too_complex = true;
}

std::string deeper_than(size_t limit) {
  return "it nests deeper than " + std::to_string(limit) + " levels";
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
  LexicalDepth depth = lexical_depth(sql);
  if (depth.brackets > kMaxListDepth || depth.array_suffixes > kMaxListDepth) {
    refuse(error, "list and array literals and types nest at most " +
                      std::to_string(kMaxListDepth) + " levels");
    return std::nullopt;
  }
  if (depth.bound > kMaxLexicalDepth) {
    refuse(error, deeper_than(kMaxStatementDepth));
    return std::nullopt;
  }
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
  std::unique_ptr<PgQueryProtobufParseResult, void (*)(PgQueryProtobufParseResult*)> guard(
      &r, [](PgQueryProtobufParseResult* p) { pg_query_free_protobuf_parse_result(*p); });
  if (r.error) {
    if (depth.bound > kMaxStatementDepth) {
      // DuckDB's dialect goes to DuckDB's parser as text: the text's bound decides.
      refuse(error, deeper_than(kMaxStatementDepth));
    } else if (error) {
      error->message = r.error->message ? r.error->message : "syntax error";
      error->position = r.error->cursorpos;
    }
    return std::nullopt;
  }
  pg_query::ParseResult tree;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(r.parse_tree.data),
                                            static_cast<int>(r.parse_tree.len));
  // Protobuf's default (100 messages) would refuse the trees of ordinary analytics SQL; a
  // level of text makes at most a few messages.
  in.SetRecursionLimit(static_cast<int>(8 * kMaxLexicalDepth));
  if (!tree.ParseFromCodedStream(&in)) {
    if (error) error->message = "could not decode parse tree";
    return std::nullopt;
  }
  // Below a quarter of the limit no tree can be too deep (a level of text makes at most a few
  // Nodes); above it, the tree's own depth decides.
  if (depth.bound * 4 > kMaxStatementDepth && tree_depth(tree) > kMaxStatementDepth) {
    refuse(error, deeper_than(kMaxStatementDepth));
    return std::nullopt;
  }
  return tree;
}

bool mentions_duckdb_keyword(const std::string& sql) {
  return !duckdb_keyword_names(sql, true).empty();
}

namespace {

std::string deparse_as_is(const pg_query::ParseResult& tree) {
  std::string bytes = tree.SerializeAsString();
  PgQueryProtobuf pb{bytes.size(), bytes.data()};
  PgQueryDeparseResult r = pg_query_deparse_protobuf(pb);
  std::unique_ptr<PgQueryDeparseResult, void (*)(PgQueryDeparseResult*)> guard(
      &r, [](PgQueryDeparseResult* p) { pg_query_free_deparse_result(*p); });
  if (r.error) throw SqlError("XX000", std::string("could not deparse: ") + r.error->message);
  return r.query;
}

}  // namespace

std::string deparse(const pg_query::ParseResult& tree) {
  // libpg_query prints CREATE INDEX's name bare, whatever it holds (dbt names indexes by an
  // md5, which may start with a digit): each is printed as a placeholder, then quoted.
  std::vector<std::pair<std::string, std::string>> index_names;
  for (const auto& s : tree.stmts()) {
    if (s.stmt().has_index_stmt() && !s.stmt().index_stmt().idxname().empty()) {
      index_names.emplace_back("duckgres_index_name_" + std::to_string(index_names.size()) + "_",
                               s.stmt().index_stmt().idxname());
    }
  }
  if (index_names.empty()) return quote_duckdb_keywords(deparse_as_is(tree));
  pg_query::ParseResult named = tree;
  size_t i = 0;
  for (auto& s : *named.mutable_stmts()) {
    if (s.stmt().has_index_stmt() && !s.stmt().index_stmt().idxname().empty()) {
      s.mutable_stmt()->mutable_index_stmt()->set_idxname(index_names[i++].first);
    }
  }
  std::string out = quote_duckdb_keywords(deparse_as_is(named));
  for (const auto& [placeholder, name] : index_names) {
    size_t at = out.find(placeholder);
    if (at != std::string::npos) out.replace(at, placeholder.size(), quote_identifier(name));
  }
  return out;
}

std::string deparse_statement(const pg_query::Node& statement) {
  pg_query::ParseResult tree;
  tree.set_version(PG_VERSION_NUM);
  *tree.add_stmts()->mutable_stmt() = statement;
  return deparse(tree);
}

}  // namespace ducklings::sql
