#include "sql/statement.h"

#include <algorithm>
#include <cctype>

namespace ducklings::sql {
namespace {

std::string object_name(pg_query::ObjectType type) {
  switch (type) {
    case pg_query::OBJECT_TABLE: return "TABLE";
    case pg_query::OBJECT_VIEW: return "VIEW";
    case pg_query::OBJECT_MATVIEW: return "MATERIALIZED VIEW";
    case pg_query::OBJECT_INDEX: return "INDEX";
    case pg_query::OBJECT_SCHEMA: return "SCHEMA";
    case pg_query::OBJECT_SEQUENCE: return "SEQUENCE";
    case pg_query::OBJECT_FUNCTION: return "FUNCTION";
    case pg_query::OBJECT_TYPE: return "TYPE";
    case pg_query::OBJECT_DATABASE: return "DATABASE";
    case pg_query::OBJECT_ROLE: return "ROLE";
    case pg_query::OBJECT_EXTENSION: return "EXTENSION";
    default: return "OBJECT";
  }
}

}  // namespace

std::string first_keyword(const std::string& sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(') {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      i = sql.find('\n', i);
      if (i == std::string::npos) return "";
    } else if (sql.compare(i, 2, "/*") == 0) {
      i = sql.find("*/", i);
      if (i == std::string::npos) return "";
      i += 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < sql.size() && (std::isalpha(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  }
  return word;
}

namespace {

void classify_tree(Statement& s, const pg_query::Node& node) {
  using N = pg_query::Node;
  switch (node.node_case()) {
    case N::kSelectStmt: {
      bool into = node.select_stmt().has_into_clause();
      s.kind = into ? StatementKind::kUtility : StatementKind::kQuery;
      s.tag = "SELECT";
      s.returns_rows = !into;
      s.read_only = !into;
      return;
    }
    case N::kInsertStmt:
      s.kind = StatementKind::kInsert;
      s.tag = "INSERT";
      s.returns_rows = node.insert_stmt().returning_list_size() > 0;
      return;
    case N::kUpdateStmt:
      s.kind = StatementKind::kUpdate;
      s.tag = "UPDATE";
      s.returns_rows = node.update_stmt().returning_list_size() > 0;
      return;
    case N::kDeleteStmt:
      s.kind = StatementKind::kDelete;
      s.tag = "DELETE";
      s.returns_rows = node.delete_stmt().returning_list_size() > 0;
      return;
    case N::kMergeStmt: s.kind = StatementKind::kUtility; s.tag = "MERGE"; return;
    case N::kTransactionStmt:
      switch (node.transaction_stmt().kind()) {
        case pg_query::TRANS_STMT_BEGIN:
        case pg_query::TRANS_STMT_START: s.kind = StatementKind::kBegin; s.tag = "BEGIN"; return;
        case pg_query::TRANS_STMT_COMMIT: s.kind = StatementKind::kCommit; s.tag = "COMMIT"; return;
        case pg_query::TRANS_STMT_ROLLBACK:
          s.kind = StatementKind::kRollback;
          s.tag = "ROLLBACK";
          return;
        default: s.kind = StatementKind::kSavepoint; s.tag = "SAVEPOINT"; return;
      }
    case N::kCopyStmt: s.kind = StatementKind::kCopy; s.tag = "COPY"; return;
    case N::kDeclareCursorStmt:
      s.kind = StatementKind::kDeclareCursor;
      s.tag = "DECLARE CURSOR";
      return;
    case N::kFetchStmt:
      s.kind = StatementKind::kFetch;
      s.tag = node.fetch_stmt().ismove() ? "MOVE" : "FETCH";
      s.returns_rows = !node.fetch_stmt().ismove();
      s.read_only = true;
      return;
    case N::kClosePortalStmt: s.kind = StatementKind::kCloseCursor; s.tag = "CLOSE CURSOR"; return;
    case N::kVariableShowStmt:
    case N::kExplainStmt:
      s.kind = StatementKind::kQuery;
      s.tag = node.node_case() == N::kExplainStmt ? "EXPLAIN" : "SHOW";
      s.returns_rows = true;
      s.read_only = true;
      return;
    default: break;
  }
  s.kind = StatementKind::kUtility;
  switch (node.node_case()) {
    case N::kCreateStmt: s.tag = "CREATE TABLE"; break;
    case N::kCreateTableAsStmt:
      s.tag = node.create_table_as_stmt().objtype() == pg_query::OBJECT_MATVIEW
                  ? "CREATE MATERIALIZED VIEW"
                  : "CREATE TABLE AS";
      break;
    case N::kViewStmt: s.tag = "CREATE VIEW"; break;
    case N::kIndexStmt: s.tag = "CREATE INDEX"; break;
    case N::kCreateSchemaStmt: s.tag = "CREATE SCHEMA"; break;
    case N::kCreateSeqStmt: s.tag = "CREATE SEQUENCE"; break;
    case N::kAlterSeqStmt: s.tag = "ALTER SEQUENCE"; break;
    case N::kCreateFunctionStmt: s.tag = "CREATE FUNCTION"; break;
    case N::kCreateEnumStmt: s.tag = "CREATE TYPE"; break;
    case N::kCompositeTypeStmt: s.tag = "CREATE TYPE"; break;
    case N::kCreateExtensionStmt: s.tag = "CREATE EXTENSION"; break;
    case N::kCreatedbStmt: s.tag = "CREATE DATABASE"; break;
    case N::kCreateRoleStmt: s.tag = "CREATE ROLE"; break;
    case N::kDropStmt: s.tag = "DROP " + object_name(node.drop_stmt().remove_type()); break;
    case N::kAlterTableStmt: s.tag = "ALTER " + object_name(node.alter_table_stmt().objtype()); break;
    case N::kRenameStmt: {
      // RENAME COLUMN / CONSTRAINT answer with the relation's kind: ALTER TABLE.
      auto type = node.rename_stmt().rename_type();
      if (type == pg_query::OBJECT_COLUMN || type == pg_query::OBJECT_TABCONSTRAINT) {
        type = node.rename_stmt().relation_type();
      }
      s.tag = "ALTER " + object_name(type);
      break;
    }
    case N::kTruncateStmt: s.tag = "TRUNCATE TABLE"; break;
    case N::kRefreshMatViewStmt: s.tag = "REFRESH MATERIALIZED VIEW"; break;
    case N::kVariableSetStmt:
      s.tag = node.variable_set_stmt().kind() == pg_query::VAR_RESET ||
                      node.variable_set_stmt().kind() == pg_query::VAR_RESET_ALL
                  ? "RESET"
                  : "SET";
      break;
    case N::kVacuumStmt: s.tag = node.vacuum_stmt().is_vacuumcmd() ? "VACUUM" : "ANALYZE"; break;
    case N::kCheckPointStmt: s.tag = "CHECKPOINT"; break;
    case N::kCommentStmt: s.tag = "COMMENT"; break;
    case N::kGrantStmt: s.tag = node.grant_stmt().is_grant() ? "GRANT" : "REVOKE"; break;
    case N::kDiscardStmt: s.tag = "DISCARD ALL"; break;
    case N::kPrepareStmt: s.tag = "PREPARE"; break;
    case N::kDeallocateStmt: s.tag = "DEALLOCATE"; break;
    case N::kLockStmt: s.tag = "LOCK TABLE"; break;
    case N::kDoStmt: s.tag = "DO"; break;
    case N::kCallStmt: s.tag = "CALL"; break;
    case N::kListenStmt: s.tag = "LISTEN"; break;
    case N::kNotifyStmt: s.tag = "NOTIFY"; break;
    case N::kUnlistenStmt: s.tag = "UNLISTEN"; break;
    case N::kExecuteStmt:
      s.tag = "SELECT";  // EXECUTE of a prepared SELECT answers rows
      s.kind = StatementKind::kQuery;
      s.returns_rows = true;
      break;
    default: s.tag = first_keyword(s.text); break;
  }
}

// DuckDB-dialect statements: only the first keyword is known before DuckDB prepares them.
void classify_keyword(Statement& s) {
  std::string kw = first_keyword(s.text);
  static const char* row_keywords[] = {"SELECT", "WITH", "VALUES", "TABLE", "FROM", "SUMMARIZE",
                                       "DESCRIBE", "SHOW", "PIVOT", "UNPIVOT", "EXPLAIN",
                                       "PRAGMA", "CALL"};
  if (std::find(std::begin(row_keywords), std::end(row_keywords), kw) != std::end(row_keywords)) {
    s.kind = StatementKind::kQuery;
    s.tag = kw == "SHOW" || kw == "EXPLAIN" ? kw : "SELECT";
    s.returns_rows = true;
    return;
  }
  if (kw == "INSERT") s.kind = StatementKind::kInsert;
  else if (kw == "UPDATE") s.kind = StatementKind::kUpdate;
  else if (kw == "DELETE") s.kind = StatementKind::kDelete;
  else s.kind = StatementKind::kUtility;
  s.tag = kw;
  // RETURNING may follow; whether rows come back is settled by DuckDB's result columns.
  s.returns_rows = s.kind != StatementKind::kUtility;
}

}  // namespace

Statement analyze(const StatementText& text) {
  Statement s;
  s.text = text.text;
  s.offset = text.offset;
  s.tree = parse(s.text, &s.parse_error);
  const pg_query::Node* root = root_node(s);
  if (root) {
    classify_tree(s, *root);
  } else if (s.tree) {
    s.kind = StatementKind::kEmpty;  // only comments
  } else {
    classify_keyword(s);
  }
  return s;
}

const pg_query::Node* root_node(const Statement& statement) {
  if (!statement.tree || statement.tree->stmts_size() != 1) return nullptr;
  const auto& raw = statement.tree->stmts(0);
  return raw.has_stmt() ? &raw.stmt() : nullptr;
}

}  // namespace ducklings::sql
