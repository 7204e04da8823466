// Organizations, their teams and users, and their duckling (warehouse): the records behind the
// HTTP API, kept in the config store. Provisioning itself runs in the Provisioner.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "common/secret_box.h"
#include "control/config_store.h"
#include "storage/storage.h"

namespace ducklings::control {

// Why the control plane refuses a request. It knows nothing of HTTP: the API maps each to its
// status (http/api.cpp), and other callers (a worker's password change) read the message.
enum class Refusal { kInvalid, kNotFound, kConflict, kQuotaExceeded, kUnprocessable };

// A refused request: why, a stable code (invalid_request, not_found, conflict,
// quota_exceeded) and a message for people.
class RefusedError : public std::runtime_error {
 public:
  RefusedError(Refusal why, std::string code, const std::string& message)
      : std::runtime_error(message), why_(why), code_(std::move(code)) {}
  Refusal why() const { return why_; }
  const std::string& code() const { return code_; }

 private:
  Refusal why_;
  std::string code_;
};

// A duckling's compute allotment.
struct ComputeSize {
  std::string name;  // xs, s, m, l or custom
  int vcpus = 1;
  int64_t memory_mb = 2048;
  int64_t temp_mb = 10240;  // spill limit on disk
};

// A named size (xs, s, m, l); throws RefusedError otherwise.
ComputeSize named_size(const std::string& name);
// A custom size: 1-64 vCPUs and 256 MB to 1024 GB of memory (spill: five times the memory);
// throws RefusedError otherwise.
ComputeSize custom_size(int64_t vcpus, int64_t memory_mb);

// What a login needs to open a session on a database.
struct LoginTarget {
  std::string verifier;
  bool superuser = false;
  std::string org;             // empty for the server's own databases
  std::string duckling_state;  // for an org's database
  std::string access_mode;     // unrestricted | project_reader | project_user
  std::optional<int64_t> team_id;
  std::string team_schema;    // the bound team's schema
  int max_connections = 0;    // sessions allowed on the org's duckling (0 = no cap)
  std::string credential_id;  // set for a service credential's login
};

// Where clients connect; shown with a duckling.
struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string sslmode = "prefer";
};

// What the API asks of the control plane, typed: http/ reads them from JSON (types, presence),
// the control plane checks what they mean (ranges, names, reserved words, conflicts).
struct OrgSpec {
  std::string name;
  std::optional<int64_t> max_vcpus, max_connections;  // 8 and 100 when not given
};
struct OrgChange {
  std::optional<int64_t> max_vcpus, max_connections;
};
struct TeamSpec {
  int64_t team_id = 0;
  std::string name;
  std::string schema_name;  // "" for team_<id>
};
struct UserSpec {
  std::string username;
  std::string access_mode;  // "" for unrestricted
  std::optional<int64_t> team_id;
};
struct UserChange {
  std::optional<std::string> access_mode;
  std::optional<std::optional<int64_t>> team_id;  // given, and then a team or none (null)
};
struct CredentialSpec {
  std::optional<int64_t> ttl_seconds;  // 900 when not given
  std::string name;
  std::string access_mode;  // "" for unrestricted
  std::optional<int64_t> team_id;
};

