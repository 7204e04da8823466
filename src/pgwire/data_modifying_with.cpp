// WITH d AS (INSERT/UPDATE/DELETE … RETURNING …) …: DuckDB's WITH holds queries only. The
// data-modifying statements run first, one by one, in the statement's transaction; their RETURNING
// rows go into temp tables (named __duckgres_wcte_N, hidden from the catalog) that the statement
// reads in their place. sql::split_data_modifying_with refuses what would answer otherwise.
#include "pgwire/session.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"
#include "sql/rewrite_dml.h"

namespace ducklings::pgwire {

std::vector<PreparedQuery::ModifyingStep> Session::prepare_modifying_steps(sql::Statement& statement) {
  sql::DataModifyingWith split = sql::split_data_modifying_with(statement, modifying_tables_);
  std::vector<PreparedQuery::ModifyingStep> steps;
  for (size_t i = 0; i < split.steps.size(); ++i) {
    PreparedQuery::ModifyingStep step;
    step.query = prepare(std::move(split.steps[i]), {});
    step.table = split.tables[i];
    const PreparedQuery& q = *step.query;
    if (!q.duck || !q.script.empty() || !q.modifying_steps.empty()) {
      throw SqlError("0A000", "this data-modifying statement in WITH is not supported by duckgres: " +
                                  q.statement.tag + " runs as several statements here");
    }
    if (!step.table.empty()) {
      std::string columns;
      for (size_t c = 0; c < q.column_types.size(); ++c) {
        std::string type;
        try {
          type = duck::type_sql(q.column_types[c].get());
        } catch (const duck::DuckError&) {
          throw SqlError("0A000", "this data-modifying statement in WITH is not supported by duckgres: its "
                                  "RETURNING column " + q.column_names[c] + " has a type it cannot keep");
        }
        columns += (c ? ", " : "") + sql::quote_identifier(q.column_names[c]) + " " + type;
      }
      before_duckdb_call();
      connection_->query("CREATE OR REPLACE TEMP TABLE " + step.table + " (" + columns + ")");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

void Session::run_modifying_steps(PreparedQuery& q) {
  before_duckdb_call();
  // PostgreSQL runs the whole statement at once: the steps and the statement share a transaction.
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) begin_implicit_transaction();
  note_transaction_session_write(q.statement, "a data-modifying WITH is not repeated");
  for (auto& step : q.modifying_steps) {
    PreparedQuery& s = *step.query;
    authorize(s.statement, s.access);
    if (!step.table.empty()) connection_->query("DELETE FROM temp.main." + step.table);
    duck::Result r = s.duck->execute(false);
    if (step.table.empty()) continue;
    duck::Appender appender(*connection_, "temp", "main", step.table);
    while (true) {
      duck::DataChunk c = r.fetch();
      if (!c || c.size() == 0) {
        if (!c) break;
        continue;
      }
      appender.append_chunk(c);
    }
    appender.close();
  }
  // The statement was planned while the tables were empty, and DuckDB plans from statistics
  // (an ORDER BY sized its string keys for empty strings): plan it again over the rows.
  if (!q.duck_text.empty()) q.duck = std::make_unique<duck::PreparedStatement>(connection_->prepare(q.duck_text));
}

void Session::drop_modifying_tables(const PreparedQuery& q) {
  before_duckdb_call();
  for (const auto& step : q.modifying_steps) {
    if (!step.table.empty()) connection_->query("DROP TABLE IF EXISTS temp.main." + step.table);
  }
}

}  // namespace ducklings::pgwire
