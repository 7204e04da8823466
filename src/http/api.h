// The REST API under /api/v1: organizations, teams, users and ducklings (JSON, bearer token).
// Its routes are tables (routes.h), one per resource next to its handlers: control_routes.cpp,
// role_routes.cpp, monitoring.cpp, source_routes.cpp, model_routes.cpp,
// publication_routes.cpp.
#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/errors.h"
#include "control/control_plane.h"
#include "gateway/gateway.h"
#include "http/routes.h"
#include "ingest/bootstrap.h"
#include "ingest/ingester.h"
#include "metering/pricing.h"
#include "metering/usage.h"
#include "pgwire/server.h"

namespace ducklings::sources {
class SyncEngine;
}
namespace ducklings::modeling {
class ModelEngine;
}
namespace ducklings::publish {
class Publisher;
}

namespace ducklings::http {

// Stateless apart from the control plane; safe to call from the HTTP thread.
class Api {
 public:
  // `changed` runs after a duckling or team change (wakes the provisioner); with `wait` it
  // returns once the change is in effect (a new team's schema exists in its duckling).
  Api(control::ControlPlane& control, std::function<void(bool wait)> changed);
  // `authorization` is the request's Authorization header.
  ApiResponse handle(const std::string& method, const std::string& path,
                     const std::string& authorization, const std::string& body,
                     const std::string& query = "");
  // Where the roles, grants, monitoring and generate routes run SQL in a duckling.
  void set_gateway(gateway::Gateway* gateway) { gateway_ = gateway; }
  // Where POST …/teams/{id}/bootstrap queues its jobs.
  void set_bootstrapper(ingest::Bootstrapper* b) { bootstrapper_ = b; }
  // What the sources routes drive.
  void set_sync_engine(sources::SyncEngine* engine) { sync_engine_ = engine; }
  sources::SyncEngine* sync_engine() const { return sync_engine_; }
  // What the models routes drive.
  void set_model_engine(modeling::ModelEngine* engine) { model_engine_ = engine; }
  modeling::ModelEngine* model_engine() const { return model_engine_; }
  // What the publications routes drive.
  void set_publisher(publish::Publisher* p) { publisher_ = p; }
  publish::Publisher* publisher() const { return publisher_; }
  // Whose quarantine GET …/teams/{id}/ingest/quarantine lists.
  void set_ingester(ingest::Ingester* i) { ingester_ = i; }
  // API requests by organization since the last call (usage metering).
  std::map<std::string, uint64_t> take_call_counts();
  // Where usage is read from and how it is priced (the usage and invoice routes).
  void set_usage(metering::UsageStore* usage, const metering::PricingScheme* scheme) {
    usage_ = usage;
    pricing_ = scheme;
  }
  // The OpenAPI 3 description of every route.
  static nlohmann::json openapi();
  // Every route, in the order requests are matched.
  static const std::vector<Route>& routes();

 private:
  static std::vector<Route> control_routes();     // control_routes.cpp
  static std::vector<Route> role_routes();        // role_routes.cpp
  static std::vector<Route> monitoring_routes();  // monitoring.cpp
  static std::vector<Route> source_routes();      // source_routes.cpp
  static std::vector<Route> model_routes();       // model_routes.cpp
  static std::vector<Route> publication_routes();  // publication_routes.cpp
  // Records a change the API made in the audit log (what, on what; never a secret).
  void audit(const std::string& method, const std::vector<std::string>& parts,
             const nlohmann::json& body, const ApiResponse& response, const std::string& actor);
  // Runs `sql` in `org`'s duckling with `parameters` ($1, …); SQL errors become ApiErrors
  // (404, 409, 503 or 400).
  gateway::Result run_in_duckling(const std::string& org, const std::string& actor,
                                  const std::string& sql, bool system = false,
                                  std::vector<gateway::Parameter> parameters = {});
  // The answer to a SQL error from a duckling (404, 409, 503 or 400).
  static ApiError api_error_of(const SqlError& e);
  // monitoring.cpp: GET …/queries (the query log), GET …/activity, POST
  // …/activity/{pid}/cancel|terminate (`action`).
  ApiResponse list_queries(const Call& call);
  ApiResponse list_activity(const Call& call);
  ApiResponse signal_session(const Call& call, const std::string& action);
  control::ControlPlane& control_;
  std::function<void(bool wait)> changed_;
  gateway::Gateway* gateway_ = nullptr;
  ingest::Bootstrapper* bootstrapper_ = nullptr;
  sources::SyncEngine* sync_engine_ = nullptr;
  modeling::ModelEngine* model_engine_ = nullptr;
  publish::Publisher* publisher_ = nullptr;
  ingest::Ingester* ingester_ = nullptr;
  metering::UsageStore* usage_ = nullptr;
  const metering::PricingScheme* pricing_ = nullptr;
  std::mutex calls_mutex_;
  std::map<std::string, uint64_t> calls_;
  // monitoring.cpp: GET …/usage, or …/invoice.
  ApiResponse billing(const Call& call, bool invoice);
};

}  // namespace ducklings::http
