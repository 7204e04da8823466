// PostgreSQL as a source, through libpq: the catalog for discovery, COPY … TO STDOUT (FORMAT
// csv) for rows. A read-only user suffices; the session runs in UTC with ISO dates so the
// text forms are the ones DuckDB reads.
#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "sources/kinds.h"
#include "sources/postgres_internal.h"

namespace ducklings::sources {
namespace pg {
namespace {

// Transient: the connection, the server shutting down or overloaded, serialization; the rest
// (authentication, permissions, a missing table or column) needs someone to act.
bool transient_state(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0 ||
         sqlstate.rfind("53", 0) == 0 || sqlstate == "40001" || sqlstate == "40P01" ||
         sqlstate.empty();
}

}  // namespace

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_text(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// The DuckDB type a PostgreSQL type (format_type's text) lands as, and how its CSV text is
// read. Unconstrained numeric lands as text: DuckDB's DECIMAL holds 38 digits, and a silent
// rounding would be worse than a cast the user writes.
SourceColumn map_column(const std::string& name, const std::string& type) {
  SourceColumn c{name, type, "VARCHAR", ""};
  auto starts = [&](const char* p) { return type.rfind(p, 0) == 0; };
  if (type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0) return c;  // text form
  if (type == "smallint") c.duck_type = "SMALLINT";
  else if (type == "integer") c.duck_type = "INTEGER";
  else if (type == "bigint") c.duck_type = "BIGINT";
  else if (type == "real") c.duck_type = "FLOAT";
  else if (type == "double precision") c.duck_type = "DOUBLE";
  else if (starts("numeric(")) {
    int precision = std::stoi(type.substr(8));
    size_t comma = type.find(',');
    int scale = comma == std::string::npos ? 0 : std::stoi(type.substr(comma + 1));
    if (precision <= 38 && scale >= 0 && scale <= precision) {
      c.duck_type = "DECIMAL(" + std::to_string(precision) + ", " + std::to_string(scale) + ")";
    }
  } else if (type == "boolean") c.duck_type = "BOOLEAN";
  else if (type == "date") c.duck_type = "DATE";
  else if (starts("timestamp") && type.find("with time zone") != std::string::npos &&
           type.find("without") == std::string::npos)
    c.duck_type = "TIMESTAMPTZ";
  else if (starts("timestamp")) c.duck_type = "TIMESTAMP";
  else if (starts("time") && type.find("without time zone") != std::string::npos)
    c.duck_type = "TIME";
  else if (type == "time") c.duck_type = "TIME";
  else if (starts("interval")) c.duck_type = "INTERVAL";
  else if (type == "uuid") c.duck_type = "UUID";
  else if (type == "json" || type == "jsonb") c.duck_type = "JSON";
  else if (type == "bytea") {
    c.duck_type = "BLOB";
    c.read_expression = "unhex(%s)";  // sent as hex (see stream)
  }
  return c;
}

bool incremental_type(const std::string& duck_type) {
  return duck_type == "SMALLINT" || duck_type == "INTEGER" || duck_type == "BIGINT" ||
         duck_type.rfind("DECIMAL", 0) == 0 || duck_type == "DATE" || duck_type == "TIMESTAMP" ||
         duck_type == "TIMESTAMPTZ";
}

Connection connection_of(const nlohmann::json& c, const std::string& password) {
  return {c.value("host", ""),    c.value("database", ""), c.value("user", ""), password,
          c.value("sslmode", ""), c.value("port", 5432)};
}

Conn connect(const Connection& c, bool replication) {
  std::string port = std::to_string(c.port);
  const char* keys[] = {"host", "port", "dbname", "user", "password", "sslmode",
                        "connect_timeout", "application_name", "options", "replication", nullptr};
  const char* values[] = {c.host.c_str(),
                          port.c_str(),
                          c.database.c_str(),
                          c.user.c_str(),
                          c.password.c_str(),
                          c.sslmode.empty() ? "prefer" : c.sslmode.c_str(),
                          "10",
                          replication ? "duckgres-cdc" : "duckgres-sync",
                          "-c TimeZone=UTC -c DateStyle=ISO,YMD -c extra_float_digits=3 "
                          "-c bytea_output=hex -c IntervalStyle=postgres",
                          replication ? "database" : nullptr,
                          nullptr};
  Conn conn(PQconnectdbParams(keys, values, 0), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    // A refused login or an unknown database needs someone to act; an unreachable host may
    // come back.
    bool permanent = message.find("authentication failed") != std::string::npos ||
                     message.find("does not exist") != std::string::npos ||
                     message.find("no pg_hba.conf entry") != std::string::npos ||
                     message.find("must be superuser or replication") != std::string::npos;
    throw SourceError(!permanent, "PostgreSQL at " + c.host + ":" + port + ": " + message);
  }
  return conn;
}

Res exec(PGconn* conn, const std::string& sql, ExecStatusType want) {
  Res r(PQexec(conn, sql.c_str()), &PQclear);
  check(r.get(), want);
  return r;
}

void check(PGresult* r, ExecStatusType want) {
  if (r && PQresultStatus(r) == want) return;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? PQresultErrorMessage(r) : "no result";
  while (!message.empty() && message.back() == '\n') message.pop_back();
  throw SourceError(transient_state(state ? state : ""), "PostgreSQL: " + message);
}

}  // namespace pg

namespace {
using namespace pg;

class PostgresSource : public Source {
 public:
  explicit PostgresSource(Connection c) : c_(std::move(c)) {}