// What the control plane answers: its records, typed (http/control_json.cpp writes them as the
// API's JSON).
struct Org {
  std::string id, name;
  int max_vcpus = 0, max_connections = 0;
  std::string created_at, updated_at;
};
// An organization and the state of its duckling (none before one is created).
struct OrgStatus {
  Org org;
  std::optional<std::string> duckling_state;
};
struct Team {
  int64_t team_id = 0;
  std::string name, schema_name, api_token, created_at;
};
struct User {
  std::string username, access_mode;
  std::optional<int64_t> team_id;
  std::string created_at, updated_at;
};
struct Credential {
  std::string id, username, name, access_mode;
  std::optional<int64_t> team_id;
  std::string created_at, expires_at;
  std::optional<std::string> revoked_at;
  std::string state;  // active | expired | revoked
};
// A credential just minted: its password is shown this once (only its verifier is kept).
struct MintedCredential {
  Credential credential;
  std::string password, database;
};
// What the running server knows of a duckling.
struct DucklingRuntime {
  bool warm = false;  // its database is open (or its worker runs)
  int64_t sessions = 0;
  std::string isolation;             // none | process
  std::optional<int64_t> worker_pid;  // the worker running it, if any
};
// How clients reach a duckling, and the same as ready-made connection strings.
struct ConnectionInfo {
  std::string host;
  int port = 0;
  std::string database, sslmode, psql, jdbc, odbc, dbt_profile;
};
struct Duckling {
  std::string organization, state, status_message;
  ComputeSize size;
  std::string storage_path, created_at, updated_at;
  std::optional<std::string> ready_at;
  std::optional<DucklingRuntime> runtime;  // while ready, when the server tells
  ConnectionInfo connection;
};
struct AuditEntry {
  std::string id, at, actor, action;
  std::optional<std::string> target;
  nlohmann::json detail;  // what the action recorded (free-form; null when none)
};

// An organization's object storage (storage/): a local folder or an S3-compatible bucket.
struct StorageSpec {
  std::string name;
  std::string kind;  // local | s3
  std::string path;  // local: a directory under --readable-directories ("" for the duckling's)
  std::string endpoint, bucket, prefix, region, url_style;  // s3 (url_style: path | virtual)
  std::string access_key_id, secret_access_key;
};
// A storage as the API shows it: never its secret.
struct StorageRecord {
  std::string name, kind, path, endpoint, bucket, prefix, region, url_style, access_key_id;
  std::string created_at;
};

// A storage granted to a role of the duckling: read, or write (which includes read).
struct StorageGrant {
  std::string storage, role, privilege, granted_at;
};

// An external source of a team (sources/): the connection as given, its password sealed.
struct SourceSpec {
  std::string name, kind, prefix;
  nlohmann::json connection;  // checked by sources::check_connection, without its secret
  std::string secret;         // sealed at rest
};
struct SourceRecord {
  int64_t team_id = 0;
  std::string name, kind, prefix, created_at;
  nlohmann::json connection;  // without its secret
};

// A background job a team defines by name: a model (modeling/) or a publication (publish/).
enum class TeamJob { kModel, kPublication };

// A model or a publication of a team: its definition and its state, as the owning module
// writes them (the control plane only keeps them).
struct TeamJobRecord {
  int64_t team_id = 0;
  std::string name, created_at, updated_at;
  nlohmann::json spec, state;
};
using ModelRecord = TeamJobRecord;
using PublicationRecord = TeamJobRecord;

// Whose runs a run history holds: one shape, one table per kind (sources/, modeling/, publish/).
enum class RunKind { kSource, kModel, kPublication };
// The owner a team job's runs are kept under in its run history: "<team id>/<name>".
inline std::string job_owner(int64_t team_id, const std::string& name) {
  return std::to_string(team_id) + "/" + name;
}

// Thread-safe (the store serializes).
class ControlPlane {
 public:
  ControlPlane(ConfigStore& store, Endpoint endpoint);
  // What the running server knows of a duckling, shown with it as "runtime".
  void set_runtime_source(std::function<DucklingRuntime(const std::string&)> source) {
    runtime_source_ = std::move(source);
  }

  Org create_org(const OrgSpec& spec);
  std::vector<Org> list_orgs();
  OrgStatus get_org(const std::string& org);
  Org update_org(const std::string& org, const OrgChange& change);
  void delete_org(const std::string& org);

  Team create_team(const std::string& org, const TeamSpec& spec);
  std::vector<Team> list_teams(const std::string& org);
  Team get_team(const std::string& org, int64_t team_id);
  void delete_team(const std::string& org, int64_t team_id);

  // `verifier` is the SCRAM verifier of the user's password (made by the caller).
  User create_user(const std::string& org, const UserSpec& spec, const std::string& verifier);
  std::vector<User> list_users(const std::string& org);
  User get_user(const std::string& org, const std::string& username);
  User update_user(const std::string& org, const std::string& username, const UserChange& change,
                   const std::optional<std::string>& verifier);
  void delete_user(const std::string& org, const std::string& username);

