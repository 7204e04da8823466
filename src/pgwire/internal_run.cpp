#include "pgwire/internal_run.h"

#include <spdlog/spdlog.h>

#include "gateway/engine.h"
#include "pgwire/pg_types.h"
#include "pgwire/text_result_encoder.h"
#include "sql/error_mapping.h"
#include "sql/parser.h"
#include "sql/storage_urls.h"

namespace ducklings::pgwire {
namespace {

using K = sql::StatementKind;

// A superuser's statements in one duckling, as a simple Query (or, with parameters, the
// extended protocol) would run them in a session, without the session.
class InternalRun {
 public:
  InternalRun(gateway::Engine& engine, sql::SessionSettings& settings)
      : engine_(engine), settings_(settings) {}

  gateway::Result run(const gateway::Request& request) {
    check_text_encoding(request.sql);  // as a session checks a Query's or a Parse's text
    std::vector<sql::StatementText> parts = sql::split_statements(request.sql);
    if (!request.parameters.empty() && parts.size() > 1) {
      throw SqlError("42601", "cannot insert multiple commands into a prepared statement");
    }
    bool multi = parts.size() > 1;
    gateway::Result result;
    for (const auto& part : parts) {
      try {
        sql::Statement st = sql::analyze(part);
        bool control = st.kind == K::kBegin || st.kind == K::kCommit || st.kind == K::kRollback;
        // Several statements run in one implicit transaction, as in PostgreSQL.
        if (multi && !block_ && !implicit_ && !st.read_only && !control) {
          begin();
          implicit_ = true;
        }
        std::string tag = statement(st, request.parameters, result);
        if (!tag.empty()) {
          result.tag = tag;
          result.tags.push_back(tag);
        }
        if (!st.read_only) engine_.warehouse().data_changed();
      } catch (const duck::DuckError& e) {
        abort();
        throw sql::to_sql_error(e, part.text, 0);
      } catch (...) {
        abort();
        throw;
      }
    }
    if (implicit_) end(true);
    if (block_) end(false);  // a BEGIN left open ends with the request, as a session's would
    return result;
  }

 private:
  // Runs one statement; returns its command tag ("" for none).
  std::string statement(const sql::Statement& st, const std::vector<gateway::Parameter>& parameters,
                        gateway::Result& result) {
    gateway::refuse_too_complex(st);
    switch (st.kind) {
      case K::kEmpty:
        return "";
      case K::kBegin:
        if (!implicit_ && !block_) begin();
        implicit_ = false;  // the implicit transaction becomes the block, as in PostgreSQL
        block_ = true;
        return "BEGIN";
      case K::kCommit:
      case K::kRollback:
        if (implicit_ || block_) end(st.kind == K::kCommit);
        return st.kind == K::kCommit ? "COMMIT" : "ROLLBACK";
      default:
        break;
    }
    if (gateway::is_role_statement(st) && !sql::root_node(st)->has_alter_role_stmt()) {
      engine_.check_sandbox(st);
      std::optional<sql::StatementAccess> access;
      engine_.authorize(st, access);
      std::string tag = engine_.run_role_statement(st);
      schema_changed();
      return tag;
    }
    if (const pg_query::Node* root = sql::root_node(st); root && root->has_variable_set_stmt()) {
      return set(st, root->variable_set_stmt());
    }
    if (const pg_query::Node* root = sql::root_node(st); root && root->has_copy_stmt()) {
      const auto& copy = root->copy_stmt();
      // The server's own COPY … TO a file of the duckling's tmp/ (golden tables) or a storage.
      if (!copy.is_from() && !copy.is_program() && !copy.filename().empty()) {
        std::string options = storage_copy_options(copy);
        std::shared_ptr<gateway::PreparedQuery> q = engine_.prepare(sql::analyze({copy_source_query(copy), 0}), {});
        if (!q->returns_rows || q->duck_text.empty()) {
          throw SqlError("0A000", "COPY … TO takes a query DuckDB runs as one statement");
        }
        engine_.authorize(q->statement, q->access);
        duck::TaskAssist::Running running(engine_.warehouse().assist());
        uint64_t rows = sql::is_storage_url(copy.filename())
                            ? engine_.copy_to_storage(q->duck_text, options, copy.filename())
                            : engine_.copy_to_file(q->duck_text, options, copy.filename());
        return "COPY " + std::to_string(rows);
      }
    }
    if (gateway::is_session_statement(st)) {
      throw SqlError("0A000", st.tag + " is not supported in the server's own SQL");
    }
    std::vector<int32_t> types;
    for (const auto& p : parameters) types.push_back(p.type_oid);
    std::shared_ptr<gateway::PreparedQuery> prepared = engine_.prepare(st, types);
    gateway::PreparedQuery& q = *prepared;
    engine_.authorize(q.statement, q.access);
    duck::TaskAssist::Running running(engine_.warehouse().assist());
    if (!q.script.empty()) {
      bool atomic = !implicit_ && !block_ && gateway::script_wants_transaction(q);
      if (atomic) begin();
      try {
        std::string tag = engine_.run_script(q);
        if (atomic) commit_or_rollback(true);
        schema_changed();
        return tag;
      } catch (...) {
        if (atomic) commit_or_rollback(false);
        throw;
      }
    }
    if (!q.modifying_steps.empty()) {
      throw SqlError("0A000", "a data-modifying WITH is not supported in the server's own SQL");
    }
    engine_.refresh_plan(q);
    duck::PreparedStatement& p = *q.duck;
    p.clear_bindings();
    for (size_t i = 0; i < parameters.size(); ++i) {
      if (parameters[i].text) {
        engine_.bind_text_parameter(q, i, *parameters[i].text);
      } else {
        p.bind_null(i);
      }
    }
    duck::Result r = p.execute(false);
    if (q.statement.kind == K::kUtility) schema_changed();
    if (gateway::answers_row_count(q, r)) {
      duck::DataChunk c = r.fetch();
      uint64_t n =
          c && c.size() > 0
              ? static_cast<uint64_t>(*static_cast<int64_t*>(duckdb_vector_get_data(c.column(0))))
              : 0;
      return gateway::completion_tag(q.statement, n);
    }
    if (!q.returns_rows) return gateway::completion_tag(q.statement, 0);
    if (q.explain) {
      result.columns.push_back("QUERY PLAN");
      std::vector<std::string> lines = gateway::explain_lines(r);
      for (auto& line : lines) result.rows.push_back({std::move(line)});
      return gateway::completion_tag(q.statement, lines.size());
    }
    return read_rows(q, r, result);
  }

