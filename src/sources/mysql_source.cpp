// MySQL and MariaDB as a source, through MariaDB's Connector/C: information_schema for
// discovery, and for rows a plain SELECT read with mysql_use_result (a row at a time off the
// socket, so memory stays flat whatever the table's size) written out as CSV. The session runs
// in UTC and utf8mb4; a read-only user (SELECT on the database) suffices. A source reads the one
// database its connection names, so its tables have no schema and land under their own names.
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "sources/kinds.h"

namespace ducklings::sources {
namespace {

constexpr size_t kChunk = 64 * 1024;  // CSV handed to the sink at a time

using Conn = std::unique_ptr<MYSQL, decltype(&mysql_close)>;
using Res = std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)>;

// Transient: the connection (refused, lost, gone away: the client's CR_* errors), the server
// shutting down, overloaded or out of memory, a deadlock or lock wait, a query killed. The rest
// (access denied, an unknown database, table or column) needs someone to act.
bool transient_error(unsigned code) {
  if (code >= CR_MIN_ERROR && code < 2100) {
    // TLS refused, an authentication plugin missing or failing: retrying changes nothing.
    return code != CR_SSL_CONNECTION_ERROR && code != CR_AUTH_PLUGIN_CANNOT_LOAD &&
           code != CR_AUTH_PLUGIN_ERR;
  }
  switch (code) {
    case ER_OUTOFMEMORY:
    case ER_OUT_OF_SORTMEMORY:
    case ER_CON_COUNT_ERROR:
    case ER_OUT_OF_RESOURCES:
    case ER_SERVER_SHUTDOWN:
    case ER_ABORTING_CONNECTION:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    case ER_NEW_ABORTING_CONNECTION:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_QUERY_INTERRUPTED:
    case ER_LOCK_ABORTED:
    case ER_CONNECTION_KILLED:
    case ER_STATEMENT_TIMEOUT:
    case 3024:  // MySQL's max_execution_time exceeded
      return true;
    default:
      return false;
  }
}

std::string quote_ident(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What a column's values need on the way to CSV.
enum class Form {
  kPlain,    // numbers, booleans, hex: written as they come
  kText,     // strings and hex: always quoted (an empty string must not read as NULL)
  kDate,     // DATE, DATETIME: a zero date ('0000-00-00', or a zero month or day) is NULL
  kInstant,  // TIMESTAMP: as kDate, and marked UTC (the session's zone) for TIMESTAMPTZ
};

// The DuckDB type a MySQL column lands as. `data_type` is information_schema's DATA_TYPE,
// `column_type` its COLUMN_TYPE (with the length and `unsigned`), kept as the source type.
SourceColumn map_column(const std::string& name, const std::string& data_type,
                        const std::string& column_type, int64_t precision, int64_t scale) {
  SourceColumn c{name, column_type, "VARCHAR", ""};
  std::string t = lower(data_type);
  bool is_unsigned = lower(column_type).find("unsigned") != std::string::npos;
  // tinyint(1) is what MySQL's BOOLEAN means, but it holds -128..127 and nothing stops a 2 in
  // it: TINYINT keeps every value where BOOLEAN would fail the run (or lose the 2).
  if (t == "tinyint") c.duck_type = is_unsigned ? "UTINYINT" : "TINYINT";
  else if (t == "smallint") c.duck_type = is_unsigned ? "USMALLINT" : "SMALLINT";
  else if (t == "mediumint") c.duck_type = "INTEGER";  // 24 bits, signed or not
  else if (t == "int" || t == "integer") c.duck_type = is_unsigned ? "UINTEGER" : "INTEGER";
  else if (t == "bigint") c.duck_type = is_unsigned ? "UBIGINT" : "BIGINT";
  else if (t == "decimal" || t == "numeric") {
    // MySQL's DECIMAL holds 65 digits, DuckDB's 38: wider ones land as text, every digit kept.
    if (precision > 0 && precision <= 38 && scale >= 0 && scale <= precision)
      c.duck_type = "DECIMAL(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
  } else if (t == "float") c.duck_type = "FLOAT";
  else if (t == "double" || t == "real" || t == "double precision") c.duck_type = "DOUBLE";
  else if (t == "bit") c.duck_type = precision == 1 ? "BOOLEAN" : "UBIGINT";  // sent as a number
  else if (t == "date") c.duck_type = "DATE";
  // DATETIME is a wall-clock time without a zone; TIMESTAMP an instant MySQL keeps in UTC and
  // shows in the session's zone (UTC here), so it lands as TIMESTAMPTZ.
  else if (t == "datetime") c.duck_type = "TIMESTAMP";
  else if (t == "timestamp") c.duck_type = "TIMESTAMPTZ";
  // TIME is a duration as much as a time of day (-838:59:59 to 838:59:59): INTERVAL holds it
  // all, where DuckDB's TIME would fail past 24 h or below zero.
  else if (t == "time") c.duck_type = "INTERVAL";
  else if (t == "year") c.duck_type = "SMALLINT";
  else if (t == "json") c.duck_type = "JSON";
  else if (t == "uuid") c.duck_type = "UUID";  // MariaDB 10.7+
  else if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" ||
           t == "mediumblob" || t == "longblob") {
    c.duck_type = "BLOB";
    c.read_expression = "unhex(%s)";  // sent as hex (see select_expression)
  }
  // char, varchar, the texts, enum, set, geometries (as WKT), inet4/inet6 and the rest: text.
  return c;
}

bool is_geometry(const std::string& t) {
  static const char* kinds[] = {"geometry",   "point",           "linestring",     "polygon",
                                "multipoint", "multilinestring", "multipolygon",   "geometrycollection",
                                "geomcollection"};
  return std::any_of(std::begin(kinds), std::end(kinds), [&](const char* k) { return t == k; });
}

// The base of a source type ("int(10) unsigned" → "int").
std::string base_type(const std::string& source_type) {
  size_t end = source_type.find_first_of("( ");
  return lower(source_type.substr(0, end));
}

bool incremental_type(const std::string& base) {
  return base == "tinyint" || base == "smallint" || base == "mediumint" || base == "int" ||
         base == "integer" || base == "bigint" || base == "decimal" || base == "numeric" ||
         base == "date" || base == "datetime" || base == "timestamp";
}

// How a column is selected so its text is what DuckDB reads.
std::string select_expression(const SourceColumn& c) {
  std::string col = quote_ident(c.name);
  std::string base = base_type(c.source_type);
  if (c.duck_type == "BLOB") return "HEX(" + col + ")";
  if (base == "bit") return "CAST(" + col + " AS UNSIGNED)";  // BIT's text is raw bytes
  if (is_geometry(base)) return "ST_AsText(" + col + ")";
  return col;
}

Form form_of(const SourceColumn& c) {
  if (c.duck_type == "DATE" || c.duck_type == "TIMESTAMP") return Form::kDate;
  if (c.duck_type == "TIMESTAMPTZ") return Form::kInstant;
  // BLOB's hex too: an empty value must not read as NULL.
  if (c.duck_type == "VARCHAR" || c.duck_type == "JSON" || c.duck_type == "BLOB") return Form::kText;
  return Form::kPlain;
}

// MySQL's zero dates ('0000-00-00', and with NO_ZERO_IN_DATE off '2026-00-15') are no dates:
// they land as NULL rather than fail the run.
bool zero_date(const char* v, unsigned long n) {
  return n >= 10 && ((v[5] == '0' && v[6] == '0') || (v[8] == '0' && v[9] == '0'));
}

void append_csv(std::string& out, const char* v, unsigned long n, Form form) {
  if (!v) return;  // NULL: an unquoted empty field
  switch (form) {
    case Form::kPlain:
      out.append(v, n);
      return;
    case Form::kDate:
      if (!zero_date(v, n)) out.append(v, n);
      return;
    case Form::kInstant:
      if (!zero_date(v, n)) {
        out.append(v, n);
        out += "+00";
      }
      return;
    case Form::kText:
      out += '"';
      for (const char* p = v; p < v + n;) {
        const void* q = std::memchr(p, '"', static_cast<size_t>(v + n - p));
        const char* end = q ? static_cast<const char*>(q) + 1 : v + n;
        out.append(p, static_cast<size_t>(end - p));
        if (q) out += '"';
        p = end;
      }
      out += '"';
      return;
  }
}

// Digits with an optional sign and, for decimals, a fraction: the only integer or decimal
// cursor written into the query (unquoted, so the comparison stays exact).
bool numeric_text(const std::string& s, bool fraction) {
  size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) digits = true;
    else if (s[i] == '.' && fraction && !dot && digits) dot = true;
    else return false;
  }
  return digits && s.back() != '.';
}