  std::vector<SourceTable> discover() override {
    Conn conn = connect();
    std::vector<SourceTable> tables;
    std::map<std::pair<std::string, std::string>, size_t> index;
    const char* kinds =
        "SELECT n.nspname, c.relname, c.relkind, c.reltuples::bigint FROM pg_class c JOIN "
        "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm') AND "
        "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
        "'pg\\_%' AND NOT c.relispartition ORDER BY 1, 2";
    Res r = exec(conn.get(), kinds, PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      SourceTable t;
      t.schema = PQgetvalue(r.get(), i, 0);
      t.name = PQgetvalue(r.get(), i, 1);
      std::string k = PQgetvalue(r.get(), i, 2);
      t.bare = t.schema == "public";
      t.kind = k == "v" ? "view" : k == "m" ? "materialized_view" : "table";
      int64_t estimate = std::stoll(PQgetvalue(r.get(), i, 3));
      t.row_estimate = estimate < 0 ? -1 : estimate;  // -1: never analyzed (PostgreSQL 14+)
      index[{t.schema, t.name}] = tables.size();
      tables.push_back(std::move(t));
    }
    const char* columns =
        "SELECT n.nspname, c.relname, a.attname, format_type(CASE WHEN t.typtype = 'd' THEN "
        "t.typbasetype ELSE a.atttypid END, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE "
        "a.atttypmod END) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN "
        "pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid WHERE "
        "a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND "
        "n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, a.attnum";
    r = exec(conn.get(), columns, PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      auto it = index.find({PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1)});
      if (it == index.end()) continue;
      SourceTable& t = tables[it->second];
      t.columns.push_back(map_column(PQgetvalue(r.get(), i, 2), PQgetvalue(r.get(), i, 3)));
      if (incremental_type(t.columns.back().duck_type))
        t.incremental_fields.push_back(t.columns.back().name);
    }
    const char* keys =
        "SELECT n.nspname, c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = "
        "i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL "
        "unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = "
        "c.oid AND a.attnum = k.attnum WHERE i.indisprimary ORDER BY 1, 2, k.ord";
    r = exec(conn.get(), keys, PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      auto it = index.find({PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1)});
      if (it != index.end()) tables[it->second].primary_key.push_back(PQgetvalue(r.get(), i, 2));
    }
    return tables;
  }

  uint64_t stream(const SourceTable& table, const std::vector<SourceColumn>& columns,
                  const std::string& incremental_field, const std::optional<std::string>& after,
                  int64_t lookback_seconds, const CsvSink& sink) override {
    Conn conn = connect();
    return copy_out(conn.get(), query(table, columns, incremental_field, after, lookback_seconds, ""), sink);
  }

  // A large table is read in two streams by ranges of its pages (a TID range scan each).
  size_t parts(const SourceTable& table) override {
    return table.kind == "table" && table.row_estimate >= 1000000 ? 2 : 1;
  }