  // The rows of `r` in PostgreSQL's text forms, as a session sends them.
  std::string read_rows(const gateway::PreparedQuery& q, duck::Result& r, gateway::Result& result) {
    idx_t cols = r.column_count();
    if (cols > gateway::kMaxColumns) {
      throw SqlError("54011", "target lists can have at most " +
                                  std::to_string(gateway::kMaxColumns) + " entries");
    }
    std::vector<std::unique_ptr<ColumnEncoder>> encoders;
    for (idx_t i = 0; i < cols; ++i) {
      result.columns.push_back(r.column_name(i));  // as RowDescription names it
      encoders.push_back(
          result_column_encoder(q, i, cols, r.column_type(i).get(), Format::kText, options_));
    }
    uint64_t count = 0;
    std::string value;
    while (duck::DataChunk chunk = r.fetch()) {
      for (idx_t c = 0; c < cols; ++c) encoders[c]->set_vector(chunk.column(c));
      for (idx_t row = 0; row < chunk.size(); ++row) {
        std::vector<std::optional<std::string>> values;
        for (idx_t c = 0; c < cols; ++c) {
          if (encoders[c]->is_null(row)) {
            values.emplace_back(std::nullopt);
            continue;
          }
          value.clear();
          encoders[c]->append_value(row, value);
          values.emplace_back(value);
        }
        result.rows.push_back(std::move(values));
        ++count;
      }
    }
    return gateway::completion_tag(q.statement, count);
  }

  // SET of a PostgreSQL parameter (kept in the settings), or of a DuckDB setting the sandbox
  // allows.
  std::string set(const sql::Statement& st, const pg_query::VariableSetStmt& set) {
    std::string name = set.name();
    if (settings_.known(name)) {
      std::string canonical = name;
      if (set.kind() == pg_query::VAR_SET_VALUE && set.args_size() == 1 &&
          set.args(0).has_a_const() && set.args(0).a_const().has_sval()) {
        canonical = settings_.set(name, set.args(0).a_const().sval().sval());
      } else if (set.kind() == pg_query::VAR_RESET || set.kind() == pg_query::VAR_SET_DEFAULT) {
        canonical = settings_.reset(name);
      } else {
        throw SqlError("0A000", "this SET is not supported in the server's own SQL");
      }
      if (canonical == "TimeZone") {
        throw SqlError("0A000", "the server's own SQL runs in UTC");
      }
      if (canonical == "search_path") engine_.search_path_set();
      engine_.publish_settings();
      return "SET";
    }
    if (set.kind() != pg_query::VAR_SET_VALUE) {
      throw SqlError("0A000", "this SET is not supported in the server's own SQL");
    }
    engine_.check_engine_setting(name, false);
    engine_.connection().query(st.text);
    return "SET";
  }

  void begin() { engine_.connection().query("BEGIN TRANSACTION"); }