  // Provisions it (started) or finds it already there with that size (not started).
  struct Provisioning {
    bool started = false;
    Duckling duckling;
  };
  Provisioning put_duckling(const std::string& org, const ComputeSize& size);
  Duckling get_duckling(const std::string& org);
  Duckling scale_duckling(const std::string& org, const ComputeSize& size);
  Duckling delete_duckling(const std::string& org);

  // Service credentials for pipelines: a login valid for ttl_seconds (60-3600), with an
  // access mode like a user's, revocable. `secret`/`verifier`: the generated password and its
  // SCRAM verifier (made by the caller); the secret is shown once, in the result.
  MintedCredential mint_credential(const std::string& org, const CredentialSpec& spec,
                                   const std::string& secret, const std::string& verifier);
  std::vector<Credential> list_credentials(const std::string& org);
  Credential revoke_credential(const std::string& org, const std::string& id);
  // ALTER ROLE … PASSWORD in `database` (an org's): a user's new verifier.
  void set_user_verifier(const std::string& database, const std::string& username,
                         const std::string& verifier);

  // Background jobs (bootstrap): their JSON, kept so the API shows them and a restart resumes
  // those not finished.
  void save_job(const nlohmann::json& job);
  nlohmann::json get_job(const std::string& org, const std::string& id);
  nlohmann::json list_jobs(const std::string& org);
  std::vector<nlohmann::json> unfinished_jobs();

  // The append-only audit log of administrative actions (API calls that change something,
  // role and grant changes in SQL, credentials, password changes, login bans).
  void audit(const std::string& org, const std::string& actor, const std::string& action,
             const std::string& target, const nlohmann::json& detail = nullptr);
  // Newest first; `before`: an entry's "at" to page back from.
  std::vector<AuditEntry> list_audit(const std::string& org, int limit, const std::string& before);

  // Object storages. Secrets are sealed with `secrets`; local storages live under `data_dir`
  // (ducklings/<org>/storages/<name>) unless given a directory under `readable_directories`.
  void set_storage_places(const SecretBox* secrets, std::string data_dir,
                          std::vector<std::string> readable_directories);
  // Checks that the storage can be listed and written (RefusedError kUnprocessable naming the
  // service's reason otherwise), then records it.
  StorageRecord create_storage(const std::string& org, const StorageSpec& spec);
  std::vector<StorageRecord> list_storages(const std::string& org);
  StorageRecord get_storage(const std::string& org, const std::string& name);
  void delete_storage(const std::string& org, const std::string& name);
  // SQL of roles other than the duckling's owners reaches a storage only through a grant.
  // Granting again changes the privilege.
  StorageGrant grant_storage(const std::string& org, const std::string& name,
                             const std::string& role, const std::string& privilege);
  void revoke_storage(const std::string& org, const std::string& name, const std::string& role);
  std::vector<StorageGrant> list_storage_grants(const std::string& org, const std::string& name);
  // The strongest privilege any of `roles` holds on the storage: "", "read" or "write".
  std::string storage_privilege(const std::string& org, const std::string& name,
                                const std::vector<std::string>& roles);
  // The storage itself, its secret opened, for the server's own use.
  std::unique_ptr<storage::Storage> open_storage(const std::string& org, const std::string& name);

  // External sources. A source's tables land in the duckling's schema `prefix` (default: its
  // name), one per organization. `probe` checks the connection (throws to refuse) first.
  SourceRecord create_source(const std::string& org, int64_t team_id, const SourceSpec& spec,
                             const std::function<void(const SourceRecord&, const std::string&)>& probe);
  std::vector<SourceRecord> list_sources(const std::string& org, int64_t team_id);
  SourceRecord get_source(const std::string& org, int64_t team_id, const std::string& name);
  void delete_source(const std::string& org, int64_t team_id, const std::string& name);
  std::string source_password(const std::string& org, const std::string& name);
  // Each table's settings and sync state ("schema.table" → {config, state}).
  std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> source_tables(
      const std::string& org, const std::string& name);
  void save_source_table(const std::string& org, const std::string& name, const std::string& table,
                         const nlohmann::json& config, const nlohmann::json& state);
  // Every source of every organization, for the scheduler: (org, team, source name).
  std::vector<std::tuple<std::string, int64_t, std::string>> all_sources();

