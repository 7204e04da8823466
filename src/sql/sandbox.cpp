#include "sql/sandbox.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/errors.h"
#include "sql/storage_urls.h"
#include "sql/tree_walk.h"

namespace ducklings::sql {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void deny(const std::string& what, const std::string& hint = "") {
  throw SqlError("42501", "permission denied: " + what, 0, "",
                 hint.empty() ? "A duckling reaches only its own data: load files with COPY … FROM "
                                "STDIN (psql's \\copy) or the ingestion API."
                              : hint);
}

constexpr const char* kServerHint =
    "SHOW threads, SHOW memory_limit and SHOW max_temp_directory_size give the duckling's size.";

// Table functions that open files by name (DuckDB's readers and file inspectors).
const std::set<std::string>& file_functions() {
  static const std::set<std::string> names = {"read_csv",
                                              "read_csv_auto",
                                              "sniff_csv",
                                              "read_parquet",
                                              "parquet_scan",
                                              "parquet_metadata",
                                              "parquet_schema",
                                              "parquet_file_metadata",
                                              "parquet_kv_metadata",
                                              "parquet_bloom_probe",
                                              "read_json",
                                              "read_json_auto",
                                              "read_json_objects",
                                              "read_json_objects_auto",
                                              "read_ndjson",
                                              "read_ndjson_auto",
                                              "read_ndjson_objects",
                                              "read_text",
                                              "read_blob",
                                              "glob",
                                              "read_xlsx",
                                              "read_duckdb",
                                              "iceberg_scan",
                                              "delta_scan",
                                              "read_csv_objects",
                                              "load_extension",
                                              "duckgres_read_events"};
  return names;
}

// Functions that show the server rather than the duckling (paths, extensions, secrets, logs).
const std::set<std::string>& server_functions() {
  static const std::set<std::string> names = {"duckdb_settings",
                                              "duckdb_databases",
                                              "duckdb_extensions",
                                              "duckdb_secrets",
                                              "duckdb_temporary_files",
                                              "which_secret",
                                              "duckdb_logs",
                                              "duckdb_log_contexts",
                                              "pragma_database_list",
                                              "duckdb_secret_types",
                                              "pragma_user_agent",
                                              "pragma_platform",
                                              "duckdb_external_file_cache",
                                              "query",
                                              "json_execute_serialized_sql",
                                              "enable_logging",
                                              "disable_logging",
                                              "truncate_duckdb_logs"};
  return names;
}

// Statement keywords of DuckDB's dialect that reach outside a duckling.
const std::set<std::string>& denied_keywords() {
  static const std::set<std::string> words = {"ATTACH", "DETACH", "INSTALL", "LOAD",
                                              "FORCE",  "PRAGMA", "EXPORT",  "IMPORT",
                                              "CALL",   "USE",    "COPY",    "RESET"};
  return words;
}

bool looks_like_path(const std::string& name) {
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
      name.find("://") != std::string::npos || name.rfind("~", 0) == 0) {
    return true;
  }
  static const char* extensions[] = {".csv",    ".tsv",   ".parquet", ".json", ".jsonl", ".ndjson",
                                     ".txt",    ".gz",    ".zst",     ".xlsx", ".db",    ".duckdb",
                                     ".sqlite", ".arrow", ".tbl",     ".log"};
  std::string l = lower(name);
  for (const char* e : extensions) {
    size_t n = std::char_traits<char>::length(e);
    if (l.size() > n && l.compare(l.size() - n, n, e) == 0) return true;
  }
  return false;
}

// The string constants a function's arguments name (a path, or a list of paths).
bool constant_paths(const pg_query::Node& arg, std::vector<std::string>& out) {
  if (arg.has_a_const() && arg.a_const().has_sval()) {
    out.push_back(arg.a_const().sval().sval());
    return true;
  }
  if (arg.has_a_array_expr()) {
    for (const auto& e : arg.a_array_expr().elements()) {
      if (!constant_paths(e, out)) return false;
    }
    return true;
  }
  return false;
}

