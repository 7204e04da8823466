// The model runner: a team's models (modeling/model.h) kept in the control plane, their graph
// read from their SQL, and runs — on demand, on each model's schedule, after an upstream model
// or source changed — executed by a few worker threads, a model only once every model it reads
// that is queued or running has finished (level by level). Each build lands in a stage and
// replaces the model's relation in one transaction with its blocking data tests, so readers see
// the old rows or the new, and a failed test or build leaves the old ones live. An incremental
// model merges the rows past its watermark less the lookback; a missing watermark or a changed
// fingerprint rebuilds it whole. A failed model's descendants are skipped with the reason. Runs
// are kept in the control plane (the API) and in the duckling (system.model_runs).
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/periodic.h"
#include "control/control_plane.h"
#include "gateway/gateway.h"
#include "modeling/analysis.h"
#include "modeling/graph.h"
#include "modeling/model.h"

namespace ducklings::modeling {

class ModelEngine {
 public:
  // `workers`: how many models build at once (of all teams).
  ModelEngine(control::ControlPlane& control, gateway::Gateway& gateway, int workers);
  ~ModelEngine();

  // The API's operations; refusals are control::RefusedError (400 with the field, 404, 409).
  nlohmann::json create(const std::string& org, int64_t team_id, const nlohmann::json& body);
  nlohmann::json update(const std::string& org, int64_t team_id, const std::string& name,
                        const nlohmann::json& change);
  nlohmann::json get(const std::string& org, int64_t team_id, const std::string& name);
  nlohmann::json list(const std::string& org, int64_t team_id);
  // Forgets the model and drops its relation; 409 while other models read it.
  void remove(const std::string& org, int64_t team_id, const std::string& name);
  // Queues a build of the model (then, with `downstream`, of the models reading it); returns
  // the run ("running", phase "queued").
  nlohmann::json start_run(const std::string& org, int64_t team_id, const std::string& name,
                           bool full_refresh, bool downstream);
  nlohmann::json cancel_run(const std::string& org, int64_t team_id, const std::string& name,
                            const std::string& run_id);
  // Upstream and downstream models and relations, and where each output column comes from.
  nlohmann::json lineage(const std::string& org, int64_t team_id, const std::string& name);
  // Creates or updates the models of a dbt project's compiled manifest.json (its nodes of
  // resource_type model, with their generic tests).
  nlohmann::json import_manifest(const std::string& org, int64_t team_id, const nlohmann::json& body);
  // Relations ("schema.table") a source landed rows in: the models reading them run.
  void upstream_changed(const std::string& org, int64_t team_id, const std::vector<std::string>& relations);
  // Called (on a worker thread, before the run says it ended) with the relation ("schema.name")
  // of each model built: publications of it follow (publish/publisher.h). Set before start().
  void set_on_built(std::function<void(const std::string& org, int64_t team_id, const std::string& relation)> f) {
    on_built_ = std::move(f);
  }

  // Seconds models ran since the last call, by (org, team schema, model): usage metering.
  std::map<std::tuple<std::string, std::string, std::string>, double> take_model_seconds();

  void start();
  void stop();

 private:
  struct Job {
    std::string org, model, run_id;
    int64_t team_id = 0;
    bool full_refresh = false, downstream = true;
    std::string trigger;
    std::set<std::string> ancestors;  // models of the team it waits for while queued or running
  };
  // A team's models with what each reads, resolved against the others.
  struct TeamModels {
    std::string team_schema;
    std::map<std::string, control::ModelRecord> records;
    std::map<std::string, ModelSpec> specs;
    std::map<std::string, std::set<std::string>> upstream_models;
    std::map<std::string, std::vector<RelationRef>> upstream_relations;  // qualified
    ModelGraph graph() const { return ModelGraph(upstream_models); }
    // The model a relation reference names, if any.
    const ModelSpec* model_named(const RelationRef& ref) const;
  };
  TeamModels load(const std::string& org, int64_t team_id);
  QueryAnalysis analyze(const std::string& org, const ModelSpec& spec);
  // Checks, analyses and saves `spec`; 400 on a cycle with its path.
  nlohmann::json save(const std::string& org, int64_t team_id, const ModelSpec& spec, bool create);
  nlohmann::json describe(const TeamModels& team, const std::string& name);
  // Queues a run; `lock` held. Returns the run.
  nlohmann::json enqueue_locked(const std::string& org, int64_t team_id, const std::string& name,
                                bool full_refresh, bool downstream, const std::string& trigger,
                                const TeamModels& team);
  void work();
  void schedule_due();
  void recover();  // runs a stopped server left "running" end as failed
  void execute(Job& job);
  // Builds the model; fills run (mode, rows, watermark, tests); throws on failure.
  void build(const Job& job, const TeamModels& team, nlohmann::json& run);
  void skip_descendants(const Job& job, const std::string& reason);
  void save_run(const std::string& org, int64_t team_id, const std::string& model, const nlohmann::json& run);
  // One request of a model's work (its time in the debug log); in `session` when given.
  gateway::Result run_sql(const std::string& org, const std::string& model, const std::string& sql,
                          gateway::Session* session = nullptr);
  bool cancelled(const std::string& run_id);

  control::ControlPlane& control_;
  gateway::Gateway& gateway_;
  int workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::vector<Job> running_;
  std::set<std::string> cancel_;
  std::map<std::tuple<std::string, std::string, std::string>, double> seconds_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
  PeriodicThread scheduler_;  // schedule_due() every 10 s
  std::function<void(const std::string&, int64_t, const std::string&)> on_built_;
};

}  // namespace ducklings::modeling
