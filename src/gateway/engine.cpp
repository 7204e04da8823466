#include "gateway/engine.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>
#include <set>
#include <utility>

#include "common/digest.h"

#include "gateway/text_parameters.h"
#include "pgtypes/pg_type_table.h"
#include "sql/catalog.h"
#include "sql/engine_macros.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"
#include "sql/rewrite_dml.h"
#include "sql/rewrite_matview.h"
#include "sql/storage_urls.h"
#include "sql/tree_walk.h"

namespace ducklings::gateway {
namespace {
// Whether DuckDB settled a parameter's type when it prepared the statement (not a literal's
// or one any value would fit).
bool resolved_parameter_type(const duck::LogicalType& t) {
  return t.get() && t.id() != DUCKDB_TYPE_INVALID && t.id() != DUCKDB_TYPE_ANY && t.id() != DUCKDB_TYPE_SQLNULL &&
         t.id() != DUCKDB_TYPE_STRING_LITERAL && t.id() != DUCKDB_TYPE_INTEGER_LITERAL;
}
}  // namespace

const pg_query::FuncCall* set_config_call(const sql::Statement& s) {
  const pg_query::Node* root = sql::root_node(s);
  if (!root || !root->has_select_stmt()) return nullptr;
  const auto& sel = root->select_stmt();
  if (sel.from_clause_size() || sel.target_list_size() != 1 ||
      !sel.target_list(0).has_res_target() || !sel.target_list(0).res_target().has_val() ||
      !sel.target_list(0).res_target().val().has_func_call()) {
    return nullptr;
  }
  const auto& call = sel.target_list(0).res_target().val().func_call();
  const auto& names = call.funcname();
  if (names.empty() || !names[names.size() - 1].has_string() ||
      names[names.size() - 1].string().sval() != "set_config" || call.args_size() != 3) {
    return nullptr;
  }
  for (const auto& a : call.args()) {
    if (!a.has_a_const()) return nullptr;
  }
  return &call;
}

bool is_session_statement(const sql::Statement& s) {
  if (set_config_call(s)) return true;
  using K = sql::StatementKind;
  switch (s.kind) {
    case K::kEmpty:
    case K::kBegin:
    case K::kCommit:
    case K::kRollback:
    case K::kSavepoint:
    case K::kCopy:
    case K::kDeclareCursor:
    case K::kFetch:
    case K::kCloseCursor:
      return true;
    default:
      break;
  }
  const pg_query::Node* root = sql::root_node(s);
  if (!root) return false;
  switch (root->node_case()) {
    case pg_query::Node::kVariableSetStmt:
    case pg_query::Node::kVariableShowStmt:
    case pg_query::Node::kDiscardStmt:
    case pg_query::Node::kDeallocateStmt:
    case pg_query::Node::kGrantStmt:
    case pg_query::Node::kGrantRoleStmt:
    case pg_query::Node::kCreateRoleStmt:
    case pg_query::Node::kDropRoleStmt:
    case pg_query::Node::kAlterRoleStmt:
    case pg_query::Node::kUnlistenStmt:
    case pg_query::Node::kPrepareStmt:
    case pg_query::Node::kExecuteStmt:
      return true;
    default:
      return false;
  }
}

bool is_role_statement(const sql::Statement& statement) {
  const pg_query::Node* root = sql::root_node(statement);
  return root &&
         (root->has_grant_stmt() || root->has_grant_role_stmt() || root->has_create_role_stmt() ||
          root->has_drop_role_stmt() || root->has_alter_role_stmt());
}

void refuse_too_complex(const sql::Statement& statement) {
  if (statement.parse_error.too_complex) {
    throw SqlError("54001", statement.parse_error.message, 0, "",
                   "Nest expressions, subqueries and list literals less deeply, or split the "
                   "statement.");
  }
}

std::string completion_tag(const sql::Statement& st, uint64_t n) {
  switch (st.kind) {
    case sql::StatementKind::kInsert:
      return "INSERT 0 " + std::to_string(n);
    case sql::StatementKind::kUpdate:
      return "UPDATE " + std::to_string(n);
    case sql::StatementKind::kDelete:
      return "DELETE " + std::to_string(n);
    case sql::StatementKind::kQuery:
      if (st.tag == "SHOW" || st.tag == "EXPLAIN") return st.tag;
      return "SELECT " + std::to_string(n);
    default:
      break;
  }
  if (st.tag == "CREATE TABLE AS" || st.tag == "CREATE MATERIALIZED VIEW") {
    return "SELECT " + std::to_string(n);
  }
  if (st.tag == "MERGE") return "MERGE " + std::to_string(n);
  return st.tag;
}

std::vector<std::string> explain_lines(duck::Result& result) {
  std::vector<std::string> lines;
  while (true) {
    duck::DataChunk c = result.fetch();
    if (!c) break;
    for (idx_t r = 0; r < c.size(); ++r) {
      std::string value = c.varchar(1, r).value_or("");
      size_t first = value.find_first_not_of(" \n");
      if (first != std::string::npos && (value[first] == '[' || value[first] == '{')) {
        lines.push_back(value);  // FORMAT JSON: one value, as PostgreSQL gives it
        continue;
      }
      size_t start = 0;
      while (start < value.size()) {
        size_t end = value.find('\n', start);
        if (end == std::string::npos) end = value.size();
        std::string line = value.substr(start, end - start);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        if (!line.empty()) lines.push_back(std::move(line));
        start = end + 1;
      }
    }
  }
  return lines;
}

bool answers_row_count(const PreparedQuery& q, duck::Result& result) {
  sql::StatementKind k = q.statement.kind;
  bool dml = k == sql::StatementKind::kInsert || k == sql::StatementKind::kUpdate ||
             k == sql::StatementKind::kDelete;
  duckdb_result_type rt = result.result_type();
  // CREATE TABLE AS answers with its row count too ("SELECT n"), as a one-column result.
  bool ctas = q.statement.tag == "CREATE TABLE AS" && result.column_count() == 1 &&
              result.column_type(0).id() == DUCKDB_TYPE_BIGINT;
  return !q.returns_rows && (dml || ctas || rt == DUCKDB_RESULT_TYPE_CHANGED_ROWS);
}

bool script_wants_transaction(const PreparedQuery& q) {
  // The statements together are one: all or none (an index dropped to alter its table is made
  // again only at the end). Not TRUNCATE … CASCADE's: DuckDB checks a foreign key against the
  // rows its own transaction deleted, so the referenced table's TRUNCATE would fail.
  size_t truncates = std::count_if(q.script.begin(), q.script.end(), [](const std::string& sql) {
    return sql.rfind("TRUNCATE ", 0) == 0;
  });
  return q.script.size() > 1 && truncates < 2;
}

Engine::Engine(std::shared_ptr<warehouse::Warehouse> warehouse, Principal principal,
               sql::SandboxContext sandbox, const sql::SessionSettings& settings, EngineHooks hooks)
    : warehouse_(std::move(warehouse)),
      principal_(std::move(principal)),
      sandbox_(std::move(sandbox)),
      settings_(settings),
      hooks_(std::move(hooks)) {
  connection_ = warehouse_->connect();
  // integer_division, and the search path that finds the instance's macros (sql/engine_macros:
  // created once per DuckDB instance, so a new session creates nothing).
  connection_->query(sql::session_setup_sql());
}

void Engine::refresh_plan(PreparedQuery& q) {
  refuse_unpopulated_matviews(q.statement);
  if (q.storage_statement) {
    // Objects of storages are fetched for each execution: they may have changed since.
    if (q.storage_fresh) {
      q.storage_fresh = false;
    } else {
      std::shared_ptr<PreparedQuery> fresh = prepare(*q.storage_statement, q.parameter_types);
      fresh->storage_fresh = false;
      q = std::move(*fresh);
      return;
    }
  }
  before_call();
  if (q.uses_catalog) refresh_catalog_snapshot();
  uint64_t data = warehouse_->data_generation();
  if (!q.duck_text.empty() &&
      ((q.reads_settings && q.settings_generation != settings_generation_) ||
       q.data_generation != data)) {
    q.duck = std::make_unique<duck::PreparedStatement>(connection_->prepare(q.duck_text));
    q.settings_generation = settings_generation_;
    q.data_generation = data;
  }
}

void Engine::bind_text_parameter(PreparedQuery& q, size_t i, const std::string& text) {
  duck::PreparedStatement& p = *q.duck;
  int32_t type = i < q.parameter_types.size() ? q.parameter_types[i] : 0;
  if (type == pgtypes::oid::kBytea) {
    std::string bytes = decode_bytea_text(text);
    p.bind(i, duck::Value(duckdb_create_blob(reinterpret_cast<const uint8_t*>(bytes.data()),
                                             bytes.size())));
    return;
  }
  duckdb_type inferred = q.parameter_duck_types[i];
  bool list = inferred != DUCKDB_TYPE_INVALID
                  ? inferred == DUCKDB_TYPE_LIST
                  : pgtypes::element_oid_of(type) != 0 || (!text.empty() && text[0] == '{');
  if (list) {
    // PostgreSQL's array text ('{1,2}'), which DuckDB does not read: bind a list of strings
    // and let DuckDB cast the elements.
    if (std::optional<sql::ArrayLiteral> a = sql::parse_array_literal(text)) {
      p.bind(i, varchar_list(*a));
      return;
    }
  }
  // A value of the type DuckDB inferred, or else of the type the client declared, as
  // PostgreSQL would resolve it; other types go as text for DuckDB to cast.
  duckdb_type want = inferred != DUCKDB_TYPE_INVALID ? inferred
                     : q.parameter_declared[i]       ? duck_type_for_oid(type)
                                                     : DUCKDB_TYPE_INVALID;
  if (want == DUCKDB_TYPE_INVALID && !q.parameter_declared[i]) {
    // An untyped literal that reads as an integer acts as one (pgbench's ":delta").
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size()) {
      want = v >= INT32_MIN && v <= INT32_MAX ? DUCKDB_TYPE_INTEGER : DUCKDB_TYPE_BIGINT;
    }
  }
  if (std::optional<duck::Value> v = typed_text_value(want, text)) {
    p.bind(i, std::move(*v));
    return;
  }
  p.bind_varchar(i, text);
}

