// Organizations, their teams and users, and their duckling (warehouse): the records behind the
// HTTP API, kept in the config store. Provisioning itself runs in the Provisioner.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "control/config_store.h"

namespace ducklings::control {

// Why the control plane refuses a request. It knows nothing of HTTP: the API maps each to its
// status (http/api.cpp), and other callers (a worker's password change) read the message.
enum class Refusal { kInvalid, kNotFound, kConflict, kQuotaExceeded };

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

// xs|s|m|l, or {"vcpus": n, "memory": "8GB" | megabytes}; throws RefusedError otherwise.
ComputeSize parse_size(const nlohmann::json& size);
nlohmann::json size_json(const ComputeSize& s);

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

// Thread-safe (the store serializes).
class ControlPlane {
 public:
  ControlPlane(ConfigStore& store, Endpoint endpoint);
  // What the running server knows of a duckling (e.g. {"warm": true, "sessions": 2}), shown
  // with it as "runtime".
  void set_runtime_source(std::function<nlohmann::json(const std::string&)> source) {
    runtime_source_ = std::move(source);
  }

  nlohmann::json create_org(const OrgSpec& spec);
  nlohmann::json list_orgs();
  nlohmann::json get_org(const std::string& org);
  nlohmann::json update_org(const std::string& org, const OrgChange& change);
  void delete_org(const std::string& org);

  nlohmann::json create_team(const std::string& org, const TeamSpec& spec);
  nlohmann::json list_teams(const std::string& org);
  nlohmann::json get_team(const std::string& org, int64_t team_id);
  void delete_team(const std::string& org, int64_t team_id);

  // `verifier` is the SCRAM verifier of the user's password (made by the caller).
  nlohmann::json create_user(const std::string& org, const UserSpec& spec,
                             const std::string& verifier);
  nlohmann::json list_users(const std::string& org);
  nlohmann::json get_user(const std::string& org, const std::string& username);
  nlohmann::json update_user(const std::string& org, const std::string& username,
                             const UserChange& change, const std::optional<std::string>& verifier);
  void delete_user(const std::string& org, const std::string& username);

  // Provisions it (started) or finds it already there with that size (not started).
  struct Provisioning {
    bool started = false;
    nlohmann::json duckling;
  };
  Provisioning put_duckling(const std::string& org, const ComputeSize& size);
  nlohmann::json get_duckling(const std::string& org);
  nlohmann::json scale_duckling(const std::string& org, const ComputeSize& size);
  nlohmann::json delete_duckling(const std::string& org);

  // Service credentials for pipelines: a login valid for ttl_seconds (60-3600), with an
  // access mode like a user's, revocable. `secret`/`verifier`: the generated password and its
  // SCRAM verifier (made by the caller); the secret is shown once, in the result.
  nlohmann::json mint_credential(const std::string& org, const CredentialSpec& spec,
                                 const std::string& secret, const std::string& verifier);
  nlohmann::json list_credentials(const std::string& org);
  nlohmann::json revoke_credential(const std::string& org, const std::string& id);
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
  nlohmann::json list_audit(const std::string& org, int limit, const std::string& before);

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
  struct OrgRow {
    std::string id, name;
    int max_vcpus, max_connections;
    std::string created_at, updated_at;
  };
  OrgRow org_row(const std::string& org);
  nlohmann::json org_json(const OrgRow& o);
  nlohmann::json duckling_json(const std::string& org, const Row& r);
  ConfigStore& store_;
  Endpoint endpoint_;
  std::function<nlohmann::json(const std::string&)> runtime_source_;
};

}  // namespace ducklings::control
