// SET, RESET, SHOW and DISCARD: PostgreSQL parameters kept in the session, DuckDB settings
// passed through, and the ParameterStatus messages clients expect when reported ones change.
#include <algorithm>

#include "duck/pg_functions.h"
#include "pgwire/session.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"

namespace ducklings::pgwire {
namespace {

std::string const_text(const pg_query::Node& n) {
  if (n.has_a_const()) {
    const auto& c = n.a_const();
    if (c.isnull()) return "";
    if (c.has_ival()) return std::to_string(c.ival().ival());
    if (c.has_fval()) return c.fval().fval();
    if (c.has_sval()) return c.sval().sval();
    if (c.has_boolval()) return c.boolval().boolval() ? "on" : "off";
    if (c.has_bsval()) return c.bsval().bsval();
  }
  if (n.has_type_cast() && n.type_cast().has_arg()) return const_text(n.type_cast().arg());
  if (n.has_string()) return n.string().sval();
  throw SqlError("22023", "unsupported value in SET");
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

}  // namespace

void Session::publish_settings() {
  sync_transaction_settings();
  {
    std::lock_guard lock(activity_mutex_);  // pg_stat_activity reads it from other threads
    activity_application_name_ = *settings_.get("application_name");
  }
  before_duckdb_call();
  engine_->publish_settings();
  query_cache_.clear();  // plans of statements that read settings hold the old values
}

void Session::set_parameter(const std::string& name, const std::string& value) {
  std::string canonical = settings_.set(name, value);
  if (ready_for_queries_) publish_settings();
  if (canonical == "TimeZone") apply_timezone();
  if (canonical == "search_path") engine_->search_path_set();
  if (canonical == "extra_float_digits") {
    try {
      encode_options_.extra_float_digits = std::stoi(*settings_.get(canonical));
    } catch (const std::exception&) {
      encode_options_.extra_float_digits = 1;
    }
  }
  if (canonical == "statement_timeout")
    statement_timeout_ms_ = sql::parse_duration_ms(canonical, *settings_.get(canonical));
  if (ready_for_queries_ && settings_.reportable(canonical)) {
    write_parameter_status(out_, canonical, *settings_.get(canonical));
  }
}

void Session::apply_timezone() {
  std::string tz = *settings_.get("TimeZone");
  before_duckdb_call();
  try {
    connection().query("SET TimeZone = " + sql::quote_literal(tz));
    duck::Result r = connection().query(
        "SELECT CAST(epoch(CAST(now() AS TIMESTAMP)) - epoch(now()) AS INTEGER)");
    duck::DataChunk c = r.fetch();
    if (c && c.size() > 0) {
      encode_options_.utc_offset_seconds =
          static_cast<int32_t*>(duckdb_vector_get_data(c.column(0)))[0];
    }
    encode_options_.time_zone = duck::TimeZone::find(tz);  // per-value offsets (DST)
  } catch (const duck::DuckError&) {
    settings_.set("TimeZone", "UTC");
    connection().query("SET TimeZone = 'UTC'");
    encode_options_.utc_offset_seconds = 0;
    encode_options_.time_zone = nullptr;
    throw SqlError("22023", "invalid value for parameter \"TimeZone\": \"" + tz + "\"");
  }
}

bool Session::handle_set(const sql::Statement& st, Output output) {
  const pg_query::Node* root = sql::root_node(st);
  if (!root) throw SqlError("XX000", "statement cannot be handled by the session");
  if (root->has_variable_show_stmt()) {
    std::string name = root->variable_show_stmt().name();
    if (lower(name) == "all") {
      std::vector<std::vector<std::optional<std::string>>> rows;
      for (auto& r : settings_.all()) rows.push_back({r[0], r[1], r[2]});
      send_synthetic({"name", "setting", "description"}, rows, "SHOW", output);
      return true;
    }
    if (lower(name) == "transaction isolation level") name = "transaction_isolation";
    if (lower(name) == "timezone") name = "TimeZone";
    std::optional<std::string> value = settings_.get(name);
    std::string column = value ? lower(name) : name;
    if (value && lower(name) == "timezone") column = "TimeZone";
    if (value && lower(name) == "datestyle") column = "DateStyle";
    if (value && lower(name) == "intervalstyle") column = "IntervalStyle";
    if (!value && output != Output::kDescribe) {
      engine_->check_engine_setting(name, true);
      before_duckdb_call();
      try {
        duck::Result r = connection().query("SELECT CAST(current_setting(" +
                                            sql::quote_literal(name) + ") AS VARCHAR)");
        duck::DataChunk c = r.fetch();
        if (c && c.size() > 0) value = c.varchar(0, 0);
      } catch (const duck::DuckError&) {
      }
      if (!value) throw SqlError("42704", "unrecognized configuration parameter \"" + name + "\"");
    }
    send_synthetic({column}, {{value}}, "SHOW", output);
    return true;
  }
  if (output == Output::kDescribe) {
    write_simple(out_, 'n');
    return true;
  }
  if (root->has_deallocate_stmt()) {
    const std::string& name = root->deallocate_stmt().name();
    if (name.empty()) {  // DEALLOCATE ALL
      statements_.clear();
      write_command_complete(out_, "DEALLOCATE ALL");
      return true;
    }
    // SQL PREPAREs live beside the protocol's statements (sql_prepare.cpp), none in DuckDB.
    if (!statements_.erase(name)) {
      throw SqlError("26000", "prepared statement \"" + name + "\" does not exist");
    }
    write_command_complete(out_, "DEALLOCATE");
    return true;
  }
  if (root->has_discard_stmt()) {
    if (txn_ != TxnStatus::kIdle) {
      throw SqlError("25001", "DISCARD ALL cannot run inside a transaction block");
    }
    before_duckdb_call();
    portals_.clear();
    cursors_.clear();
    statements_.clear();
    for (auto& [name, value] : settings_.reported()) {
      std::string before = value;
      settings_.reset(name);
      if (*settings_.get(name) != before) write_parameter_status(out_, name, *settings_.get(name));
    }
    settings_.reset_all();
    publish_settings();
    apply_timezone();
    statement_timeout_ms_ =
        sql::parse_duration_ms("statement_timeout", *settings_.get("statement_timeout"));
    write_command_complete(out_, "DISCARD ALL");
    return true;
  }
  const auto& set = root->variable_set_stmt();
  std::string name = set.name();
  if (lower(name) == "timezone") name = "TimeZone";
  switch (set.kind()) {
    case pg_query::VAR_SET_VALUE: {
      std::string value;
      for (int i = 0; i < set.args_size(); ++i) {
        if (i) value += ", ";
        value += const_text(set.args(i));
      }
      if (settings_.known(name)) {
        if (begin_setting(name, set.is_local())) set_parameter(name, value);  // transactional
      } else {
        // Not a PostgreSQL parameter: maybe a DuckDB setting a session may change.
        engine_->check_engine_setting(name, false);
        before_duckdb_call();
        try {
          connection().query(st.text);
        } catch (const duck::DuckError& e) {
          if (e.type() == DUCKDB_ERROR_CATALOG || e.type() == DUCKDB_ERROR_INVALID ||
              std::string(e.what()).find("unrecognized configuration") != std::string::npos) {
            throw SqlError("42704", "unrecognized configuration parameter \"" + name + "\"");
          }
          throw sql::to_sql_error(e, st.text, st.offset);
        }
      }
      write_command_complete(out_, "SET");
      return true;
    }
    case pg_query::VAR_SET_DEFAULT:
    case pg_query::VAR_RESET: {
      if (settings_.known(name)) {
        std::string canonical = settings_.reset(name);
        publish_settings();
        if (canonical == "TimeZone") apply_timezone();
        if (canonical == "search_path") engine_->search_path_set();
        if (canonical == "statement_timeout")
          statement_timeout_ms_ = sql::parse_duration_ms(canonical, *settings_.get(canonical));
        if (settings_.reportable(canonical)) {
          write_parameter_status(out_, canonical, *settings_.get(canonical));
        }
      } else {
        engine_->check_engine_setting(name, false);
        before_duckdb_call();
        try {
          connection().query("RESET " + name);
        } catch (const duck::DuckError&) {
          throw SqlError("42704", "unrecognized configuration parameter \"" + name + "\"");
        }
      }
      write_command_complete(out_, set.kind() == pg_query::VAR_RESET ? "RESET" : "SET");
      return true;
    }
    case pg_query::VAR_RESET_ALL: {
      for (auto& [n, value] : settings_.reported()) {
        std::string before = value;
        settings_.reset(n);
        if (*settings_.get(n) != before) write_parameter_status(out_, n, *settings_.get(n));
      }
      settings_.reset_all();
      publish_settings();
      apply_timezone();
      statement_timeout_ms_ =
          sql::parse_duration_ms("statement_timeout", *settings_.get("statement_timeout"));
      write_command_complete(out_, "RESET");
      return true;
    }
    case pg_query::VAR_SET_MULTI: {
      // SET TRANSACTION … / SET SESSION CHARACTERISTICS AS TRANSACTION …
      bool session = name == "SESSION CHARACTERISTICS";
      for (const auto& arg : set.args()) {
        if (!arg.has_def_elem()) continue;
        const auto& d = arg.def_elem();
        std::string v = d.has_arg() ? const_text(d.arg()) : "";
        if (d.defname() == "transaction_isolation") {
          set_parameter(session ? "default_transaction_isolation" : "transaction_isolation", v);
        } else if (d.defname() == "transaction_read_only") {
          set_parameter(session ? "default_transaction_read_only" : "transaction_read_only", v);
        }
      }
      write_command_complete(out_, "SET");
      return true;
    }
    default:
      write_command_complete(out_, "SET");
      return true;
  }
}

}  // namespace ducklings::pgwire