std::string Engine::run_script(const PreparedQuery& q) {
  refuse_unpopulated_matviews(q.statement);
  before_call();
  if (q.uses_catalog) refresh_catalog_snapshot();
  std::string tag = q.statement.tag;
  bool insert =
      q.statement.kind == sql::StatementKind::kInsert;  // an INSERT row by row: its rows count
  int64_t inserted = 0;
  for (size_t i = 0; i < q.script.size(); ++i) {
    try {
      duck::Result r = connection_->query(q.script[i]);
      if (insert && r.column_count() == 1 && r.column_type(0).id() == DUCKDB_TYPE_BIGINT) {
        duck::DataChunk c = r.fetch();
        if (c && c.size() > 0)
          inserted += *static_cast<int64_t*>(duckdb_vector_get_data(c.column(0)));
        tag = "INSERT 0 " + std::to_string(inserted);
      }
      if (i == 0 && q.script_counts_rows && r.column_count() == 1 &&
          r.column_type(0).id() == DUCKDB_TYPE_BIGINT) {
        // Its rows count ("SELECT n"), as when it runs on its own.
        duck::DataChunk c = r.fetch();
        int64_t n =
            c && c.size() > 0 ? *static_cast<int64_t*>(duckdb_vector_get_data(c.column(0))) : 0;
        tag = "SELECT " + std::to_string(n);
      }
    } catch (const duck::DuckError& e) {
      throw sql::to_sql_error(e, q.script[i], 0);
    }
  }
  return tag;
}