void check_function(const pg_query::FuncCall& call, const SandboxContext& context) {
  const auto& names = call.funcname();
  if (names.empty() || !names[names.size() - 1].has_string()) return;
  std::string name = lower(names[names.size() - 1].string().sval());
  if (name == "query" || name == "json_execute_serialized_sql") {
    // Their SQL is data: no check of the gateway's would see what it reads.
    deny("function " + name + "() runs SQL given as data, which the gateway cannot check",
         "Send the statement itself; query_table('schema.table') names a table.");
  }
  if (server_functions().count(name))
    deny("function " + name + "() shows the server, not the duckling", kServerHint);
  if (!file_functions().count(name)) return;
  // Readers may open files under the directories an operator allows, and the
  // organization's storages, named by constants.
  std::vector<std::string> paths;
  bool storage = context.storage_urls && reads_storage_urls(name);
  if ((!context.readable_paths.empty() || storage) && call.args_size() > 0 &&
      constant_paths(call.args(0), paths) && !paths.empty() &&
      std::all_of(paths.begin(), paths.end(), [&](const std::string& p) {
        return (storage && is_storage_url(p)) || path_within(p, context.readable_paths);
      })) {
    return;
  }
  deny("function " + name + "() reads files of the server");
}

void check_range_var(const pg_query::RangeVar& rv, const SandboxContext& context) {
  const std::string& catalog = rv.catalogname();
  if (!catalog.empty() && catalog != context.database && catalog != "system" && catalog != "temp") {
    deny("cross-database reference to \"" + catalog + "\"",
         "A session reaches only its own database, \"" + context.database + "\".");
  }
  // DuckDB's views of the same functions (SELECT path FROM duckdb_databases).
  if ((rv.schemaname().empty() || rv.schemaname() == "main") &&
      (catalog.empty() || catalog == "system") && server_functions().count(lower(rv.relname()))) {
    deny(rv.relname() + " shows the server, not the duckling", kServerHint);
  }
  if (rv.schemaname().empty() && looks_like_path(rv.relname())) {
    deny("\"" + rv.relname() + "\" names a file: reading files of the server is not allowed");
  }
}

// Whether the text could name a file, another database or a refused function at all: most
// statements cannot, and skip the walk of their parse tree.
bool worth_walking(const std::string& text) {
  // One pass over the text: path characters, a second dot, and whole words that name a
  // refused function or follow a dot as a file extension ("events.csv").
  size_t dots = 0;
  std::string word;
  bool word_after_dot = false, prev_dot = false;
  auto refused = [&] {
    if (word.empty()) return false;
    bool hit = file_functions().count(word) > 0 || server_functions().count(word) > 0 ||
               (word_after_dot && looks_like_path("x." + word));
    word.clear();
    return hit;
  };
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_' || c == '$') {
      if (word.empty()) word_after_dot = prev_dot;
      word.push_back(static_cast<char>(std::tolower(u)));
      prev_dot = false;
      continue;
    }
    if (refused()) return true;
    if (c == '/' || c == '\\' || c == '~') return true;
    if (c == '.' && ++dots >= 2) return true;  // catalog.schema.table
    prev_dot = c == '.';
  }
  return refused();
}

