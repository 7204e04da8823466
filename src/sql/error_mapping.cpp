#include "sql/error_mapping.h"

#include <regex>
#include <vector>

namespace ducklings::sql {
namespace {

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

std::string sqlstate_of(duckdb_error_type type, const std::string& msg) {
  switch (type) {
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_SYNTAX:
      // ON DELETE/UPDATE CASCADE, SET NULL, SET DEFAULT: valid PostgreSQL DuckDB cannot do.
      if (contains(msg, "FOREIGN KEY constraints cannot use")) return "0A000";
      return "42601";
    case DUCKDB_ERROR_CATALOG:
      if (contains(msg, "Column with name") && contains(msg, "already exists")) return "42701";
      if (contains(msg, "Schema with name") && contains(msg, "already exists")) return "42P06";
      if (contains(msg, "already exists")) return "42P07";
      // DROP TABLE of a table other tables' foreign keys reference.
      if (contains(msg, "main key table")) return "2BP01";
      // DROP TABLE of a view and the like: wrong_object_type.
      if (contains(msg, "Existing object") && contains(msg, "trying to drop type")) return "42809";
      if (contains(msg, "Schema with name") && contains(msg, "does not exist")) return "3F000";
      if (contains(msg, "Function with name") || contains(msg, "Macro Function")) return "42883";
      if (contains(msg, "Type with name")) return "42704";
      if (contains(msg, "does not exist")) return "42P01";
      return "42P01";
    case DUCKDB_ERROR_BINDER:
      if (contains(msg, "Referenced column") || contains(msg, "not found in FROM clause") ||
          contains(msg, "Column with name") || contains(msg, "does not have a column with name") ||
          contains(msg, "Referenced update column")) {
        return "42703";
      }
      if (contains(msg, "No function matches") || contains(msg, "does not exist")) return "42883";
      // integer || text[]: PostgreSQL has no such || operator.
      if (contains(msg, "Cannot concatenate")) return "42883";
      if (contains(msg, "GROUP BY")) return "42803";
      if (contains(msg, "Ambiguous") || contains(msg, "ambiguous")) return "42702";
      if (contains(msg, "Could not find parameter") || contains(msg, "parameter")) return "42P02";
      return "42000";
    case DUCKDB_ERROR_CONSTRAINT:
      if (contains(msg, "NOT NULL")) return "23502";
      if (contains(msg, "foreign key")) return "23503";
      if (contains(msg, "CHECK")) return "23514";
      return "23505";
    case DUCKDB_ERROR_CONVERSION:
      if (contains(msg, "unsupported Unicode escape sequence")) return "22P05";  // jsonb input
      if (contains(msg, "invalid hexadecimal")) return "22023";  // bytea's hex input (sql/pg_casts)
      // '2024-13-01' as a date (inside an array literal DuckDB reads it itself).
      if (contains(msg, "date field value out of range") || contains(msg, "timestamp field value out of range")) {
        return "22008";
      }
      if (contains(msg, "out of range") || contains(msg, "overflows numeric")) return "22003";
      if (contains(msg, "Could not cast value") && contains(msg, "to DECIMAL(")) return "22003";  // numeric(p,s)
      {
        // A number too wide for numeric(p,s) is numeric field overflow; text that is no number
        // is invalid input.
        static const std::regex too_wide(R"re(Could not convert string "[ ]*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?[ ]*" to DECIMAL\()re");
        if (std::regex_search(msg, too_wide)) return "22003";
      }
      return "22P02";
    case DUCKDB_ERROR_OUT_OF_RANGE:
      // sqrt and ln/log of a negative number or zero (PostgreSQL's invalid_argument_for_*).
      if (contains(msg, "cannot take square root")) return "2201F";
      if (contains(msg, "cannot take logarithm")) return "2201E";
      return "22003";
    case DUCKDB_ERROR_DIVIDE_BY_ZERO: return "22012";
    case DUCKDB_ERROR_DECIMAL: return "22003";
    case DUCKDB_ERROR_MISMATCH_TYPE: return "42804";
    case DUCKDB_ERROR_INVALID_TYPE:
    case DUCKDB_ERROR_UNKNOWN_TYPE: return "42704";
    case DUCKDB_ERROR_TRANSACTION:
      if (contains(msg, "Conflict") || contains(msg, "conflict")) return "40001";
      if (contains(msg, "aborted")) return "25P02";
      if (contains(msg, "no transaction is active") || contains(msg, "no transaction")) return "25P01";
      if (contains(msg, "already active")) return "25001";
      return "25000";
    case DUCKDB_ERROR_NOT_IMPLEMENTED: return "0A000";
    case DUCKDB_ERROR_INTERRUPT: return "57014";
    case DUCKDB_ERROR_OUT_OF_MEMORY: return "53200";
    case DUCKDB_ERROR_PERMISSION: return "42501";
    case DUCKDB_ERROR_IO: return "58030";
    case DUCKDB_ERROR_DEPENDENCY: return "2BP01";
    case DUCKDB_ERROR_SEQUENCE: return "2200H";
    case DUCKDB_ERROR_INVALID_INPUT:
      if (contains(msg, "division by zero")) return "22012";
      // cardinality_violation: a scalar subquery's second row, an upsert's repeated key
      // (sql/rewrite_dml.cpp).
      if (contains(msg, "More than one row returned by a subquery") ||
          contains(msg, "cannot affect row a second time")) {
        return "21000";
      }
      if (contains(msg, "does not have a column with name")) return "42703";
      // The server's own functions (pg_cancel_backend) refusing their caller.
      if (msg.rfind("permission denied", 0) == 0) return "42501";
      if (contains(msg, "Duplicate key") || contains(msg, "duplicate key")) return "23505";
      if (contains(msg, "malformed JSON") || contains(msg, "Malformed JSON")) return "22032";
      // The json functions' errors (duck/pg_json.cpp), worded as PostgreSQL's.
      if (msg.rfind("invalid input syntax", 0) == 0 || contains(msg, "is not an integer")) return "22P02";
      if (contains(msg, "unsupported Unicode escape sequence")) return "22P05";
      if (msg.rfind("value overflows numeric format", 0) == 0) return "22003";
      if (msg.rfind("value too long for type", 0) == 0) return "22001";  // varchar(n) (sql/rewrite_dml)
      if (msg.rfind("stack depth limit exceeded", 0) == 0) return "54001";
      if (contains(msg, "holding jsonb values is not supported")) return "0A000";
      return "22023";
    case DUCKDB_ERROR_PARAMETER_NOT_RESOLVED:
    case DUCKDB_ERROR_PARAMETER_NOT_ALLOWED: return "42P18";
    case DUCKDB_ERROR_SETTINGS: return "22023";
    case DUCKDB_ERROR_OBJECT_SIZE: return "54000";
    case DUCKDB_ERROR_FATAL:
    case DUCKDB_ERROR_INTERNAL: return "XX000";
    default: return "XX000";
  }
}

}  // namespace

SqlError to_sql_error(const duck::DuckError& error, const std::string& query, size_t offset) {
  std::string msg = error.what();
  // The error class that DuckDB puts first ("Catalog Error: ...") is the SQLSTATE's job.
  static const std::regex prefix(R"(^[A-Za-z ]*Error: )");
  std::smatch m;
  if (std::regex_search(msg, m, prefix)) msg = m.suffix().str();
  duckdb_error_type type = error.type();
  if (type == DUCKDB_ERROR_INVALID && contains(error.what(), "Constraint Error")) {
    type = DUCKDB_ERROR_CONSTRAINT;
  }
  std::string state = sqlstate_of(type, msg);
  if (msg.size() > 8 && msg[0] == '[' && msg[6] == ']' && msg[7] == ' ') {
    // The server's C++ functions (duck/pg_functions) name PostgreSQL's SQLSTATE: "[22007] …".
    state = msg.substr(1, 5);
    msg = msg.substr(8);
  }
  if (type == DUCKDB_ERROR_INTERRUPT) msg = "canceling statement due to user request";

  // "LINE n: <text>\n<spaces>^" gives the position of the error in the statement.
  int position = 0;
  size_t line_at = msg.find("\n\nLINE ");
  if (line_at == std::string::npos) line_at = msg.find("\nLINE ");
  if (line_at != std::string::npos) {
    std::string context = msg.substr(line_at);
    msg = msg.substr(0, line_at);
    static const std::regex line_re(R"(LINE (\d+): (.*)\n( *)\^)");
    std::smatch lm;
    if (std::regex_search(context, lm, line_re)) {
      int line = std::stoi(lm[1].str());
      std::string shown = lm[2].str();
      size_t caret = lm[3].str().size();
      size_t label = std::string("LINE ").size() + lm[1].str().size() + 2;
      size_t column = caret >= label ? caret - label : 0;
      // Find the start of that line in the query.
      size_t line_start = 0;
      for (int i = 1; i < line && line_start != std::string::npos; ++i) {
        line_start = query.find('\n', line_start);
        if (line_start != std::string::npos) ++line_start;
      }
      if (line_start != std::string::npos) {
        // DuckDB may elide the start of a long line with "..."; align on the shown text.
        if (shown.rfind("...", 0) == 0) {
          std::string tail = shown.substr(3, 20);
          size_t found = query.find(tail, line_start);
          if (found != std::string::npos) line_start = found - 3;
        }
        size_t byte_pos = line_start + column;
        if (byte_pos <= query.size()) {
          // Positions count characters, not bytes.
          size_t chars = 0;
          for (size_t i = 0; i < offset + byte_pos && i < offset + query.size(); ++i) {
            if ((static_cast<unsigned char>(i < offset ? ' ' : query[i - offset]) & 0xC0) != 0x80) {
              ++chars;
            }
          }
          position = static_cast<int>(chars) + 1;
        }
      }
    }
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  static const std::regex referenced(R"re(^Cannot alter entry "(.*)" because there are entries that depend on it\.$)re");
  std::smatch rm;
  if (std::regex_match(msg, rm, referenced)) {
    // DuckDB alters no table other tables' foreign keys reference (the gateway remakes indexes
    // around an ALTER, so this is what is left); PostgreSQL would alter it.
    return SqlError("0A000",
                    "cannot alter table \"" + rm[1].str() +
                        "\" in duckgres while foreign keys of other tables reference it: DuckDB cannot alter a "
                        "referenced table this way",
                    position, "",
                    "ADD COLUMN, SET/DROP DEFAULT and COMMENT ON work; for other changes, recreate the referencing "
                    "tables without their foreign keys first.");
  }
  return SqlError(state, msg, position);
}

}  // namespace ducklings::sql
