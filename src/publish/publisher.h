// The publisher: a team's golden-table publications (publish/publication.h) kept in the control
// plane, and their runs — on demand or on each publication's schedule — executed by one worker
// thread. A run has DuckDB write the source's rows as ZSTD Parquet into the duckling's tmp/
// (files of bounded size, in parallel, or one folder per date partition), checksums them, moves
// them into a new version folder of the storage (a rename for a local one, uploads for S3),
// writes the manifest and only then moves `latest` (publish/layout.h). A failed or killed run's
// partial folder is deleted by the next pass; old versions are pruned past the retention. Runs
// are kept in the control plane (the API).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/periodic.h"
#include "control/control_plane.h"
#include "gateway/gateway.h"
#include "publish/layout.h"
#include "publish/publication.h"

namespace ducklings::publish {

class Publisher {
 public:
  // `data_dir`: the server's (ducklings/<org>/tmp/ is where DuckDB writes a run's files).
  Publisher(control::ControlPlane& control, gateway::Gateway& gateway, std::string data_dir);
  ~Publisher();

  // The API's operations; refusals are control::RefusedError (400 naming the field or the
  // reason, 404, 409).
  nlohmann::json create(const std::string& org, int64_t team_id, const nlohmann::json& body);
  nlohmann::json update(const std::string& org, int64_t team_id, const std::string& name,
                        const nlohmann::json& change);
  nlohmann::json get(const std::string& org, int64_t team_id, const std::string& name);
  nlohmann::json list(const std::string& org, int64_t team_id);
  // Forgets the publication; with `purge` its folder in the storage goes too.
  void remove(const std::string& org, int64_t team_id, const std::string& name, bool purge);
  // Queues a run (after the one running, if any); returns it ("running", phase "queued").
  nlohmann::json start_run(const std::string& org, int64_t team_id, const std::string& name,
                           const std::string& trigger = "manual");
  // A model of the team was built into `relation` ("schema.name"): its publications that ask
  // for it run (trigger "model <relation>").
  void source_built(const std::string& org, int64_t team_id, const std::string& relation);
  // The versions in the storage, newest first: rows, bytes, files, created_at, live.
  nlohmann::json versions(const std::string& org, int64_t team_id, const std::string& name);

  struct Usage {
    uint64_t runs = 0, bytes = 0;
  };
  // Runs and bytes published since the last call, by (org, team schema, publication).
  std::map<std::tuple<std::string, std::string, std::string>, Usage> take_usage();

  void start();
  void stop();

 private:
  struct Job {
    std::string org, name, run_id, trigger;
    int64_t team_id = 0;
  };
  struct Source {
    std::vector<std::pair<std::string, std::string>> columns;  // name, DuckDB type
    bool team_schema = false;
  };
  PublicationSpec load_spec(const std::string& org, int64_t team_id, const std::string& name);
  // The source's columns; RefusedError for a source that may not be published (another team's
  // schema among them) or is missing.
  Source check_source(const std::string& org, int64_t team_id, const PublicationSpec& spec, gateway::Session* session);
  Location location(const std::string& org, const PublicationSpec& spec);
  nlohmann::json describe(const std::string& org, const control::PublicationRecord& record);
  nlohmann::json save(const std::string& org, int64_t team_id, const PublicationSpec& spec, bool create,
                      const nlohmann::json& state);
  nlohmann::json enqueue_locked(const std::string& org, int64_t team_id, const std::string& name,
                                const std::string& trigger);
  void work();
  void schedule_due();
  void recover();
  void execute(const Job& job);
  // Writes a new version; fills the run (version, rows, bytes, files, partitions).
  void publish(const Job& job, const PublicationSpec& spec, nlohmann::json& run, nlohmann::json& state);

  control::ControlPlane& control_;
  gateway::Gateway& gateway_;
  std::string data_dir_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::vector<Job> running_;
  std::map<std::tuple<std::string, std::string, std::string>, Usage> usage_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
  PeriodicThread scheduler_;  // schedule_due() every 10 s
};

}  // namespace ducklings::publish