  uint64_t stream_parts(const SourceTable& table, const std::vector<SourceColumn>& columns,
                        const std::string& incremental_field, const std::optional<std::string>& after,
                        int64_t lookback_seconds, const std::vector<CsvSink>& sinks) override {
    if (sinks.size() == 1) return stream(table, columns, incremental_field, after, lookback_seconds, sinks[0]);
    // Every part reads the snapshot the lead exported, so together they are one table's
    // rows at one moment.
    Conn lead = connect();
    exec(lead.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", PGRES_COMMAND_OK);
    Res r = exec(lead.get(), "SELECT pg_export_snapshot(), relpages FROM pg_class WHERE oid = '" +
                                 quote_ident(table.schema) + "." + quote_ident(table.name) + "'::regclass",
                 PGRES_TUPLES_OK);
    std::string snapshot = PQgetvalue(r.get(), 0, 0);
    int64_t pages = std::max<int64_t>(1, std::stoll(PQgetvalue(r.get(), 0, 1)));
    size_t n = sinks.size();
    int64_t step = std::max<int64_t>(1, pages / static_cast<int64_t>(n));
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::exception_ptr first_error;
    std::vector<uint64_t> sent(n, 0);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) {
      std::string range;
      if (i > 0) range = "ctid >= '(" + std::to_string(step * static_cast<int64_t>(i)) + ",0)'::tid";
      if (i + 1 < n) {
        range += std::string(range.empty() ? "" : " AND ") + "ctid < '(" +
                 std::to_string(step * static_cast<int64_t>(i + 1)) + ",0)'::tid";
      }
      threads.emplace_back([&, i, range] {
        struct End {
          const CsvSink& sink;
          ~End() { sink({}); }
        } end{sinks[i]};
        try {
          Conn conn = connect();
          exec(conn.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", PGRES_COMMAND_OK);
          exec(conn.get(), "SET TRANSACTION SNAPSHOT " + quote_text(snapshot), PGRES_COMMAND_OK);
          sent[i] = copy_out(conn.get(), query(table, columns, incremental_field, after, lookback_seconds, range),
                             [&](std::string_view data) { return !failed && sinks[i](data); });
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!first_error) first_error = std::current_exception();
          failed = true;
        }
      });
    }
    for (auto& t : threads) t.join();
    if (first_error) std::rethrow_exception(first_error);
    uint64_t total = 0;
    for (uint64_t s : sent) total += s;
    return total;
  }

 private:
  Conn connect() { return pg::connect(c_); }

  // The COPY's query: the columns (bytea as hex), past the cursor less the lookback when
  // incremental, within `range` (a ctid range of one part) when given.
  static std::string query(const SourceTable& table, const std::vector<SourceColumn>& columns,
                           const std::string& incremental_field, const std::optional<std::string>& after,
                           int64_t lookback_seconds, const std::string& range) {
    std::string select;
    for (const auto& c : columns) {
      if (!select.empty()) select += ", ";
      // bytea as plain hex: its escape form is not what DuckDB's BLOB cast reads.
      select += c.duck_type == "BLOB" ? "encode(" + quote_ident(c.name) + ", 'hex')" : quote_ident(c.name);
    }
    std::string q = "SELECT " + select + " FROM " + quote_ident(table.schema) + "." + quote_ident(table.name);
    std::string where = range;
    if (!incremental_field.empty() && after) {
      std::string type;
      for (const auto& c : table.columns) {
        if (c.name == incremental_field) type = c.source_type;
      }
      std::string bound = quote_text(*after) + "::" + type;
      bool dated = type == "date" || type.rfind("timestamp", 0) == 0;
      if (dated && lookback_seconds > 0) {
        bound = "(" + bound + " - interval '" + std::to_string(lookback_seconds) + " seconds')";
      }
      where += std::string(where.empty() ? "" : " AND ") + quote_ident(incremental_field) + " > " + bound;
    }
    return where.empty() ? q : q + " WHERE " + where;
  }

  // Runs COPY (query) TO STDOUT as CSV into `sink`; returns the rows it sent.
  static uint64_t copy_out(PGconn* conn, const std::string& query, const CsvSink& sink) {
    Res r = exec(conn, "COPY (" + query + ") TO STDOUT (FORMAT csv)", PGRES_COPY_OUT);
    char* buffer = nullptr;
    bool stopped = false;
    int n;
    while ((n = PQgetCopyData(conn, &buffer, 0)) > 0) {
      bool more = stopped ? false : sink(std::string_view(buffer, static_cast<size_t>(n)));
      PQfreemem(buffer);
      if (!more && !stopped) {
        stopped = true;
        // The reader went away: cancel the COPY instead of reading it to its end.
        if (PGcancel* cancel = PQgetCancel(conn)) {
          char err[256];
          PQcancel(cancel, err, sizeof err);
          PQfreeCancel(cancel);
        }
      }
    }
    if (n == -2) throw SourceError(true, "PostgreSQL: " + std::string(PQerrorMessage(conn)));
    Res done(PQgetResult(conn), &PQclear);
    if (stopped) throw SourceError(false, "the sync stopped reading");
    check(done.get(), PGRES_COMMAND_OK);
    return std::stoull(PQcmdTuples(done.get()));
  }

  Connection c_;
};

}  // namespace

std::unique_ptr<Source> open_postgres(const nlohmann::json& c, const std::string& password) {
  return std::make_unique<PostgresSource>(connection_of(c, password));
}

}  // namespace ducklings::sources