void Engine::identify(int32_t process_id, const std::string& more) {
  before_call();
  connection_->query(
      "SET VARIABLE duckgres_user = " + sql::quote_literal(principal_.user) +
      "; SET VARIABLE duckgres_database = " + sql::quote_literal(principal_.database) +
      "; SET VARIABLE duckgres_superuser = " +
      std::string(principal_.superuser ? "true" : "false") +
      "; SET VARIABLE duckgres_backend_pid = " + std::to_string(process_id) +
      "; SET VARIABLE duckgres_start_time = now()" + more);
}

void Engine::publish_settings() {
  // current_setting() reads the session's parameters from this DuckDB variable.
  std::string map = "SET VARIABLE __pg_settings = MAP {";
  bool first = true;
  for (const auto& row : settings_.all()) {
    std::string key = row[0];
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    if (!first) map += ", ";
    first = false;
    map += sql::quote_literal(key) + ": " + sql::quote_literal(row[1]);
  }
  map += "}; SET VARIABLE duckgres_application_name = " +
         sql::quote_literal(settings_.get("application_name").value_or(""));
  before_call();
  connection_->query(map);
  // DuckDB folds getvariable() into a plan as a constant: plans of statements that read
  // settings (current_setting, pg_settings) are made again (refresh_plan).
  ++settings_generation_;
}

