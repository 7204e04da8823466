// The sync engine: a team's sources synced into its duckling — tables discovered and
// configured, runs queued by hand or by each table's frequency, one at a time on the engine's
// thread. A table lands in the source's schema (its prefix): a full refresh builds a stage
// table from the source's stream, checks its row count, then swaps it in inside one
// transaction; an incremental sync merges on the primary key the rows past the stored cursor
// less the lookback; an append sync only inserts them. A failed run leaves the landed data as
// it was. Transient errors (network, the server restarting) are retried with backoff;
// permanent ones (authentication, permission, a missing table) stop the table with the reason.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "control/control_plane.h"
#include "gateway/gateway.h"
#include "sources/cdc.h"
#include "sources/kinds.h"

namespace ducklings::sources {

// The table with only its enabled columns (the setting enabled_columns; null: all of them).
SourceTable enabled_part(const SourceTable& table, const nlohmann::json& config);

class SyncEngine {
 public:
  // `data_dir`: the server's, whose ducklings/<org>/tmp/ holds the pipes DuckDB reads;
  // `storage`: the organizations' storages, for sources of files (may be null).
  SyncEngine(control::ControlPlane& control, gateway::Gateway& gateway, std::string data_dir,
             control::StorageAccess* storage = nullptr);
  ~SyncEngine();

  // Adds a source: its connection checked (sources/kinds.h), then read once (422
  // source_unreachable with the reason when it cannot be).
  control::SourceRecord create(const std::string& org, int64_t team_id, control::SourceSpec spec);

  // The source's tables as discovered now, each with its settings and sync state.
  nlohmann::json tables(const std::string& org, int64_t team_id, const std::string& name);
  // Changes a table's settings ({enabled, sync_type, incremental_field, primary_key,
  // lookback_seconds, frequency}); throws control::RefusedError for a bad one.
  nlohmann::json configure(const std::string& org, int64_t team_id, const std::string& name,
                           const std::string& table, const nlohmann::json& change);
  // Queues a run of the source's enabled tables (`only`: these, enabled or not).
  nlohmann::json start_run(const std::string& org, int64_t team_id, const std::string& name,
                           const std::vector<std::string>& only = {});

  // Asks a running or queued run to stop: its current table's stream ends, nothing of it
  // lands, and the run ends "cancelled". Throws RefusedError when it already ended.
  nlohmann::json cancel_run(const std::string& org, int64_t team_id, const std::string& name,
                            const std::string& run_id);
  // Forgets a source: its change stream stopped and its slot and publication dropped upstream
  // (when the source can still be reached), then the record. Its landed tables stay.
  void remove(const std::string& org, int64_t team_id, const std::string& name);

  // Rows landed since the last call, by (org, team schema): usage metering.
  std::map<std::pair<std::string, std::string>, uint64_t> take_synced_rows();

  // Called after a run landed rows, with the relations ("schema.table") that changed: models
  // reading them run next (set before start()).
  using LandedCallback = std::function<void(const std::string& org, int64_t team_id,
                                            const std::vector<std::string>& relations)>;
  void set_on_landed(LandedCallback callback) { on_landed_ = std::move(callback); }

  // The scheduler and the runner's thread.
  void start();
  void stop();

 private:
  struct Job {
    std::string org, source;
    int64_t team_id = 0;
    nlohmann::json run;
    std::vector<std::string> tables;
  };
  // A source's change data capture: a thread streaming its cdc tables' changes (after
  // snapshotting each), retried with backoff when the source goes away (sources/sync_cdc.cpp).
  struct CdcWorker;
  // Starts, reconfigures or stops the source's stream after its tables' settings changed.
  void cdc_refresh(const std::string& org, int64_t team_id, const std::string& source);
  void cdc_loop(CdcWorker& worker);
  void cdc_stop_all();
  void cdc_apply(CdcWorker& worker, ChangeBatch& batch);
  // The stream's position and lag, for a table's description (null when it has none).
  nlohmann::json cdc_status(const std::string& org, const std::string& source);
  static std::string cdc_name(const std::string& org, const std::string& source);

  std::unique_ptr<Source> open(const std::string& org, const control::SourceRecord& source,
                               const std::string& secret);
  std::unique_ptr<Source> open(const std::string& org, const control::SourceRecord& source);
  // Its tables now; RefusedError 422 source_unreachable with the source's reason.
  std::vector<SourceTable> discover(const std::string& org, const control::SourceRecord& source);
  void loop();
  void schedule_due();
  void execute(Job& job);
  // Syncs one table; returns the rows it landed. Throws SourceError or SqlError.
  uint64_t sync_table(const std::string& org, const control::SourceRecord& source,
                      Source& connection, const SourceTable& table, const nlohmann::json& config,
                      nlohmann::json& state, const std::function<bool()>& cancelled);
  using RunSql = std::function<gateway::Result(const std::string&)>;
  // The SELECT reading a CSV file of `columns` as text (our dialect) into their types.
  static std::string csv_select(const std::vector<SourceColumn>& columns, const std::string& path);
  static std::string csv_select(const std::vector<SourceColumn>& columns,
                                const std::vector<std::string>& paths);
  // Fills `stage` with the rows the source streams; returns the rows it sent.
  uint64_t stream_into(const std::string& org, const std::string& stage, Source& connection,
                       const SourceTable& table, const std::string& field,
                       const std::optional<std::string>& after, int64_t lookback_seconds,
                       const RunSql& run_sql, const std::function<bool()>& cancelled);
  bool cancelled(const std::string& run_id);
  // A run's tables as rows of duckgres_meta.source_runs (system.source_runs in SQL).
  void record_run_sql(const std::string& org, int64_t team_id, const std::string& source,
                      const nlohmann::json& run);

  control::ControlPlane& control_;
  gateway::Gateway& gateway_;
  std::string data_dir_;
  control::StorageAccess* storage_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::set<std::pair<std::string, std::string>> queued_;  // (org, source) queued or running
  bool stop_ = false;
  std::set<std::string> cancel_;  // run ids asked to stop
  std::map<std::pair<std::string, std::string>, uint64_t> synced_rows_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<CdcWorker>> cdc_;
  std::thread thread_;
  LandedCallback on_landed_;
};

}  // namespace ducklings::sources
