// WITH d AS (INSERT/UPDATE/DELETE … RETURNING …) …: DuckDB's WITH holds queries only. The
// data-modifying statements run first, one by one, in the statement's transaction; their RETURNING
// rows go into temp tables (named __duckgres_wcte_N, hidden from the catalog) that the statement
// reads in their place. The gateway prepares the steps and creates the tables (Engine::prepare);
// sql::split_data_modifying_with refuses what would answer otherwise.
#include "pgwire/session.h"
#include "sql/error_mapping.h"
#include "sql/quoting.h"
#include "sql/rewrite_dml.h"

namespace ducklings::pgwire {

void Session::run_modifying_steps(PreparedQuery& q) {
  before_duckdb_call();
  // PostgreSQL runs the whole statement at once: the steps and the statement share a transaction.
  if (txn_ == TxnStatus::kIdle && !implicit_txn_) begin_implicit_transaction();
  note_transaction_session_write(q.statement, "a data-modifying WITH is not repeated");
  for (auto& step : q.modifying_steps) {
    PreparedQuery& s = *step.query;
    authorize(s.statement, s.access);
    if (!step.table.empty()) connection().query("DELETE FROM temp.main." + step.table);
    duck::Result r = s.duck->execute(false);
    if (step.table.empty()) continue;
    duck::Appender appender(connection(), "temp", "main", step.table);
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
  if (!q.duck_text.empty()) q.duck = std::make_unique<duck::PreparedStatement>(connection().prepare(q.duck_text));
}

}  // namespace ducklings::pgwire