void Engine::check_engine_setting(const std::string& name, bool show) {
  static const char* const kVisible[] = {"threads", "memory_limit", "max_temp_directory_size"};
  if (sql::settable_engine_setting(name)) return;
  std::string l = name;
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  if (show && std::find(std::begin(kVisible), std::end(kVisible), l) != std::end(kVisible)) return;
  before_call();
  duck::Result r = connection_->query("SELECT count(*) FROM duckdb_settings() WHERE name = " +
                                      sql::quote_literal(l));
  duck::DataChunk c = r.fetch();
  if (!c || c.size() == 0 || *static_cast<int64_t*>(duckdb_vector_get_data(c.column(0))) == 0) {
    throw SqlError("42704", "unrecognized configuration parameter \"" + name + "\"");
  }
  throw SqlError(
      "42501",
      "permission denied to " + std::string(show ? "read" : "set") + " parameter \"" + name + "\"",
      0, "",
      "The duckling's compute size sets threads and memory; other engine "
      "settings stay as the server set them.");
}

void Engine::check_sandbox(const sql::Statement& statement) const {
  if (!principal_.system) sql::check_sandbox(statement, sandbox_);
}

std::shared_ptr<PreparedQuery> Engine::prepare(sql::Statement statement,
                                               const std::vector<int32_t>& parameter_types) {
  refuse_too_complex(statement);
  check_sandbox(statement);
  PreparedQuery staged;
  stage_storage_objects(statement, staged);
  if (!principal_.system) sync_search_path();  // DuckDB binds names as it prepares
  std::vector<PreparedQuery::ModifyingStep> modifying = prepare_modifying_steps(statement);
  // Statements whose DuckDB form needs catalog facts (sql/rewrite_dml.h), before the checks.
  std::vector<std::string> adapted =
      sql::adapt_statement(statement, [this](const std::string& query) {
        before_call();
        sql::CatalogRows rows;
        try {
          duck::Result r = connection_->query(query);
          while (true) {
            duck::DataChunk c = r.fetch();
            if (!c) break;
            for (idx_t i = 0; i < c.size(); ++i) {
              auto& row = rows.emplace_back();
              for (idx_t j = 0; j < r.column_count(); ++j) row.push_back(c.varchar(j, i));
            }
          }
        } catch (const duck::DuckError& e) {
          throw sql::to_sql_error(e, query, 0);
        }
        return rows;
      });
  if (!principal_.system && !statement.read_only && statement.tree) {
    refuse_server_schema_writes(sql::analyze_access(statement));
  }
  auto q = std::make_shared<PreparedQuery>();
  q->storage_lease = std::move(staged.storage_lease);
  q->storage_statement = std::move(staged.storage_statement);
  q->storage_fresh = staged.storage_fresh;
  q->statement = std::move(statement);
  q->parameter_types = parameter_types;
  q->modifying_steps = std::move(modifying);
  if (is_session_statement(q->statement)) {
    q->returns_rows = q->statement.returns_rows;
    return q;
  }
  adapt_alter_of_view(q->statement);
  if (!column_types_) column_types_ = std::make_unique<sql::ColumnTypeCache>(*connection_);
  column_types_->set_generation(warehouse_->schema_generation());
  sql::ColumnTypeLookup column_types = column_types_->as_lookup();  // PostgreSQL's result types
  bool was_adapted = !adapted.empty();
  std::vector<std::string> rewritten =
      adapted.empty() ? sql::rewrite_for_duckdb(q->statement, &column_types) : std::move(adapted);
  std::vector<std::string> bookkeeping = sql::catalog_bookkeeping(q->statement);
  if (!q->statement.skipped_existing) {
    for (auto& row : sql::stored_declared_types(q->statement, column_types))
      bookkeeping.push_back(std::move(row));
  }
  for (auto& row : sql::matview_bookkeeping(q->statement)) bookkeeping.push_back(std::move(row));
  auto reads_catalog = [](const std::string& sql) {
    return sql.find("duckgres_catalog") != std::string::npos ||
           sql.find("duckgres_information_schema") != std::string::npos;
  };
  if (q->statement.no_data) {
    // Answered with its tag: a script (whose second statement does nothing) says no count.
    if (rewritten.empty()) rewritten.push_back(q->statement.text);
    if (rewritten.size() == 1) rewritten.push_back("SELECT 1");
  }
  if (rewritten.size() > 1 || !bookkeeping.empty()) {
    if (!q->modifying_steps.empty()) {
      throw SqlError("0A000",
                     "this data-modifying statement in WITH is not supported by duckgres: the "
                     "statement after WITH runs as several statements here");
    }
    if (rewritten.empty()) rewritten.push_back(q->statement.text);
    // A plain CREATE TABLE AS with bookkeeping after it (adapted ones answer as they are).
    q->script_counts_rows =
        !was_adapted && !q->statement.no_data && rewritten.size() == 1 &&
        (q->statement.tag == "CREATE TABLE AS" || q->statement.tag == "CREATE MATERIALIZED VIEW");
    rewritten.insert(rewritten.end(), bookkeeping.begin(), bookkeeping.end());
    q->uses_catalog = std::any_of(rewritten.begin(), rewritten.end(), reads_catalog);
    q->script = std::move(rewritten);
    return q;
  }
  const std::string& text = rewritten.empty() ? q->statement.text : rewritten[0];
  q->uses_catalog = reads_catalog(text);
  if (text.find("getvariable") != std::string::npos) {
    q->reads_settings = true;  // re-prepared when a setting changes (see start_portal)
    q->settings_generation = settings_generation_;
  }
  before_call();
  if (q->uses_catalog) refresh_catalog_snapshot();
  q->data_generation = warehouse_->data_generation();
  try {
    try {
      q->duck = std::make_unique<duck::PreparedStatement>(connection_->prepare(text));
      q->duck_text = text;
    } catch (const duck::DuckError& e) {
      if (std::string(e.what()).find("Cannot prepare multiple statements at once") ==
          std::string::npos)
        throw;
      // Not prepared again later: its leading statements ran here.
      q->duck = std::make_unique<duck::PreparedStatement>(connection_->prepare_expanded(text));
    }
  } catch (const duck::DuckError& e) {
    SqlError mapped = sql::to_sql_error(e, text, 0);
    if (text != q->statement.text) {
      // DuckDB saw the rewritten text: its positions would point at the wrong characters.
      throw SqlError(mapped.sqlstate(), mapped.what(), 0, mapped.detail(), mapped.hint());
    }
    throw mapped;
  }
  if (q->duck->column_count() == 1 && q->duck->column_name(0) == "unknown") {
    if (auto typed = prepare_with_parameter_types(*q, column_types)) {
      q->duck = std::make_unique<duck::PreparedStatement>(std::move(typed->first));
      q->duck_text = std::move(typed->second);
    }
  }
  const duck::PreparedStatement& p = *q->duck;
  idx_t n = p.parameter_count();
  if (q->parameter_types.size() > n) q->parameter_types.resize(n);
  for (idx_t i = 0; i < n; ++i) {
    duck::LogicalType t = p.parameter_logical_type(i);
    bool resolved = resolved_parameter_type(t);
    q->parameter_duck_types.push_back(resolved ? t.id() : DUCKDB_TYPE_INVALID);
    bool declared = i < q->parameter_types.size() && q->parameter_types[i] != 0;
    q->parameter_declared.push_back(declared);
    if (declared) continue;
    int32_t o = resolved ? pgtypes::pg_type_of(t.get()).oid : pgtypes::oid::kText;
    if (i < q->parameter_types.size()) {
      q->parameter_types[i] = o;
    } else {
      q->parameter_types.push_back(o);
    }
  }
  idx_t cols = p.column_count();
  if (cols > kMaxColumns) {
    throw SqlError("54011",
                   "target lists can have at most " + std::to_string(kMaxColumns) + " entries");
  }
  duckdb_statement_type type = p.statement_type();
  bool dml = type == DUCKDB_STATEMENT_TYPE_INSERT || type == DUCKDB_STATEMENT_TYPE_UPDATE ||
             type == DUCKDB_STATEMENT_TYPE_DELETE;
  if (q->statement.tree) {
    q->returns_rows = q->statement.returns_rows;
  } else if (dml) {
    // DuckDB answers DML without RETURNING with one BIGINT column named "Count".
    q->returns_rows = !(cols == 1 && p.column_name(0) == "Count");
  } else {
    q->returns_rows =
        cols > 0 &&
        (type == DUCKDB_STATEMENT_TYPE_SELECT || type == DUCKDB_STATEMENT_TYPE_EXPLAIN ||
         type == DUCKDB_STATEMENT_TYPE_PRAGMA || type == DUCKDB_STATEMENT_TYPE_CALL ||
         type == DUCKDB_STATEMENT_TYPE_RELATION || type == DUCKDB_STATEMENT_TYPE_EXECUTE);
  }
  if (q->returns_rows && type == DUCKDB_STATEMENT_TYPE_EXPLAIN && cols == 2 &&
      p.column_name(1) == "explain_value") {
    // PostgreSQL answers EXPLAIN with one text column, a row per line (psql and BI tools
    // show it so).
    q->explain = true;
    q->column_names.push_back("QUERY PLAN");
    q->column_types.push_back(duck::LogicalType(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR)));
  } else if (q->returns_rows) {
    for (idx_t i = 0; i < cols; ++i) {
      q->column_names.push_back(p.column_name(i));
      q->column_types.push_back(p.column_type(i));
    }
    if (q->statement.kind == sql::StatementKind::kQuery) {
      q->type_overrides = sql::result_type_overrides(q->statement);
      if (q->type_overrides.size() != cols) q->type_overrides.clear();
      sql::correct_result_types(q->statement, q->column_types, column_types, q->type_overrides,
                                q->typmod_overrides);
      if (!origins_) origins_ = std::make_unique<ColumnOriginResolver>(*connection_, *warehouse_);
      q->column_origins = origins_->resolve(q->statement, q->column_names);
    }
  }
  return q;
}

