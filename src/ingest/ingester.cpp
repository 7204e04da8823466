#include "ingest/ingester.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>

#include "sql/quoting.h"

namespace ducklings::ingest {

Ingester::Ingester(EventLog& log, SqlRunner run_sql, std::chrono::milliseconds interval)
    : log_(log), run_sql_(std::move(run_sql)), interval_(interval) {}

Ingester::~Ingester() {
  stop();
}

void Ingester::start() {
  log_.recover();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      apply_pending();
      lock.lock();
      wake_.wait_for(lock, interval_, [this] { return stop_; });
    }
  });
}

void Ingester::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Ingester::apply_sql(const std::string& schema, const std::string& path,
                                const std::string& name) {
  std::string s = sql::quote_identifier(schema);
  std::string file = sql::quote_literal(path);
  std::string seg = sql::quote_literal(name);
  std::string team = sql::quote_literal(schema);
  // Repeated uuids (an SDK retrying) keep their first copy within a file.
  return "CREATE TABLE IF NOT EXISTS duckgres_meta.ingested (schema_name VARCHAR, segment VARCHAR, "
         "rows BIGINT, applied_at TIMESTAMPTZ);"
         "INSERT INTO " +
         s +
         ".events (uuid, event, properties, timestamp, distinct_id, "
         "elements_chain, \"$session_id\", \"$window_id\", created_at, team_id) "
         "SELECT CAST(uuid AS UUID), event, CAST(properties AS JSON), CAST(timestamp AS "
         "TIMESTAMPTZ), "
         "distinct_id, nullif(elements_chain, ''), nullif(session_id, ''), nullif(window_id, ''), "
         "CAST(created_at AS TIMESTAMPTZ), team_id FROM read_json(" +
         file +
         ", format = 'newline_delimited', columns = {uuid: 'VARCHAR', event: 'VARCHAR', "
         "properties: 'VARCHAR', timestamp: 'VARCHAR', distinct_id: 'VARCHAR', elements_chain: "
         "'VARCHAR', session_id: 'VARCHAR', window_id: 'VARCHAR', created_at: 'VARCHAR', team_id: "
         "'BIGINT'}) WHERE NOT EXISTS (SELECT 1 FROM duckgres_meta.ingested WHERE schema_name = " +
         team + " AND segment = " + seg +
         ") QUALIFY row_number() OVER (PARTITION BY uuid) = 1;"
         "INSERT INTO duckgres_meta.ingested SELECT " +
         team + ", " + seg +
         ", 0, now() WHERE NOT EXISTS "
         "(SELECT 1 FROM duckgres_meta.ingested WHERE schema_name = " +
         team + " AND segment = " + seg + ");";
}

int Ingester::apply_pending() {
  int applied = 0;
  try {
    log_.seal(interval_);
    std::map<std::string, bool> failed_orgs;  // keep an org's order: stop at its first failure
    for (const auto& seg : log_.sealed()) {
      if (failed_orgs.count(seg.org)) continue;
      try {
        run_sql_(seg.org, apply_sql(seg.schema, seg.path, seg.name));
        std::error_code ec;
        std::filesystem::remove(seg.path, ec);
        ++applied;
        files_applied.fetch_add(1);
      } catch (const std::exception& e) {
        failed_orgs[seg.org] = true;
        apply_errors.fetch_add(1);
        spdlog::debug("ingest: {} / {}: {} (kept; retried)", seg.org, seg.name, e.what());
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("ingest: {}", e.what());
  }
  return applied;
}

}  // namespace ducklings::ingest