  // Ends the implicit transaction or the block.
  void end(bool commit) {
    implicit_ = false;
    block_ = false;
    if (!commit) engine_.forget_catalog_snapshot();  // the refresh rolled back too
    commit_or_rollback(commit);
    if (schema_changed_) engine_.warehouse().schema_changed();  // others see the DDL only now
    schema_changed_ = false;
    engine_.warehouse().data_changed();
  }

  void commit_or_rollback(bool commit) {
    engine_.connection().query(commit ? "COMMIT" : "ROLLBACK");
  }

  // After a failed statement: what its transaction did is undone.
  void abort() noexcept {
    if (!implicit_ && !block_) return;
    try {
      end(false);
    } catch (const std::exception& e) {
      spdlog::warn("internal run: rollback failed: {}", e.what());
    }
  }

  // DDL ran: other sessions' caches of catalog facts look again (now, and at commit).
  void schema_changed() {
    engine_.warehouse().schema_changed();
    schema_changed_ = implicit_ || block_;
  }

  gateway::Engine& engine_;
  sql::SessionSettings& settings_;
  EncodeOptions options_;  // UTC, PostgreSQL's default float digits
  bool implicit_ = false;  // a transaction opened for several statements
  bool block_ = false;     // BEGIN … COMMIT
  bool schema_changed_ = false;
};

// While it lives, `process_id` may signal sessions (pg_cancel_backend) as the server.
struct InternalCaller {
  SessionRegistry& registry;
  int32_t process_id;
  InternalCaller(SessionRegistry& r, int32_t pid) : registry(r), process_id(pid) {
    registry.add_internal_caller(pid);
  }
  ~InternalCaller() { registry.remove_internal_caller(process_id); }
};

}  // namespace

namespace {

// The engine of one principal in one duckling, kept for a session's requests.
class InProcessSession : public gateway::Session {
 public:
  InProcessSession(const InternalServices& services, const gateway::Request& base, int32_t process_id)
      : admission_{admitted(services, base.database)},
        engine_(admission_.warehouse, gateway::Principal{"duckgres", base.database, true, "", "", base.system},
                sql::SandboxContext{base.database, split_list(services.config.readable_directories)},
                settings_with_defaults(settings_), audit_hooks(services, base)),
        caller_(services.registry, process_id) {
    engine_.identify(process_id);
    engine_.refresh_privileges();
    engine_.publish_settings();
  }
  gateway::Result run(const std::string& sql, const std::vector<gateway::Parameter>& parameters) override {
    gateway::Request request;
    request.sql = sql;
    request.parameters = parameters;
    return InternalRun(engine_, settings_).run(request);
  }

 private:
  static std::shared_ptr<warehouse::Warehouse> admitted(const InternalServices& services, const std::string& database) {
    std::shared_ptr<warehouse::Warehouse> warehouse = services.warehouses.find(database);
    if (!warehouse) throw SqlError("3D000", "database \"" + database + "\" does not exist");
    warehouse->admit(0);  // counted while it runs, like a session (no cap for the server)
    return warehouse;
  }
  static sql::SessionSettings& settings_with_defaults(sql::SessionSettings& settings) {
    settings.set("session_authorization", "duckgres");
    settings.set("application_name", "duckgres api");
    settings.commit_defaults();
    return settings;
  }
  static gateway::EngineHooks audit_hooks(const InternalServices& services, const gateway::Request& base) {
    gateway::EngineHooks hooks;
    // The handler is the server's; `services` itself is often a temporary.
    const ControlRequestHandler& control_requests = services.control_requests;
    hooks.audit = [&control_requests, database = base.database, actor = base.actor](
                      const std::string& action, const std::string& target, const std::string& detail) {
      if (!control_requests) return;
      std::string error = control_requests(database, {{"action", "audit"},
                                                               {"user", "duckgres"},
                                                               {"actor", actor},
                                                               {"event", action},
                                                               {"target", target},
                                                               {"detail", detail}})
                              .error;
      if (!error.empty()) spdlog::error("audit entry for {} failed: {}", action, error);
    };
    return hooks;
  }

  // Leaves the warehouse however the session ends (an engine that failed to start included).
  struct Admission {
    std::shared_ptr<warehouse::Warehouse> warehouse;
    ~Admission() { warehouse->leave(); }
  } admission_;
  sql::SessionSettings settings_;  // before engine_, which keeps a reference
  gateway::Engine engine_;
  InternalCaller caller_;
};

}  // namespace

std::unique_ptr<gateway::Session> open_internal(const InternalServices& services, const gateway::Request& base,
                                                int32_t process_id) {
  return std::make_unique<InProcessSession>(services, base, process_id);
}

gateway::Result run_internal(const InternalServices& services, const gateway::Request& request,
                             int32_t process_id) {
  return open_internal(services, request, process_id)->run(request.sql, request.parameters);
}

}  // namespace ducklings::pgwire