std::optional<std::pair<duck::PreparedStatement, std::string>> Engine::prepare_with_parameter_types(
    const PreparedQuery& q, const sql::ColumnTypeLookup& column_types) {
  // DuckDB cannot tell the result of a statement whose columns are bare parameters (SELECT $1
  // AS x, $2 AS y): it describes one column "unknown", and runs it with the columns of the
  // values bound (text for a timestamptz sent as text). PostgreSQL gives those columns the
  // parameters' types: declared by the client, else as the parameter description reports them
  // (what DuckDB inferred, else text). The statement with those types cast in is what runs.
  // Only types whose cast keeps every value: numeric (DECIMAL(18,3) in DuckDB), char(n),
  // json and arrays are left to DuckDB.
  if (!q.statement.tree || q.statement.kind != sql::StatementKind::kQuery) return std::nullopt;
  namespace oid = pgtypes::oid;
  static const std::set<int32_t> kCastable = {oid::kBool,    oid::kInt8,      oid::kInt2,        oid::kInt4,
                                              oid::kText,    oid::kFloat4,    oid::kFloat8,      oid::kVarchar,
                                              oid::kDate,    oid::kTime,      oid::kTimestamp,   oid::kTimestamptz,
                                              oid::kInterval, oid::kUuid};
  const duck::PreparedStatement& original = *q.duck;
  auto type_of = [&](size_t i) -> int32_t {
    if (i < q.parameter_types.size() && q.parameter_types[i] != 0) return q.parameter_types[i];
    duck::LogicalType t = original.parameter_logical_type(i);
    return resolved_parameter_type(t) ? pgtypes::pg_type_of(t.get()).oid : pgtypes::oid::kText;
  };
  pg_query::ParseResult tree = *q.statement.tree;
  // A bare $n keeps PostgreSQL's name for it: "?column?", not the type's (as `$1::int4` has).
  if (tree.stmts_size() == 1 && tree.stmts(0).stmt().has_select_stmt()) {
    for (auto& target : *tree.mutable_stmts(0)->mutable_stmt()->mutable_select_stmt()->mutable_target_list()) {
      if (target.has_res_target() && target.res_target().name().empty() && target.res_target().val().has_param_ref())
        target.mutable_res_target()->set_name("?column?");
    }
  }
  bool cast = false;
  constexpr int kCastMark = -7;  // the walk goes on into the cast it made: its $n is not cast again
  sql::walk_nodes(tree, [&](pg_query::Node& node) {
    if (!node.has_param_ref() || node.param_ref().location() == kCastMark) return;
    int n = node.param_ref().number();
    if (n < 1 || static_cast<idx_t>(n) > original.parameter_count()) return;
    int32_t type = type_of(static_cast<size_t>(n - 1));
    const pgtypes::PgTypeInfo* info = pgtypes::pg_type_info(type);
    if (!info || !kCastable.count(type)) return;
    pg_query::Node param = node;
    param.mutable_param_ref()->set_location(kCastMark);
    pg_query::Node typed;
    auto* c = typed.mutable_type_cast();
    *c->mutable_arg() = std::move(param);
    c->mutable_type_name()->add_names()->mutable_string()->set_sval(info->name);
    c->set_location(-1);
    node = std::move(typed);
    cast = true;
  });
  if (!cast) return std::nullopt;
  try {
    sql::Statement typed = sql::analyze({sql::deparse(tree), 0});
    std::vector<std::string> rewritten = sql::rewrite_for_duckdb(typed, &column_types);
    if (rewritten.size() > 1) return std::nullopt;
    std::string text = rewritten.empty() ? typed.text : rewritten[0];
    duck::PreparedStatement prepared = connection_->prepare(text);
    if (prepared.column_count() == 0 || (prepared.column_count() == 1 && prepared.column_name(0) == "unknown") ||
        prepared.parameter_count() != original.parameter_count())
      return std::nullopt;
    return std::make_pair(std::move(prepared), std::move(text));
  } catch (const std::exception&) {
    return std::nullopt;  // as DuckDB has it
  }
}