void check_tree(const Statement& s, const SandboxContext& context) {
  const pg_query::Node* root = root_node(s);
  if (root) {
    using N = pg_query::Node;
    switch (root->node_case()) {
      case N::kLoadStmt:
        deny("LOAD: extensions come built in");
      case N::kCallStmt:
        deny("CALL");
      case N::kCreateExtensionStmt:
      case N::kAlterExtensionStmt:
      case N::kAlterExtensionContentsStmt:
        deny("extensions come built in");
      case N::kAlterSystemStmt:
        deny("ALTER SYSTEM: engine settings come from the duckling's size");
      case N::kCreatedbStmt:
      case N::kDropdbStmt:
      case N::kAlterDatabaseStmt:
      case N::kAlterDatabaseSetStmt:
        deny("databases are made through the control plane");
      case N::kCreateTableSpaceStmt:
      case N::kCreateFdwStmt:
      case N::kCreateForeignServerStmt:
      case N::kCreateForeignTableStmt:
      case N::kCreateUserMappingStmt:
      case N::kImportForeignSchemaStmt:
        deny(s.tag.empty() ? "this statement" : s.tag);
      case N::kCopyStmt:
        if (context.storage_urls && !root->copy_stmt().is_program() &&
            !root->copy_stmt().is_from() && is_storage_url(root->copy_stmt().filename())) {
          break;  // COPY … TO 's3://<storage>/…': uploaded by the gateway
        }
        if (!root->copy_stmt().filename().empty() || root->copy_stmt().is_program()) {
          throw SqlError("42501",
                         "permission denied: COPY to or from a file or program is not allowed; "
                         "use COPY … FROM STDIN or TO STDOUT (psql's \\copy)");
        }
        break;
      default:
        break;
    }
  }
  // Every relation and function anywhere in the statement (CTEs, subqueries, views' queries).
  if (!worth_walking(s.text)) return;
  // The walk only reads: no copy of the tree (a 1000-row INSERT is a large one).
  auto& tree = const_cast<pg_query::ParseResult&>(*s.tree);
  walk_messages(tree, [&](google::protobuf::Message& m) {
    const auto* d = m.GetDescriptor();
    if (d == pg_query::RangeVar::descriptor()) {
      check_range_var(static_cast<const pg_query::RangeVar&>(m), context);
    } else if (d == pg_query::FuncCall::descriptor()) {
      check_function(static_cast<const pg_query::FuncCall&>(m), context);
    }
  });
  if (root && root->has_drop_stmt()) {
    // DROP names objects as lists: catalog.schema.name has three.
    for (const auto& object : root->drop_stmt().objects()) {
      if (!object.has_list() || object.list().items_size() != 3) continue;
      const auto& first = object.list().items(0);
      if (first.has_string()) {
        pg_query::RangeVar rv;
        rv.set_catalogname(first.string().sval());
        rv.set_relname("x");
        check_range_var(rv, context);
      }
    }
  }
}

// DuckDB-dialect text the PostgreSQL grammar rejects: words and literals, outside comments.
struct Token {
  enum Kind { kWord, kString, kQuoted, kPunct } kind;
  std::string text;
};