  // Run histories of background jobs, by the run's owner (a source's name; a model's
  // "<team id>/<name>"): each run is a JSON object with at least id, status and started_at.
  void save_run(RunKind kind, const std::string& org, const std::string& owner,
                const nlohmann::json& run);
  nlohmann::json get_run(RunKind kind, const std::string& org, const std::string& owner,
                         const std::string& id);
  nlohmann::json list_runs(RunKind kind, const std::string& org, const std::string& owner,
                           int limit);

  // Models and publications of a team. `create` refuses (409) a name the team already has;
  // otherwise the record must exist (404).
  void save_job(TeamJob kind, const std::string& org, const TeamJobRecord& record, bool create);
  std::vector<TeamJobRecord> list_jobs(TeamJob kind, const std::string& org, int64_t team_id);
  TeamJobRecord get_job(TeamJob kind, const std::string& org, int64_t team_id, const std::string& name);
  void save_job_state(TeamJob kind, const std::string& org, int64_t team_id, const std::string& name,
                      const nlohmann::json& state);
  void delete_job(TeamJob kind, const std::string& org, int64_t team_id, const std::string& name);
  // Every team with jobs of the kind, for the schedulers: (org, team id).
  std::vector<std::pair<std::string, int64_t>> teams_with_jobs(TeamJob kind);

  void save_model(const std::string& org, const ModelRecord& model, bool create) {
    save_job(TeamJob::kModel, org, model, create);
  }
  std::vector<ModelRecord> list_models(const std::string& org, int64_t team_id) {
    return list_jobs(TeamJob::kModel, org, team_id);
  }
  ModelRecord get_model(const std::string& org, int64_t team_id, const std::string& name) {
    return get_job(TeamJob::kModel, org, team_id, name);
  }
  void save_model_state(const std::string& org, int64_t team_id, const std::string& name,
                        const nlohmann::json& state) {
    save_job_state(TeamJob::kModel, org, team_id, name, state);
  }
  void delete_model(const std::string& org, int64_t team_id, const std::string& name) {
    delete_job(TeamJob::kModel, org, team_id, name);
  }
  std::vector<std::pair<std::string, int64_t>> teams_with_models() { return teams_with_jobs(TeamJob::kModel); }

  // The team a project API key (phc_…) belongs to: org name, team id, schema.
  struct TeamKey {
    std::string org, schema;
    int64_t team_id = 0;
  };
  std::optional<TeamKey> team_by_token(const std::string& token);

  // A login on `database`: the org's user, or a server login on a server database.
  std::optional<LoginTarget> resolve_login(const std::string& database, const std::string& user);

  // The server's own logins (the operator's admin), for its own databases.
  bool has_logins();
  void put_login(const std::string& name, const std::string& verifier, bool superuser);

  // Bearer tokens for the API (stored as SHA-256 hashes).
  bool token_valid(const std::string& token) { return token_name(token).has_value(); }
  // The name a valid token was added with (who acts, for the audit log).
  std::optional<std::string> token_name(const std::string& token);
  void add_token(const std::string& token, const std::string& name);
  bool has_tokens();

  // Org names are database names: lower-case letters, digits, '_' and '-', a letter first.
  static bool valid_org_name(const std::string& name);
  static std::string hash_token(const std::string& token);

 private:
  Org org_row(const std::string& org);
  Duckling duckling_of(const std::string& org, const Row& r);
  std::unique_ptr<storage::Storage> open_record(const std::string& org, const StorageRecord& r,
                                               const std::string& secret);
  ConfigStore& store_;
  Endpoint endpoint_;
  const SecretBox* secrets_ = nullptr;
  std::string data_dir_;
  std::vector<std::string> readable_directories_;
  std::function<DucklingRuntime(const std::string&)> runtime_source_;
};

}  // namespace ducklings::control