void Engine::stage_storage_objects(sql::Statement& statement, PreparedQuery& query) {
  if (principal_.system || !sandbox_.storage_urls) return;
  // COPY … TO 's3://…' names its storage itself; its query comes here on its own.
  const pg_query::Node* root = sql::root_node(statement);
  if (root && root->has_copy_stmt()) return;
  std::vector<sql::StorageUrlLiteral> literals = sql::storage_url_literals(statement);
  if (literals.empty()) return;
  if (!hooks_.stage) throw SqlError("0A000", "storages are not reachable from this session");
  std::vector<std::string> urls;
  for (const auto& l : literals) urls.push_back(l.url);
  before_call();
  StagedFiles staged = hooks_.stage(storage_rights(), urls);
  if (staged.files.size() != urls.size()) throw SqlError("XX000", "storage fetch answered wrong");
  query.storage_statement = statement;
  query.storage_lease = std::move(staged.lease);
  query.storage_fresh = true;
  statement = sql::analyze(
      {sql::with_local_files(statement.text, literals, staged.files), statement.offset});
}

StorageRights Engine::storage_rights() {
  refresh_privileges();
  return {privileges_.owner, privileges_.roles};
}

uint64_t Engine::copy_to_storage(const std::string& duck_query, const std::string& options,
                                 const std::string& url) {
  if (!hooks_.publish) throw SqlError("0A000", "storages are not reachable from this session");
  namespace fs = std::filesystem;
  // DuckDB writes into the duckling's tmp/ (the only place it may); the server uploads from
  // there. The file keeps the URL's name so DuckDB infers the format from its extension.
  std::string name = url.substr(url.find_last_of('/') + 1);
  if (name.empty()) name = "data";
  std::string dir = warehouse_->directory() + "/tmp/copy-" + random_hex(8);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  fs::create_directories(dir);
  std::string local = dir + "/" + name;
  uint64_t rows = copy_to_file(duck_query, options, local);
  hooks_.publish(storage_rights(), local, url);
  return rows;
}