std::vector<Token> tokenize(const std::string& sql) {
  std::vector<Token> out;
  size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      size_t e = sql.find('\n', i);
      i = e == std::string::npos ? n : e;
    } else if (sql.compare(i, 2, "/*") == 0) {
      size_t e = sql.find("*/", i + 2);
      i = e == std::string::npos ? n : e + 2;
    } else if (c == '\'' || c == '"') {
      std::string text;
      size_t j = i + 1;
      while (j < n) {
        if (sql[j] == c) {
          if (j + 1 < n && sql[j + 1] == c) {
            text.push_back(c);
            j += 2;
            continue;
          }
          break;
        }
        text.push_back(sql[j++]);
      }
      out.push_back({c == '\'' ? Token::kString : Token::kQuoted, text});
      i = j + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               static_cast<unsigned char>(c) >= 0x80) {
      size_t j = i;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_' ||
                       sql[j] == '$' || static_cast<unsigned char>(sql[j]) >= 0x80)) {
        ++j;
      }
      out.push_back({Token::kWord, lower(sql.substr(i, j - i))});
      i = j;
    } else {
      out.push_back({Token::kPunct, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

void check_text(const Statement& s, const SandboxContext& context) {
  std::string keyword = first_keyword(s.text);
  std::vector<Token> tokens = tokenize(s.text);
  if (keyword == "SET") {
    // SET VARIABLE name = … is the one DuckDB-only SET a session may run; the server's own
    // variables (duckgres_*) say who the session is.
    if (tokens.size() >= 3 && tokens[1].kind == Token::kWord && tokens[1].text == "variable" &&
        tokens[2].kind != Token::kPunct) {
      if (lower(tokens[2].text).rfind("duckgres_", 0) == 0) {
        deny("variable " + tokens[2].text + " belongs to the server");
      }
    } else {
      deny("SET of engine settings: threads and memory come from the duckling's size");
    }
  }
  if (denied_keywords().count(keyword)) deny(keyword + " is not allowed in a duckling");
  if (keyword == "CREATE" || keyword == "DROP" || keyword == "UPDATE") {
    for (size_t i = 1; i < tokens.size() && i < 4; ++i) {
      if (tokens[i].kind == Token::kWord &&
          (tokens[i].text == "secret" || tokens[i].text == "extensions")) {
        deny(keyword + " " + tokens[i].text + " is not allowed in a duckling");
      }
    }
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    bool call =
        i + 1 < tokens.size() && tokens[i + 1].kind == Token::kPunct && tokens[i + 1].text == "(";
    if (t.kind == Token::kWord && call) {
      if (server_functions().count(t.text)) {
        deny("function " + t.text + "() shows the server, not the duckling", kServerHint);
      }
      if (file_functions().count(t.text)) {
        // Allowed only on constant paths under the operator's directories: a string, or a
        // list of strings (['a.csv', 'b.csv']).
        auto is_punct = [&](size_t k, const char* p) {
          return k < tokens.size() && tokens[k].kind == Token::kPunct && tokens[k].text == p;
        };
        auto allowed = [&](size_t k) {
          return k < tokens.size() && tokens[k].kind == Token::kString &&
                 path_within(tokens[k].text, context.readable_paths);
        };
        size_t k = i + 2;
        bool ok = false;
        if (!context.readable_paths.empty()) {
          if (allowed(k)) {
            ok = true;
            ++k;
          } else if (is_punct(k, "[")) {
            ok = allowed(++k);
            while (ok && is_punct(k + 1, ",")) {
              k += 2;
              ok = allowed(k);
            }
            ok = ok && is_punct(++k, "]");
            ++k;
          }
        }
        if (!ok || !(is_punct(k, ")") || is_punct(k, ",")))
          deny("function " + t.text + "() reads files of the server");
      }
    }
    // FROM 'file.csv' / JOIN "dir/file.parquet": DuckDB's replacement scans open files.
    if ((t.kind == Token::kString || (t.kind == Token::kQuoted && looks_like_path(t.text))) &&
        i > 0 && tokens[i - 1].kind == Token::kWord &&
        (tokens[i - 1].text == "from" || tokens[i - 1].text == "join")) {
      deny("'" + t.text + "' names a file: reading files of the server is not allowed");
    }
  }
}

}  // namespace

void check_sandbox(const Statement& statement, const SandboxContext& context) {
  // The instance's shared macros (sql/engine_macros): one session dropping or replacing one
  // would change every session's answers. Calls reach them unqualified, never by this name.
  static const std::string_view macros = "__duckgres_macros";
  auto nocase = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == static_cast<unsigned char>(b);
  };
  if (std::search(statement.text.begin(), statement.text.end(), macros.begin(), macros.end(),
                  nocase) != statement.text.end()) {
    deny("\"__duckgres_macros\" belongs to the server");
  }
  if (statement.tree) {
    check_tree(statement, context);
  } else {
    check_text(statement, context);
  }
}

bool settable_engine_setting(const std::string& name) {
  static const std::set<std::string> names = {
      "enable_progress_bar",      "enable_progress_bar_print",
      "preserve_insertion_order", "default_order",
      "default_null_order",       "ordered_aggregate_threshold",
      "errors_as_json",           "pivot_limit",
      "prefer_range_joins",       "scalar_subquery_error_on_multiple_rows"};
  return names.count(lower(name)) > 0;
}

bool path_within(const std::string& path, const std::vector<std::string>& directories) {
  if (path.empty() || path[0] != '/') return false;
  auto normalize = [](const std::string& p) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string::npos) j = p.size();
      std::string part = p.substr(i, j - i);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      i = j + 1;
    }
    std::string out;
    for (const auto& part : parts) out += "/" + part;
    return out.empty() ? std::string("/") : out;
  };
  std::string file = normalize(path);
  for (const std::string& d : directories) {
    std::string dir = normalize(d);
    if (dir == "/") continue;  // the whole file system is never a readable directory
    if (file.size() > dir.size() && file.compare(0, dir.size(), dir) == 0 &&
        file[dir.size()] == '/') {
      return true;
    }
  }
  return false;
}

}  // namespace ducklings::sql