struct MysqlConnection {
  std::string host, database, user, password, sslmode;
  int port = 3306;
};

class MysqlSource : public Source {
 public:
  explicit MysqlSource(MysqlConnection c) : c_(std::move(c)) {}

  std::vector<SourceTable> discover() override {
    Conn conn = connect();
    std::vector<SourceTable> tables;
    std::map<std::string, size_t> index;
    Res r = query(conn.get(),
                  "SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS FROM information_schema.TABLES "
                  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', "
                  "'SYSTEM VERSIONED') ORDER BY TABLE_NAME");
    while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
      SourceTable t;
      t.name = row[0];
      t.bare = true;
      t.kind = std::string(row[1]) == "VIEW" ? "view" : "table";
      t.row_estimate = row[2] ? std::stoll(row[2]) : -1;  // NULL for views
      index[t.name] = tables.size();
      tables.push_back(std::move(t));
    }
    // MariaDB's JSON is LONGTEXT with a json_valid() check: the check tells it apart.
    std::map<std::string, std::vector<std::string>> json_columns;
    if (std::strstr(mysql_get_server_info(conn.get()), "MariaDB")) {
      try {  // CHECK_CONSTRAINTS is 10.2's; before it, JSON lands as text
        r = query(conn.get(),
                  "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                  "WHERE CONSTRAINT_SCHEMA = DATABASE() AND CHECK_CLAUSE LIKE 'json\\_valid(`%`)'");
      } catch (const SourceError& e) {
        if (e.transient()) throw;
        r.reset();
      }
      while (MYSQL_ROW row = r ? mysql_fetch_row(r.get()) : nullptr) {
        std::string clause = row[1];  // json_valid(`name`)
        std::string name = clause.substr(12, clause.size() - 14);
        std::string unquoted;
        for (size_t i = 0; i < name.size(); ++i) {
          unquoted += name[i];
          if (name[i] == '`' && i + 1 < name.size() && name[i + 1] == '`') ++i;
        }
        json_columns[row[0]].push_back(unquoted);
      }
    }
    r = query(conn.get(),
              "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, "
              "NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
              "ORDER BY TABLE_NAME, ORDINAL_POSITION");
    while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
      auto it = index.find(row[0]);
      if (it == index.end()) continue;
      SourceTable& t = tables[it->second];
      std::string data_type = row[2], column_type = row[3];
      const auto& js = json_columns[t.name];
      if (lower(data_type) == "longtext" && std::find(js.begin(), js.end(), row[1]) != js.end())
        data_type = column_type = "json";
      t.columns.push_back(map_column(row[1], data_type, column_type,
                                     row[4] ? std::stoll(row[4]) : 0, row[5] ? std::stoll(row[5]) : 0));
      // Wide decimals land as text: not comparable as numbers in the duckling.
      if (incremental_type(lower(data_type)) && t.columns.back().duck_type != "VARCHAR")
        t.incremental_fields.push_back(row[1]);
    }
    r = query(conn.get(),
              "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE "
              "TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' "
              "ORDER BY TABLE_NAME, ORDINAL_POSITION");
    while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
      auto it = index.find(row[0]);
      if (it != index.end()) tables[it->second].primary_key.push_back(row[1]);
    }
    return tables;
  }

  uint64_t stream(const SourceTable& table, const std::vector<SourceColumn>& columns,
                  const std::string& incremental_field, const std::optional<std::string>& after,
                  int64_t lookback_seconds, const CsvSink& sink) override {
    Conn conn = connect();
    std::string select;
    std::vector<Form> forms;
    for (const auto& c : columns) {
      select += (select.empty() ? "" : ", ") + select_expression(c);
      forms.push_back(form_of(c));
    }
    std::string sql = "SELECT " + select + " FROM " + quote_ident(c_.database) + "." +
                      quote_ident(table.name);
    if (!incremental_field.empty() && after) {
      sql += " WHERE " + quote_ident(incremental_field) + " > " +
             bound(conn.get(), table, incremental_field, *after, lookback_seconds);
    }
    if (mysql_real_query(conn.get(), sql.data(), sql.size()) != 0) fail(conn.get());
    // Unbuffered: rows come off the socket as they are fetched, never all in memory.
    Res r(mysql_use_result(conn.get()), &mysql_free_result);
    if (!r) fail(conn.get());
    unsigned fields = mysql_num_fields(r.get());
    if (fields != forms.size()) throw SourceError(false, "MySQL: the query returned other columns");
    std::string out;
    out.reserve(kChunk + 4096);
    uint64_t rows = 0;
    // The reader going away (or failing) ends the query rather than reading the rest of the
    // rows, which freeing an unbuffered result would do. Closing our socket alone can leave the
    // server's thread blocked writing to it, so it is killed from another connection (a user
    // may kill its own threads), and our reads fail at once.
    auto abandon = [&] {
      stop_server_thread(mysql_thread_id(conn.get()));
      mariadb_cancel(conn.get());
    };
    try {
      while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
        unsigned long* lengths = mysql_fetch_lengths(r.get());
        for (unsigned i = 0; i < fields; ++i) {
          if (i) out += ',';
          append_csv(out, row[i], lengths[i], forms[i]);
        }
        out += '\n';
        ++rows;
        if (out.size() >= kChunk) {
          if (!sink(out)) throw SourceError(false, "the sync stopped reading");
          out.clear();
        }
      }
    } catch (...) {
      abandon();
      throw;
    }
    if (mysql_errno(conn.get()) != 0) fail(conn.get());  // the stream broke off midway
    if (!out.empty() && !sink(out)) throw SourceError(false, "the sync stopped reading");
    return rows;
  }

 private:
  Conn connect() {
    static std::once_flag init;
    // Not thread-safe on its own: mysql_init would run it on first use from any thread.
    std::call_once(init, [] { mysql_library_init(0, nullptr, nullptr); });
    Conn conn(mysql_init(nullptr), &mysql_close);
    if (!conn) throw SourceError(true, "MySQL: out of memory");
    MYSQL* m = conn.get();
    unsigned timeout = 10, read_timeout = 3600;
    my_bool off = 0, on = 1;
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    // A stalled server is given up on after an hour (slow scans send nothing for a while).
    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // Never let the server ask for a local file (LOAD DATA LOCAL) from the duckgres host.
    mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &off);
    mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
    // UTC, so DATETIME and TIMESTAMP read as they are stored and TIMESTAMP's text is UTC; the
    // server waits up to 10 min on a sync whose duckling is slow to take the rows.
    mysql_optionsv(m, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00', net_write_timeout = 600");
    mysql_optionsv(m, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "duckgres-sync");
    // sslmode as libpq's: disable: plain; prefer: TLS when the server offers it; require: TLS
    // or fail (checked below: Connector/C falls back to plain when only asked for TLS);
    // verify-ca and verify-full: TLS with the certificate checked against the system's CAs
    // and the host name (Connector/C checks both, so verify-ca is verify-full here).
    const std::string& mode = c_.sslmode.empty() ? std::string("prefer") : c_.sslmode;
    bool tls = mode != "disable";
    my_bool verify = mode == "verify-ca" || mode == "verify-full";
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, tls ? &on : &off);
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    std::string where = "MySQL at " + c_.host + ":" + std::to_string(c_.port) + ": ";
    if (!mysql_real_connect(m, c_.host.c_str(), c_.user.c_str(), c_.password.c_str(),
                            c_.database.c_str(), static_cast<unsigned>(c_.port), nullptr, 0)) {
      throw SourceError(transient_error(mysql_errno(m)), where + mysql_error(m));
    }
    if (mode != "disable" && mode != "prefer" && !mysql_get_ssl_cipher(m)) {
      throw SourceError(false, where + "sslmode " + mode + " but the server does not offer TLS");
    }
    return conn;
  }

  void stop_server_thread(unsigned long id) {
    try {
      Conn other = connect();
      std::string sql = "KILL CONNECTION " + std::to_string(id);
      mysql_real_query(other.get(), sql.data(), sql.size());
    } catch (const std::exception&) {
      // Unreachable now: our socket's close is all that is left.
    }
  }

  // The incremental field's lower bound: the cursor (DuckDB's text of the largest value
  // landed) in the field's own type, less the lookback for dates and times.
  std::string bound(MYSQL* m, const SourceTable& table, const std::string& field,
                    const std::string& after, int64_t lookback_seconds) {
    std::string base;
    for (const auto& c : table.columns) {
      if (c.name == field) base = base_type(c.source_type);
    }
    auto bad = [&] {
      return SourceError(false, "the cursor " + after + " of " + table.name + "." + field +
                                    " is not a value of its type (" + base + ")");
    };
    if (base == "decimal" || base == "numeric") {
      if (!numeric_text(after, true)) throw bad();
      return after;
    }
    if (base != "date" && base != "datetime" && base != "timestamp") {
      if (!numeric_text(after, false)) throw bad();
      return after;
    }
    std::string value = after, offset;
    if (base == "timestamp") {
      // TIMESTAMPTZ's text ends in its offset (+00 in the duckling's UTC): compared in UTC.
      size_t sign = value.find_last_of("+-");
      if (sign == std::string::npos || sign < 11) throw bad();
      offset = value.substr(sign);
      value.resize(sign);
      if (offset.size() == 3) offset += ":00";
    }
    for (char ch : value + offset) {
      if (!std::isdigit(static_cast<unsigned char>(ch)) && !std::strchr("-: .+", ch)) throw bad();
    }
    std::string escaped(value.size() * 2 + 1, '\0');
    escaped.resize(mysql_real_escape_string(m, escaped.data(), value.data(), value.size()));
    std::string out = "CAST('" + escaped + "' AS " + (base == "date" ? "DATE" : "DATETIME(6)") + ")";
    if (!offset.empty() && offset != "+00:00") out = "CONVERT_TZ(" + out + ", '" + offset + "', '+00:00')";
    if (lookback_seconds > 0) out = "(" + out + " - INTERVAL " + std::to_string(lookback_seconds) + " SECOND)";
    return out;
  }

  Res query(MYSQL* m, const std::string& sql) {
    if (mysql_real_query(m, sql.data(), sql.size()) != 0) fail(m);
    Res r(mysql_store_result(m), &mysql_free_result);  // the catalog: small
    if (!r) fail(m);
    return r;
  }

  [[noreturn]] void fail(MYSQL* m) {
    unsigned code = mysql_errno(m);
    throw SourceError(transient_error(code),
                      (code >= CR_MIN_ERROR && code < 2100
                           ? "MySQL at " + c_.host + ":" + std::to_string(c_.port) + ": "
                           : std::string("MySQL: ")) +
                          mysql_error(m));
  }

  MysqlConnection c_;
};

}  // namespace

std::vector<ConnectionField> mysql_fields() {
  return {{"host", ConnectionField::kString, true},
          {"port", ConnectionField::kInteger, false, false, 3306},
          {"database", ConnectionField::kString, true},
          {"user", ConnectionField::kString, true},
          {"password", ConnectionField::kString, false, true},
          {"sslmode", ConnectionField::kString, false, false, nullptr,
           {"disable", "prefer", "require", "verify-ca", "verify-full"}}};
}

std::unique_ptr<Source> open_mysql(const nlohmann::json& c, const std::string& password) {
  return std::make_unique<MysqlSource>(MysqlConnection{
      c.value("host", ""), c.value("database", ""), c.value("user", ""), password,
      c.value("sslmode", ""), c.value("port", 3306)});
}

}  // namespace ducklings::sources