uint64_t Engine::copy_to_file(const std::string& duck_query, const std::string& options,
                              const std::string& path) {
  namespace fs = std::filesystem;
  std::string tmp = fs::path(warehouse_->directory() + "/tmp/").lexically_normal().string();
  if (fs::path(path).lexically_normal().string().rfind(tmp, 0) != 0) {
    throw SqlError("42501", "COPY to a file writes only below the duckling's tmp/ folder");
  }
  std::string sql = "COPY (" + duck_query + ") TO " + sql::quote_literal(path) + options;
  before_call();
  try {
    duck::Result r = connection_->query(sql);
    return r.rows_changed();  // COPY answers one BIGINT "Count"
  } catch (const duck::DuckError& e) {
    SqlError mapped = sql::to_sql_error(e, sql, 0);
    throw SqlError(mapped.sqlstate(), mapped.what(), 0, mapped.detail(), mapped.hint());
  }
}

void Engine::adapt_alter_of_view(sql::Statement& statement) {
  auto table = sql::altered_table(statement);
  if (!table) return;
  before_call();
  duck::Result r = connection_->query(
      "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database() AND NOT "
      "internal AND lower(view_name) = lower(" +
      sql::quote_literal(table->second) + ") AND " +
      (table->first.empty()
           ? std::string("schema_name = current_schema()")
           : "lower(schema_name) = lower(" + sql::quote_literal(table->first) + ")"));
  duck::DataChunk c = r.fetch();
  if (c && c.size() > 0 && *static_cast<int64_t*>(duckdb_vector_get_data(c.column(0))) > 0) {
    sql::alter_as_view(statement);  // ALTER TABLE of a view: DuckDB wants ALTER VIEW
  }
}

std::vector<PreparedQuery::ModifyingStep> Engine::prepare_modifying_steps(
    sql::Statement& statement) {
  sql::DataModifyingWith split = sql::split_data_modifying_with(statement, modifying_tables_);
  std::vector<PreparedQuery::ModifyingStep> steps;
  for (size_t i = 0; i < split.steps.size(); ++i) {
    PreparedQuery::ModifyingStep step;
    step.query = prepare(std::move(split.steps[i]), {});
    step.table = split.tables[i];
    const PreparedQuery& q = *step.query;
    if (!q.duck || !q.script.empty() || !q.modifying_steps.empty()) {
      throw SqlError("0A000",
                     "this data-modifying statement in WITH is not supported by duckgres: " +
                         q.statement.tag + " runs as several statements here");
    }
    if (!step.table.empty()) {
      std::string columns;
      for (size_t c = 0; c < q.column_types.size(); ++c) {
        std::string type;
        try {
          type = duck::type_sql(q.column_types[c].get());
        } catch (const duck::DuckError&) {
          throw SqlError("0A000",
                         "this data-modifying statement in WITH is not supported by duckgres: its "
                         "RETURNING column " +
                             q.column_names[c] + " has a type it cannot keep");
        }
        columns += (c ? ", " : "") + sql::quote_identifier(q.column_names[c]) + " " + type;
      }
      before_call();
      connection_->query("CREATE OR REPLACE TEMP TABLE " + step.table + " (" + columns + ")");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

void Engine::drop_modifying_tables(const PreparedQuery& q) {
  before_call();
  for (const auto& step : q.modifying_steps) {
    if (!step.table.empty()) connection_->query("DROP TABLE IF EXISTS temp.main." + step.table);
  }
}

void Engine::refresh_catalog_snapshot() {
  uint64_t generation = warehouse_->schema_generation();
  if (generation == catalog_snapshot_generation_) return;
  connection_->query(sql::catalog_snapshot_sql());
  catalog_snapshot_generation_ = generation;
}

}  // namespace ducklings::gateway
