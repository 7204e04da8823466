#include "control/control_plane.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <cstdio>

#include "common/clock.h"
#include "common/digest.h"

namespace ducklings::control {
namespace {
using json = nlohmann::json;

const char* const kDucklingColumns =
    "state, status_message, size, vcpus, memory_mb, temp_mb, storage_path, created_at, "
    "updated_at, ready_at";

[[noreturn]] void bad_request(const std::string& message) {
  throw RefusedError(Refusal::kInvalid, "invalid_request", message);
}
[[noreturn]] void not_found(const std::string& message) {
  throw RefusedError(Refusal::kNotFound, "not_found", message);
}
[[noreturn]] void conflict(const std::string& message) {
  throw RefusedError(Refusal::kConflict, "conflict", message);
}

std::string new_uuid() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

// A value the API read is in range, or a 400 naming the field.
std::optional<int64_t> in_range(const char* name, std::optional<int64_t> v, int64_t min,
                                int64_t max) {
  if (v && (*v < min || *v > max)) {
    bad_request(std::string("\"") + name + "\" must be between " + std::to_string(min) + " and " +
                std::to_string(max));
  }
  return v;
}

constexpr int64_t kMaxTeamId = INT64_C(9007199254740991);  // JSON's largest exact integer

// Schema names and usernames: identifiers a SQL user can type unquoted.
bool valid_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63 ||
      !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) {
    return false;
  }
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

bool valid_username(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
          c == '@')) {
      return false;
    }
  }
  return true;
}

const std::vector<ComputeSize>& named_sizes() {
  static const std::vector<ComputeSize> sizes = {
      {"xs", 1, 2048, 10240}, {"s", 2, 4096, 20480}, {"m", 4, 8192, 40960}, {"l", 8, 16384, 81920}};
  return sizes;
}

}  // namespace

ComputeSize named_size(const std::string& name) {
  for (const auto& s : named_sizes()) {
    if (s.name == name) return s;
  }
  bad_request("\"size\" must be one of xs, s, m, l or {\"vcpus\", \"memory\"}");
}

ComputeSize custom_size(int64_t vcpus, int64_t memory_mb) {
  in_range("vcpus", vcpus, 1, 64);
  if (memory_mb < 256 || memory_mb > 1024 * 1024) {
    bad_request("\"size.memory\" must be between 256MB and 1024GB");
  }
  return {"custom", static_cast<int>(vcpus), memory_mb, memory_mb * 5};
}

ControlPlane::ControlPlane(ConfigStore& store, Endpoint endpoint)
    : store_(store), endpoint_(std::move(endpoint)) {}

bool ControlPlane::valid_org_name(const std::string& name) {
  if (name.empty() || name.size() > 63 || !std::islower(static_cast<unsigned char>(name[0])))
    return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-')) {
      return false;
    }
  }
  // The server's own databases and PostgreSQL's names are not organizations.
  return name != "duckgres" && name != "postgres" && name != "template0" && name != "template1";
}

std::string ControlPlane::hash_token(const std::string& token) {
  return sha256_hex(token);
}

// ---- organizations ----

Org ControlPlane::org_row(const std::string& org) {
  auto rows = store_.query(
      "SELECT id, name, max_vcpus, max_connections, created_at, updated_at FROM orgs WHERE name = "
      "?",
      {org});
  if (rows.empty()) not_found("organization \"" + org + "\" does not exist");
  const Row& r = rows[0];
  return {*r[0], *r[1], std::stoi(*r[2]), std::stoi(*r[3]), *r[4], *r[5]};
}

Org ControlPlane::create_org(const OrgSpec& spec) {
  const std::string& name = spec.name;
  if (!valid_org_name(name)) {
    bad_request(
        "\"name\" must be 1-63 lower-case letters, digits, '_' or '-', starting with a "
        "letter (it is the duckling's database name; duckgres and postgres are reserved)");
  }
  int max_vcpus = static_cast<int>(in_range("max_vcpus", spec.max_vcpus, 1, 1024).value_or(8));
  int max_connections =
      static_cast<int>(in_range("max_connections", spec.max_connections, 1, 10000).value_or(100));
  std::string now = iso_utc_now();
  Org o{new_uuid(), name, max_vcpus, max_connections, now, now};
  try {
    store_.execute(
        "INSERT INTO orgs (id, name, max_vcpus, max_connections, created_at, updated_at) VALUES "
        "(?, ?, ?, ?, ?, ?)",
        {o.id, o.name, std::to_string(max_vcpus), std::to_string(max_connections), now, now});
  } catch (const StoreError& e) {
    if (e.unique_violation()) conflict("organization \"" + name + "\" already exists");
    throw;
  }
  return o;
}

std::vector<Org> ControlPlane::list_orgs() {
  std::vector<Org> out;
  for (const Row& r : store_.query("SELECT id, name, max_vcpus, max_connections, created_at, "
                                   "updated_at FROM orgs ORDER BY name")) {
    out.push_back({*r[0], *r[1], std::stoi(*r[2]), std::stoi(*r[3]), *r[4], *r[5]});
  }
  return out;
}

OrgStatus ControlPlane::get_org(const std::string& org) {
  OrgStatus o{org_row(org), std::nullopt};
  auto d = store_.query("SELECT state FROM ducklings WHERE org_id = ?", {o.org.id});
  if (!d.empty()) o.duckling_state = *d[0][0];
  return o;
}

Org ControlPlane::update_org(const std::string& org, const OrgChange& change) {
  in_range("max_vcpus", change.max_vcpus, 1, 1024);
  in_range("max_connections", change.max_connections, 1, 10000);
  Org result;
  store_.transaction([&] {
    Org o = org_row(org);
    if (auto v = change.max_vcpus) {
      auto d = store_.query("SELECT vcpus FROM ducklings WHERE org_id = ? AND state <> 'deleted'",
                            {o.id});
      if (!d.empty() && std::stoi(*d[0][0]) > *v) {
        conflict("the duckling uses " + *d[0][0] +
                 " vCPUs; scale it down before lowering max_vcpus");
      }
      o.max_vcpus = static_cast<int>(*v);
    }
    if (auto v = change.max_connections) o.max_connections = static_cast<int>(*v);
    o.updated_at = iso_utc_now();
    store_.execute(
        "UPDATE orgs SET max_vcpus = ?, max_connections = ?, updated_at = ? WHERE id = ?",
        {std::to_string(o.max_vcpus), std::to_string(o.max_connections), o.updated_at, o.id});
    result = o;
  });
  return result;
}

void ControlPlane::delete_org(const std::string& org) {
  store_.transaction([&] {
    Org o = org_row(org);
    auto d = store_.query("SELECT state FROM ducklings WHERE org_id = ?", {o.id});
    if (!d.empty() && *d[0][0] != "deleted") {
      conflict("organization \"" + org + "\" still has a duckling (" + *d[0][0] +
               "); delete it first: DELETE /api/v1/orgs/" + org + "/duckling");
    }
    store_.execute("DELETE FROM ducklings WHERE org_id = ?", {o.id});
    store_.execute("DELETE FROM users WHERE org_id = ?", {o.id});
    store_.execute("DELETE FROM storages WHERE org_id = ?", {o.id});
    store_.execute("DELETE FROM teams WHERE org_id = ?", {o.id});
    store_.execute("DELETE FROM orgs WHERE id = ?", {o.id});
  });
}

// ---- teams ----

namespace {
Team team_of(const Row& r) {
  return {std::stoll(*r[0]), *r[1], *r[2], *r[3], *r[4]};
}
}  // namespace

Team ControlPlane::create_team(const std::string& org, const TeamSpec& spec) {
  auto team_id = in_range("team_id", spec.team_id, 1, kMaxTeamId);
  const std::string& name = spec.name;
  if (name.empty() || name.size() > 200) bad_request("\"name\" must be 1-200 characters");
  std::string schema = spec.schema_name;
  if (schema.empty()) schema = "team_" + std::to_string(*team_id);
  if (!valid_identifier(schema) || schema == "main" || schema == "information_schema" ||
      schema.rfind("pg_", 0) == 0 || schema.rfind("duckgres", 0) == 0) {
    bad_request(
        "\"schema_name\" must be a lower-case identifier (not main, information_schema, "
        "pg_* or duckgres*)");
  }
  Team result;
  store_.transaction([&] {
    Org o = org_row(org);
    std::string token = "phc_" + random_hex(20);
    std::string now = iso_utc_now();
    if (!store_
             .query("SELECT 1 FROM teams WHERE org_id = ? AND team_id = ?",
                    {o.id, std::to_string(*team_id)})
             .empty()) {
      conflict("team " + std::to_string(*team_id) + " already exists in \"" + org + "\"");
    }
    if (!store_.query("SELECT 1 FROM teams WHERE org_id = ? AND schema_name = ?", {o.id, schema})
             .empty()) {
      conflict("schema \"" + schema + "\" already belongs to another team");
    }
    store_.execute(
        "INSERT INTO teams (org_id, team_id, name, schema_name, api_token, created_at) VALUES (?, "
        "?, ?, ?, ?, ?)",
        {o.id, std::to_string(*team_id), name, schema, token, now});
    result = {*team_id, name, schema, token, now};
  });
  return result;
}

std::vector<Team> ControlPlane::list_teams(const std::string& org) {
  Org o = org_row(org);
  std::vector<Team> out;
  for (const Row& r : store_.query("SELECT team_id, name, schema_name, api_token, created_at FROM "
                                   "teams WHERE org_id = ? ORDER BY team_id",
                                   {o.id})) {
    out.push_back(team_of(r));
  }
  return out;
}

Team ControlPlane::get_team(const std::string& org, int64_t team_id) {
  Org o = org_row(org);
  auto rows = store_.query(
      "SELECT team_id, name, schema_name, api_token, created_at FROM teams WHERE org_id = ? AND "
      "team_id = ?",
      {o.id, std::to_string(team_id)});
  if (rows.empty())
    not_found("team " + std::to_string(team_id) + " does not exist in \"" + org + "\"");
  return team_of(rows[0]);
}

void ControlPlane::delete_team(const std::string& org, int64_t team_id) {
  store_.transaction([&] {
    Org o = org_row(org);
    if (!store_
             .query("SELECT 1 FROM users WHERE org_id = ? AND team_id = ?",
                    {o.id, std::to_string(team_id)})
             .empty()) {
      conflict("users are bound to team " + std::to_string(team_id) +
               "; delete or rebind them first");
    }
    if (store_.execute("DELETE FROM teams WHERE org_id = ? AND team_id = ?",
                       {o.id, std::to_string(team_id)}) == 0) {
      not_found("team " + std::to_string(team_id) + " does not exist in \"" + org + "\"");
    }
  });
}

// ---- users ----

namespace {
const char* const kAccessModes[] = {"unrestricted", "project_reader", "project_user"};

User user_of(const Row& r) {
  return {*r[0], *r[1], r[2] ? std::optional<int64_t>(std::stoll(*r[2])) : std::nullopt, *r[3],
          *r[4]};
}

// Validates access_mode and team_id together; returns the team id to store.
std::optional<int64_t> check_access(ConfigStore& store, const std::string& org_id,
                                    const std::string& mode, std::optional<int64_t> team_id) {
  bool known = false;
  for (const char* m : kAccessModes) known = known || mode == m;
  if (!known) bad_request("\"access_mode\" must be unrestricted, project_reader or project_user");
  if (mode == "unrestricted") {
    if (team_id) bad_request("\"team_id\" is only for project_reader and project_user");
    return std::nullopt;
  }
  if (!team_id) bad_request("\"team_id\" is required for " + mode);
  if (store
          .query("SELECT 1 FROM teams WHERE org_id = ? AND team_id = ?",
                 {org_id, std::to_string(*team_id)})
          .empty()) {
    bad_request("team " + std::to_string(*team_id) + " does not exist");
  }
  return team_id;
}

// The access mode asked for (unrestricted when none is named).
std::string access_mode_of(const std::string& mode) {
  return mode.empty() ? "unrestricted" : mode;
}
}  // namespace

User ControlPlane::create_user(const std::string& org, const UserSpec& spec,
                               const std::string& verifier) {
  const std::string& username = spec.username;
  if (!valid_username(username)) {
    bad_request("\"username\" must be 1-63 letters, digits, '_', '-', '.' or '@'");
  }
  std::string folded = username;
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // A login named after a built-in role would be taken for it (GRANT owner TO …).
  if (folded == "owner" || folded == "writer" || folded == "reader" || folded == "public" ||
      folded.rfind("pg_", 0) == 0 || folded.rfind("duckgres", 0) == 0) {
    bad_request("\"username\" \"" + username +
                "\" is reserved (built-in roles owner, writer, reader, public; pg_ and duckgres "
                "prefixes)");
  }
  std::string mode = access_mode_of(spec.access_mode);
  in_range("team_id", spec.team_id, 1, kMaxTeamId);
  User result;
  store_.transaction([&] {
    Org o = org_row(org);
    auto team = check_access(store_, o.id, mode, spec.team_id);
    std::string now = iso_utc_now();
    try {
      store_.execute(
          "INSERT INTO users (org_id, username, verifier, access_mode, team_id, created_at, "
          "updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {o.id, username, verifier, mode, team ? Value(std::to_string(*team)) : Value(), now,
           now});
    } catch (const StoreError& e) {
      if (e.unique_violation())
        conflict("user \"" + username + "\" already exists in \"" + org + "\"");
      throw;
    }
    result = {username, mode, team, now, now};
  });
  return result;
}

std::vector<User> ControlPlane::list_users(const std::string& org) {
  Org o = org_row(org);
  std::vector<User> out;
  for (const Row& r : store_.query("SELECT username, access_mode, team_id, created_at, updated_at "
                                   "FROM users WHERE org_id = ? ORDER BY username",
                                   {o.id})) {
    out.push_back(user_of(r));
  }
  return out;
}

User ControlPlane::get_user(const std::string& org, const std::string& username) {
  Org o = org_row(org);
  auto rows = store_.query(
      "SELECT username, access_mode, team_id, created_at, updated_at FROM users WHERE org_id = ? "
      "AND username = ?",
      {o.id, username});
  if (rows.empty()) not_found("user \"" + username + "\" does not exist in \"" + org + "\"");
  return user_of(rows[0]);
}

User ControlPlane::update_user(const std::string& org, const std::string& username,
                               const UserChange& change,
                               const std::optional<std::string>& verifier) {
  if (change.team_id) in_range("team_id", *change.team_id, 1, kMaxTeamId);
  User result;
  store_.transaction([&] {
    Org o = org_row(org);
    User current = get_user(org, username);
    std::string mode = change.access_mode ? *change.access_mode : current.access_mode;
    std::optional<int64_t> team;
    if (change.team_id) {
      team = *change.team_id;
    } else if (mode != "unrestricted") {
      team = current.team_id;
    }
    team = check_access(store_, o.id, mode, team);
    std::string now = iso_utc_now();
    store_.execute(
        "UPDATE users SET access_mode = ?, team_id = ?, updated_at = ? WHERE org_id = ? AND "
        "username = ?",
        {mode, team ? Value(std::to_string(*team)) : Value(), now, o.id, username});
    if (verifier) {
      store_.execute("UPDATE users SET verifier = ? WHERE org_id = ? AND username = ?",
                     {*verifier, o.id, username});
    }
    result = get_user(org, username);
  });
  return result;
}

void ControlPlane::delete_user(const std::string& org, const std::string& username) {
  Org o = org_row(org);
  if (store_.execute("DELETE FROM users WHERE org_id = ? AND username = ?", {o.id, username}) ==
      0) {
    not_found("user \"" + username + "\" does not exist in \"" + org + "\"");
  }
}

// ---- service credentials ----

namespace {
Credential credential_of(const Row& r, const std::string& now) {
  // id, username, name, access_mode, team_id, created_at, expires_at, revoked_at
  std::string state = r[7] ? "revoked" : (*r[6] <= now ? "expired" : "active");
  return {*r[0], *r[1], *r[2], *r[3],
          r[4] ? std::optional<int64_t>(std::stoll(*r[4])) : std::nullopt,
          *r[5], *r[6], r[7], state};
}
const char* const kCredentialColumns =
    "id, username, name, access_mode, team_id, created_at, expires_at, revoked_at";
}  // namespace

MintedCredential ControlPlane::mint_credential(const std::string& org, const CredentialSpec& spec,
                                   const std::string& secret, const std::string& verifier) {
  int64_t ttl = in_range("ttl_seconds", spec.ttl_seconds, 60, 3600).value_or(900);
  const std::string& name = spec.name;
  if (name.size() > 200) bad_request("\"name\" is at most 200 characters");
  std::string mode = access_mode_of(spec.access_mode);
  in_range("team_id", spec.team_id, 1, kMaxTeamId);
  MintedCredential result;
  store_.transaction([&] {
    Org o = org_row(org);
    auto team = check_access(store_, o.id, mode, spec.team_id);
    std::string id = random_hex(8);
    std::string username = "svc_" + id;
    auto now = std::chrono::system_clock::now();
    std::string created = iso_utc(now), expires = iso_utc(now + std::chrono::seconds(ttl));
    store_.execute(
        "INSERT INTO service_credentials (id, org_id, username, name, verifier, access_mode, "
        "team_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, o.id, username, name, verifier, mode, team ? Value(std::to_string(*team)) : Value(),
         created, expires});
    // The password is shown once; only the verifier is kept.
    result = {{id, username, name, mode, team, created, expires, std::nullopt, "active"}, secret, org};
  });
  return result;
}

std::vector<Credential> ControlPlane::list_credentials(const std::string& org) {
  Org o = org_row(org);
  std::vector<Credential> out;
  std::string now = iso_utc_now();
  for (const Row& r : store_.query(std::string("SELECT ") + kCredentialColumns +
                                       " FROM service_credentials WHERE org_id = ? ORDER BY "
                                       "created_at DESC",
                                   {o.id})) {
    out.push_back(credential_of(r, now));
  }
  return out;
}

Credential ControlPlane::revoke_credential(const std::string& org, const std::string& id) {
  Credential result;
  store_.transaction([&] {
    Org o = org_row(org);
    std::string now = iso_utc_now();
    store_.execute(
        "UPDATE service_credentials SET revoked_at = ? WHERE org_id = ? AND id = ? AND "
        "revoked_at IS NULL",
        {now, o.id, id});
    auto rows = store_.query(std::string("SELECT ") + kCredentialColumns +
                                 " FROM service_credentials WHERE org_id = ? AND id = ?",
                             {o.id, id});
    if (rows.empty()) not_found("credential \"" + id + "\" does not exist in \"" + org + "\"");
    result = credential_of(rows[0], now);
  });
  return result;
}

void ControlPlane::set_user_verifier(const std::string& database, const std::string& username,
                                     const std::string& verifier) {
  auto org = store_.query("SELECT id FROM orgs WHERE name = ?", {database});
  if (org.empty()) {
    if (store_.execute("UPDATE logins SET verifier = ? WHERE name = ?", {verifier, username}) ==
        0) {
      not_found("role \"" + username + "\" does not exist");
    }
    return;
  }
  if (store_.execute(
          "UPDATE users SET verifier = ?, updated_at = ? WHERE org_id = ? AND username = ?",
          {verifier, iso_utc_now(), *org[0][0], username}) == 0) {
    not_found("role \"" + username + "\" does not exist");
  }
}

// ---- background jobs ----

void ControlPlane::save_job(const json& job) {
  std::string now = iso_utc_now();
  store_.execute(
      "INSERT INTO jobs (id, org, kind, state, detail, created_at, updated_at) VALUES (?, ?, ?, ?, "
      "?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, detail = excluded.detail, "
      "updated_at = excluded.updated_at",
      {job.value("id", ""), job.value("org", ""), job.value("kind", ""), job.value("state", ""),
       job.dump(), now, now});
}

json ControlPlane::get_job(const std::string& org, const std::string& id) {
  auto rows = store_.query("SELECT detail FROM jobs WHERE org = ? AND id = ?", {org, id});
  if (rows.empty()) not_found("job \"" + id + "\" does not exist in \"" + org + "\"");
  return json::parse(*rows[0][0]);
}

json ControlPlane::list_jobs(const std::string& org) {
  org_row(org);
  json out = json::array();
  for (const Row& r :
       store_.query("SELECT detail FROM jobs WHERE org = ? ORDER BY created_at DESC", {org})) {
    out.push_back(json::parse(*r[0]));
  }
  return out;
}

std::vector<json> ControlPlane::unfinished_jobs() {
  std::vector<json> out;
  for (const Row& r : store_.query("SELECT detail FROM jobs WHERE state IN ('queued', 'running') "
                                   "ORDER BY created_at")) {
    out.push_back(json::parse(*r[0]));
  }
  return out;
}

// ---- the audit log ----

void ControlPlane::audit(const std::string& org, const std::string& actor,
                         const std::string& action, const std::string& target, const json& detail) {
  std::string now = iso_utc_now();
  // Ids sort with time, so equal timestamps still page in order.
  store_.execute(
      "INSERT INTO audit_log (id, at, org, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, "
      "?, ?)",
      {now + "-" + random_hex(6), now, org.empty() ? Value() : Value(org), actor, action, target,
       detail.is_null() ? Value() : Value(detail.dump())});
}

std::vector<AuditEntry> ControlPlane::list_audit(const std::string& org, int limit,
                                                const std::string& before) {
  org_row(org);  // 404 for an unknown organization
  std::vector<AuditEntry> out;
  std::string cursor = before.empty() ? std::string("\x7f") : before;
  for (const Row& r :
       store_.query("SELECT id, at, actor, action, target, detail FROM audit_log WHERE org = ? AND "
                    "id < ? ORDER BY id DESC LIMIT ?",
                    {org, cursor, std::to_string(limit)})) {
    out.push_back({*r[0], *r[1], *r[2], *r[3], r[4],
                   r[5] ? json::parse(*r[5], nullptr, false) : json(nullptr)});
  }
  return out;
}

// ---- ducklings ----

Duckling ControlPlane::duckling_of(const std::string& org, const Row& r) {
  Duckling d;
  d.organization = org;
  d.state = *r[0];
  d.status_message = *r[1];
  d.size = {*r[2], std::stoi(*r[3]), std::stoll(*r[4]), std::stoll(*r[5])};
  d.storage_path = *r[6];
  d.created_at = *r[7];
  d.updated_at = *r[8];
  d.ready_at = r[9];
  if (runtime_source_ && d.state == "ready") d.runtime = runtime_source_(org);
  std::string host = endpoint_.host, port = std::to_string(endpoint_.port);
  const std::string& sslmode = endpoint_.sslmode;
  ConnectionInfo& c = d.connection;
  c.host = host;
  c.port = endpoint_.port;
  c.database = org;
  c.sslmode = sslmode;
  c.psql = "psql \"host=" + host + " port=" + port + " dbname=" + org +
           " user=<username> sslmode=" + sslmode + "\"";
  c.jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + org + "?sslmode=" + sslmode;
  c.odbc = "Driver={PostgreSQL Unicode};Server=" + host + ";Port=" + port + ";Database=" + org +
           ";Uid=<username>;Pwd=<password>;SSLmode=" + sslmode + ";";
  c.dbt_profile = org + ":\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      host: " +
                  host + "\n      port: " + port + "\n      dbname: " + org +
                  "\n      schema: main\n      user: <username>\n      password: \"{{ "
                  "env_var('DUCKGRES_PASSWORD') }}\"\n      sslmode: " +
                  sslmode + "\n      threads: 4\n";
  return d;
}

ControlPlane::Provisioning ControlPlane::put_duckling(const std::string& org,
                                                      const ComputeSize& size) {
  Provisioning result;
  store_.transaction([&] {
    Org o = org_row(org);
    if (size.vcpus > o.max_vcpus) {
      throw RefusedError(Refusal::kQuotaExceeded, "quota_exceeded",
                         "size " + size.name + " needs " + std::to_string(size.vcpus) +
                             " vCPUs; \"" + org + "\" may use " + std::to_string(o.max_vcpus) +
                             " (max_vcpus)");
    }
    auto rows = store_.query(
        std::string("SELECT ") + kDucklingColumns + " FROM ducklings WHERE org_id = ?", {o.id});
    std::string now = iso_utc_now();
    if (!rows.empty() && *rows[0][0] != "deleted" && *rows[0][0] != "failed") {
      const Row& r = rows[0];
      if (*r[0] == "deleting")
        conflict("the duckling is being deleted; try again when it is deleted");
      bool same = std::stoi(*r[3]) == size.vcpus && std::stoll(*r[4]) == size.memory_mb;
      if (!same) conflict("the duckling exists with another size; change it with PATCH");
      result = {false, duckling_of(org, r)};  // idempotent: already provisioned or on its way
      return;
    }
    std::string path = "ducklings/" + org;
    store_.execute("DELETE FROM ducklings WHERE org_id = ?", {o.id});
    store_.execute(
        "INSERT INTO ducklings (org_id, state, status_message, size, vcpus, memory_mb, temp_mb, "
        "storage_path, "
        "created_at, updated_at, ready_at) VALUES (?, 'pending', 'waiting to be provisioned', ?, "
        "?, ?, ?, ?, ?, ?, NULL)",
        {o.id, size.name, std::to_string(size.vcpus), std::to_string(size.memory_mb),
         std::to_string(size.temp_mb), path, now, now});
    auto fresh = store_.query(
        std::string("SELECT ") + kDucklingColumns + " FROM ducklings WHERE org_id = ?", {o.id});
    result = {true, duckling_of(org, fresh[0])};
  });
  return result;
}

Duckling ControlPlane::get_duckling(const std::string& org) {
  Org o = org_row(org);
  auto rows = store_.query(
      std::string("SELECT ") + kDucklingColumns + " FROM ducklings WHERE org_id = ?", {o.id});
  if (rows.empty())
    not_found("\"" + org + "\" has no duckling; create it with PUT /api/v1/orgs/" + org +
              "/duckling");
  return duckling_of(org, rows[0]);
}

Duckling ControlPlane::scale_duckling(const std::string& org, const ComputeSize& size) {
  Duckling result;
  store_.transaction([&] {
    Org o = org_row(org);
    auto rows = store_.query("SELECT state FROM ducklings WHERE org_id = ?", {o.id});
    if (rows.empty() || *rows[0][0] == "deleted") not_found("\"" + org + "\" has no duckling");
    if (*rows[0][0] == "deleting") conflict("the duckling is being deleted");
    if (size.vcpus > o.max_vcpus) {
      throw RefusedError(Refusal::kQuotaExceeded, "quota_exceeded",
                         "size needs " + std::to_string(size.vcpus) + " vCPUs; \"" + org +
                             "\" may use " + std::to_string(o.max_vcpus) + " (max_vcpus)");
    }
    store_.execute(
        "UPDATE ducklings SET size = ?, vcpus = ?, memory_mb = ?, temp_mb = ?, updated_at = ? "
        "WHERE org_id = ?",
        {size.name, std::to_string(size.vcpus), std::to_string(size.memory_mb),
         std::to_string(size.temp_mb), iso_utc_now(), o.id});
    result = get_duckling(org);
  });
  return result;
}

Duckling ControlPlane::delete_duckling(const std::string& org) {
  Duckling result;
  store_.transaction([&] {
    Org o = org_row(org);
    auto rows = store_.query("SELECT state FROM ducklings WHERE org_id = ?", {o.id});
    if (rows.empty() || *rows[0][0] == "deleted") not_found("\"" + org + "\" has no duckling");
    store_.execute(
        "UPDATE ducklings SET state = 'deleting', status_message = 'removing its data', updated_at "
        "= ? WHERE org_id = ?",
        {iso_utc_now(), o.id});
    result = get_duckling(org);
  });
  return result;
}

// ---- logins and tokens ----

std::optional<LoginTarget> ControlPlane::resolve_login(const std::string& database,
                                                       const std::string& user) {
  auto org = store_.query("SELECT id, max_connections FROM orgs WHERE name = ?", {database});
  if (org.empty()) {
    // Not an organization: the server's own logins (the operator's admin) on its own databases.
    auto rows = store_.query("SELECT verifier, superuser FROM logins WHERE name = ?", {user});
    if (rows.empty()) return std::nullopt;
    LoginTarget t;
    t.verifier = *rows[0][0];
    t.superuser = rows[0][1] && *rows[0][1] != "0";
    return t;
  }
  std::string org_id = *org[0][0];
  auto rows = store_.query(
      "SELECT u.verifier, u.access_mode, u.team_id, t.schema_name FROM users u "
      "LEFT JOIN teams t ON t.org_id = u.org_id AND t.team_id = u.team_id "
      "WHERE u.org_id = ? AND u.username = ?",
      {org_id, user});
  std::string credential_id;
  if (rows.empty()) {
    // A service credential, while it is neither expired nor revoked.
    rows = store_.query(
        "SELECT c.verifier, c.access_mode, c.team_id, t.schema_name, c.id FROM "
        "service_credentials c LEFT JOIN teams t ON t.org_id = c.org_id AND t.team_id = c.team_id "
        "WHERE c.org_id = ? AND c.username = ? AND c.revoked_at IS NULL AND c.expires_at > ?",
        {org_id, user, iso_utc_now()});
    if (rows.empty()) return std::nullopt;
    credential_id = *rows[0][4];
  }
  LoginTarget t;
  t.verifier = *rows[0][0];
  t.credential_id = credential_id;
  t.org = database;
  t.max_connections = std::stoi(*org[0][1]);
  t.access_mode = *rows[0][1];
  if (rows[0][2]) t.team_id = std::stoll(*rows[0][2]);
  t.team_schema = rows[0][3].value_or("");
  auto d = store_.query("SELECT state FROM ducklings WHERE org_id = ?", {org_id});
  t.duckling_state = d.empty() ? "none" : *d[0][0];
  return t;
}

std::optional<ControlPlane::TeamKey> ControlPlane::team_by_token(const std::string& token) {
  auto rows = store_.query(
      "SELECT o.name, t.team_id, t.schema_name FROM teams t JOIN orgs o ON o.id = t.org_id WHERE "
      "t.api_token = ?",
      {token});
  if (rows.empty()) return std::nullopt;
  return TeamKey{*rows[0][0], *rows[0][2], std::stoll(*rows[0][1])};
}

bool ControlPlane::has_logins() {
  return !store_.query("SELECT 1 FROM logins LIMIT 1").empty();
}

void ControlPlane::put_login(const std::string& name, const std::string& verifier, bool superuser) {
  store_.execute(
      "INSERT INTO logins (name, verifier, superuser, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (name) DO UPDATE SET verifier = excluded.verifier, superuser = "
      "excluded.superuser",
      {name, verifier, superuser ? "1" : "0", iso_utc_now()});
}

std::optional<std::string> ControlPlane::token_name(const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto rows = store_.query("SELECT name FROM api_tokens WHERE token_hash = ?", {hash_token(token)});
  if (rows.empty()) return std::nullopt;
  return rows[0][0].value_or("");
}

void ControlPlane::add_token(const std::string& token, const std::string& name) {
  store_.execute(
      "INSERT INTO api_tokens (token_hash, name, created_at) VALUES (?, ?, ?) ON CONFLICT "
      "(token_hash) DO NOTHING",
      {hash_token(token), name, iso_utc_now()});
}

bool ControlPlane::has_tokens() {
  return !store_.query("SELECT 1 FROM api_tokens LIMIT 1").empty();
}

// ---- object storages ----

namespace {
const char* const kStorageColumns =
    "name, kind, path, endpoint, bucket, prefix, region, url_style, access_key_id, created_at";

StorageRecord storage_of(const Row& r) {
  return {*r[0], *r[1], *r[2], *r[3], *r[4], *r[5], *r[6], *r[7], *r[8], *r[9]};
}

bool inside(const std::string& path, const std::vector<std::string>& directories) {
  std::filesystem::path p = std::filesystem::path(path).lexically_normal();
  for (const auto& d : directories) {
    std::filesystem::path dir = std::filesystem::path(d).lexically_normal();
    auto [end, rest] = std::mismatch(dir.begin(), dir.end(), p.begin(), p.end());
    if (end == dir.end() || (std::next(end) == dir.end() && end->empty())) return true;
  }
  return false;
}
}  // namespace

void ControlPlane::set_storage_places(const SecretBox* secrets, std::string data_dir,
                                      std::vector<std::string> readable_directories) {
  secrets_ = secrets;
  data_dir_ = std::move(data_dir);
  readable_directories_ = std::move(readable_directories);
}

std::unique_ptr<storage::Storage> ControlPlane::open_record(const std::string& org,
                                                            const StorageRecord& r,
                                                            const std::string& secret) {
  if (r.kind == "local") {
    std::string path = r.path.empty() ? data_dir_ + "/ducklings/" + org + "/storages/" + r.name
                                      : r.path;
    return storage::open_local(path);
  }
  storage::S3Options o;
  o.endpoint = r.endpoint;
  o.bucket = r.bucket;
  o.prefix = r.prefix;
  o.region = r.region.empty() ? "us-east-1" : r.region;
  o.virtual_hosted = r.url_style == "virtual";
  o.access_key_id = r.access_key_id;
  o.secret_access_key = secret;
  return storage::open_s3(o);
}

StorageRecord ControlPlane::create_storage(const std::string& org, const StorageSpec& spec) {
  if (!secrets_) throw std::runtime_error("object storages are not set up on this server");
  if (!valid_identifier(spec.name)) {
    bad_request("\"name\" must be a lower-case identifier (it is the host of s3://<name>/…)");
  }
  StorageRecord r;
  r.name = spec.name;
  r.kind = spec.kind.empty() ? "s3" : spec.kind;
  std::string secret;
  if (r.kind == "local") {
    if (!spec.bucket.empty() || !spec.endpoint.empty() || !spec.access_key_id.empty() ||
        !spec.secret_access_key.empty()) {
      bad_request("a local storage takes a \"path\" only");
    }
    r.path = spec.path;
    if (!r.path.empty() &&
        (r.path.front() != '/' || !inside(r.path, readable_directories_))) {
      bad_request("\"path\" must be an absolute directory under readable_directories (the "
                  "operator's --readable-directories)");
    }
  } else if (r.kind == "s3") {
    if (!spec.path.empty()) bad_request("an s3 storage takes no \"path\"");
    if (spec.bucket.empty()) bad_request("\"bucket\" is required");
    if (spec.access_key_id.empty() || spec.secret_access_key.empty()) {
      bad_request("\"access_key_id\" and \"secret_access_key\" are required");
    }
    if (!spec.endpoint.empty() && spec.endpoint.rfind("https://", 0) != 0 &&
        spec.endpoint.rfind("http://", 0) != 0) {
      bad_request("\"endpoint\" must be an http:// or https:// URL");
    }
    if (!spec.url_style.empty() && spec.url_style != "path" && spec.url_style != "virtual") {
      bad_request("\"url_style\" must be path or virtual");
    }
    r.endpoint = spec.endpoint;
    r.bucket = spec.bucket;
    r.prefix = spec.prefix;
    r.region = spec.region.empty() ? "us-east-1" : spec.region;
    r.url_style = spec.url_style.empty() ? "path" : spec.url_style;
    r.access_key_id = spec.access_key_id;
    secret = spec.secret_access_key;
  } else {
    bad_request("\"kind\" must be local or s3");
  }
  Org o = org_row(org);
  if (!store_.query("SELECT 1 FROM storages WHERE org_id = ? AND name = ?", {o.id, r.name})
           .empty()) {
    conflict("storage \"" + r.name + "\" already exists in \"" + org + "\"");
  }
  // It must list and take a write: a bad key, a missing bucket or no permission shows now.
  try {
    std::unique_ptr<storage::Storage> s = open_record(org, r, secret);
    s->list("", "", 1);
    std::string probe = ".duckgres-probe-" + random_hex(8);
    s->put(probe, "duckgres checks it may write here");
    s->remove({probe});
  } catch (const storage::StorageError& e) {
    throw RefusedError(Refusal::kUnprocessable, "storage_unusable",
                       "the storage cannot be used: " + std::string(e.what()));
  }
  r.created_at = iso_utc_now();
  try {
    store_.execute("INSERT INTO storages (org_id, name, kind, path, endpoint, bucket, prefix, "
                   "region, url_style, access_key_id, secret, created_at) VALUES (?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?, ?)",
                   {o.id, r.name, r.kind, r.path, r.endpoint, r.bucket, r.prefix, r.region,
                    r.url_style, r.access_key_id, secrets_->seal(secret), r.created_at});
  } catch (const StoreError& e) {
    if (e.unique_violation()) conflict("storage \"" + r.name + "\" already exists in \"" + org + "\"");
    throw;
  }
  return r;
}

std::vector<StorageRecord> ControlPlane::list_storages(const std::string& org) {
  Org o = org_row(org);
  std::vector<StorageRecord> out;
  for (const Row& r : store_.query(std::string("SELECT ") + kStorageColumns +
                                       " FROM storages WHERE org_id = ? ORDER BY name",
                                   {o.id})) {
    out.push_back(storage_of(r));
  }
  return out;
}

StorageRecord ControlPlane::get_storage(const std::string& org, const std::string& name) {
  Org o = org_row(org);
  auto rows = store_.query(std::string("SELECT ") + kStorageColumns +
                               " FROM storages WHERE org_id = ? AND name = ?",
                           {o.id, name});
  if (rows.empty()) not_found("storage \"" + name + "\" does not exist in \"" + org + "\"");
  return storage_of(rows[0]);
}

void ControlPlane::delete_storage(const std::string& org, const std::string& name) {
  Org o = org_row(org);
  if (store_.execute("DELETE FROM storages WHERE org_id = ? AND name = ?", {o.id, name}) == 0) {
    not_found("storage \"" + name + "\" does not exist in \"" + org + "\"");
  }
}

StorageGrant ControlPlane::grant_storage(const std::string& org, const std::string& name,
                                         const std::string& role, const std::string& privilege) {
  if (privilege != "read" && privilege != "write") {
    bad_request("\"privilege\" must be read or write");
  }
  if (role.empty() || role.size() > 63) bad_request("\"role\" must be a role name");
  get_storage(org, name);  // 404 when there is none
  Org o = org_row(org);
  StorageGrant g{name, role, privilege, iso_utc_now()};
  store_.execute("DELETE FROM storage_grants WHERE org_id = ? AND storage = ? AND role = ?",
                 {o.id, name, role});
  store_.execute("INSERT INTO storage_grants (org_id, storage, role, privilege, granted_at) "
                 "VALUES (?, ?, ?, ?, ?)",
                 {o.id, name, role, privilege, g.granted_at});
  return g;
}

void ControlPlane::revoke_storage(const std::string& org, const std::string& name,
                                  const std::string& role) {
  get_storage(org, name);
  Org o = org_row(org);
  if (store_.execute("DELETE FROM storage_grants WHERE org_id = ? AND storage = ? AND role = ?",
                     {o.id, name, role}) == 0) {
    not_found("role \"" + role + "\" holds no grant of storage \"" + name + "\"");
  }
}

std::vector<StorageGrant> ControlPlane::list_storage_grants(const std::string& org,
                                                            const std::string& name) {
  get_storage(org, name);
  Org o = org_row(org);
  std::vector<StorageGrant> out;
  for (const Row& r : store_.query("SELECT storage, role, privilege, granted_at FROM "
                                   "storage_grants WHERE org_id = ? AND storage = ? ORDER BY role",
                                   {o.id, name})) {
    out.push_back({*r[0], *r[1], *r[2], *r[3]});
  }
  return out;
}

std::string ControlPlane::storage_privilege(const std::string& org, const std::string& name,
                                            const std::vector<std::string>& roles) {
  Org o = org_row(org);
  std::string best;
  for (const Row& r : store_.query("SELECT role, privilege FROM storage_grants WHERE org_id = ? "
                                   "AND storage = ?",
                                   {o.id, name})) {
    if (std::find(roles.begin(), roles.end(), *r[0]) == roles.end()) continue;
    if (*r[1] == "write") return "write";
    best = "read";
  }
  return best;
}

std::unique_ptr<storage::Storage> ControlPlane::open_storage(const std::string& org,
                                                             const std::string& name) {
  StorageRecord r = get_storage(org, name);
  Org o = org_row(org);
  auto rows = store_.query("SELECT secret FROM storages WHERE org_id = ? AND name = ?",
                           {o.id, name});
  std::string secret = rows.empty() || rows[0][0]->empty() ? "" : secrets_->open(*rows[0][0]);
  return open_record(org, r, secret);
}

// ---- external sources ----

namespace {
SourceRecord source_of(const Row& r) {
  SourceRecord s;
  s.team_id = std::stoll(*r[0]);
  s.name = *r[1];
  s.kind = *r[2];
  s.prefix = *r[3];
  s.connection = nlohmann::json::parse(*r[4]);
  s.created_at = *r[5];
  return s;
}
const char* const kSourceColumns = "team_id, name, kind, prefix, connection, created_at";
}  // namespace

SourceRecord ControlPlane::create_source(
    const std::string& org, int64_t team_id, const SourceSpec& spec,
    const std::function<void(const SourceRecord&, const std::string&)>& probe) {
  if (!secrets_) throw std::runtime_error("sources are not set up on this server");
  if (!valid_identifier(spec.name)) bad_request("\"name\" must be a lower-case identifier");
  std::string prefix = spec.prefix.empty() ? spec.name : spec.prefix;
  if (!valid_identifier(prefix) || prefix == "main" || prefix == "public" ||
      prefix.rfind("team_", 0) == 0 || prefix.rfind("duckgres", 0) == 0 ||
      prefix.rfind("pg_", 0) == 0 || prefix == "information_schema" || prefix == "system") {
    bad_request("\"prefix\" must be a lower-case identifier that is not a schema of the "
                "server or of a team (main, public, team_*, duckgres*, pg_*)");
  }
  if (spec.kind != "postgres" && spec.kind != "mysql" && spec.kind != "files" &&
      spec.kind != "rest" && spec.kind != "stripe")
    bad_request("\"kind\" must be postgres, mysql, files, rest or stripe");
  // The sources module checked the connection and took its secret apart.
  const nlohmann::json& connection = spec.connection;
  const std::string& password = spec.secret;
  get_team(org, team_id);
  Org o = org_row(org);
  if (!store_.query("SELECT 1 FROM sources WHERE org_id = ? AND name = ?", {o.id, spec.name}).empty())
    conflict("source \"" + spec.name + "\" already exists in \"" + org + "\"");
  if (!store_.query("SELECT 1 FROM sources WHERE org_id = ? AND prefix = ?", {o.id, prefix}).empty())
    conflict("another source of \"" + org + "\" lands in schema \"" + prefix + "\"");
  SourceRecord r{team_id, spec.name, spec.kind, prefix, iso_utc_now(), connection};
  probe(r, password);
  try {
    store_.execute("INSERT INTO sources (org_id, team_id, name, kind, prefix, connection, secret, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {o.id, std::to_string(team_id), r.name, r.kind, r.prefix, connection.dump(),
                    secrets_->seal(password), r.created_at});
  } catch (const StoreError& e) {
    if (e.unique_violation()) conflict("source \"" + spec.name + "\" already exists in \"" + org + "\"");
    throw;
  }
  return r;
}

std::vector<SourceRecord> ControlPlane::list_sources(const std::string& org, int64_t team_id) {
  get_team(org, team_id);
  Org o = org_row(org);
  std::vector<SourceRecord> out;
  for (const Row& r : store_.query(std::string("SELECT ") + kSourceColumns +
                                       " FROM sources WHERE org_id = ? AND team_id = ? ORDER BY name",
                                   {o.id, std::to_string(team_id)}))
    out.push_back(source_of(r));
  return out;
}

SourceRecord ControlPlane::get_source(const std::string& org, int64_t team_id,
                                      const std::string& name) {
  get_team(org, team_id);
  Org o = org_row(org);
  auto rows = store_.query(std::string("SELECT ") + kSourceColumns +
                               " FROM sources WHERE org_id = ? AND team_id = ? AND name = ?",
                           {o.id, std::to_string(team_id), name});
  if (rows.empty()) not_found("source \"" + name + "\" does not exist in team " + std::to_string(team_id));
  return source_of(rows[0]);
}

void ControlPlane::delete_source(const std::string& org, int64_t team_id, const std::string& name) {
  get_source(org, team_id, name);
  Org o = org_row(org);
  store_.transaction([&] {
    store_.execute("DELETE FROM source_tables WHERE org_id = ? AND source = ?", {o.id, name});
    store_.execute("DELETE FROM sources WHERE org_id = ? AND name = ?", {o.id, name});
  });
}

std::string ControlPlane::source_password(const std::string& org, const std::string& name) {
  Org o = org_row(org);
  auto rows = store_.query("SELECT secret FROM sources WHERE org_id = ? AND name = ?", {o.id, name});
  if (rows.empty()) not_found("source \"" + name + "\" does not exist");
  return rows[0][0]->empty() ? "" : secrets_->open(*rows[0][0]);
}

std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> ControlPlane::source_tables(
    const std::string& org, const std::string& name) {
  Org o = org_row(org);
  std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> out;
  for (const Row& r : store_.query("SELECT table_name, config, state FROM source_tables WHERE "
                                   "org_id = ? AND source = ?",
                                   {o.id, name}))
    out[*r[0]] = {nlohmann::json::parse(*r[1]), nlohmann::json::parse(*r[2])};
  return out;
}

void ControlPlane::save_source_table(const std::string& org, const std::string& name,
                                     const std::string& table, const nlohmann::json& config,
                                     const nlohmann::json& state) {
  Org o = org_row(org);
  store_.transaction([&] {
    store_.execute("DELETE FROM source_tables WHERE org_id = ? AND source = ? AND table_name = ?",
                   {o.id, name, table});
    store_.execute("INSERT INTO source_tables (org_id, source, table_name, config, state) VALUES "
                   "(?, ?, ?, ?, ?)",
                   {o.id, name, table, config.dump(), state.dump()});
  });
}

std::vector<std::tuple<std::string, int64_t, std::string>> ControlPlane::all_sources() {
  std::vector<std::tuple<std::string, int64_t, std::string>> out;
  for (const Row& r : store_.query("SELECT o.name, s.team_id, s.name FROM sources s JOIN orgs o ON "
                                   "o.id = s.org_id ORDER BY 1, 3"))
    out.emplace_back(*r[0], std::stoll(*r[1]), *r[2]);
  return out;
}

namespace {
// The table and owner column of a kind's run history (migrations 7, 8 and 9).
std::pair<const char*, const char*> run_table(RunKind kind) {
  if (kind == RunKind::kSource) return {"source_runs", "source"};
  return {kind == RunKind::kModel ? "model_runs" : "publication_runs", "owner"};
}
}  // namespace

void ControlPlane::save_run(RunKind kind, const std::string& org, const std::string& owner,
                            const nlohmann::json& run) {
  Org o = org_row(org);
  std::string table = run_table(kind).first, column = run_table(kind).second;  // captured below
  store_.transaction([&] {
    store_.execute(std::string("DELETE FROM ") + table + " WHERE id = ?", {run["id"].get<std::string>()});
    store_.execute(std::string("INSERT INTO ") + table + " (id, org_id, " + column +
                       ", status, started_at, run) VALUES (?, ?, ?, ?, ?, ?)",
                   {run["id"].get<std::string>(), o.id, owner, run["status"].get<std::string>(),
                    run["started_at"].get<std::string>(), run.dump()});
  });
}

nlohmann::json ControlPlane::get_run(RunKind kind, const std::string& org, const std::string& owner,
                                     const std::string& id) {
  Org o = org_row(org);
  auto [table, column] = run_table(kind);
  auto rows = store_.query(std::string("SELECT run FROM ") + table + " WHERE org_id = ? AND " +
                               column + " = ? AND id = ?",
                           {o.id, owner, id});
  if (rows.empty()) not_found("run \"" + id + "\" does not exist");
  return nlohmann::json::parse(*rows[0][0]);
}

nlohmann::json ControlPlane::list_runs(RunKind kind, const std::string& org, const std::string& owner,
                                       int limit) {
  Org o = org_row(org);
  auto [table, column] = run_table(kind);
  nlohmann::json out = nlohmann::json::array();
  for (const Row& r : store_.query(std::string("SELECT run FROM ") + table + " WHERE org_id = ? AND " +
                                       column + " = ? ORDER BY started_at DESC, id LIMIT " +
                                       std::to_string(limit),
                                   {o.id, owner}))
    out.push_back(nlohmann::json::parse(*r[0]));
  return out;
}

namespace {
TeamJobRecord job_of(const Row& r) {
  return {std::stoll(*r[0]), *r[1], *r[2], *r[3], nlohmann::json::parse(*r[4]), nlohmann::json::parse(*r[5])};
}
const char* const kJobColumns = "team_id, name, created_at, updated_at, spec, state";
// The table of a kind of team job (migrations 8 and 9) and what its messages call one.
std::pair<std::string, std::string> job_table(TeamJob kind) {
  return kind == TeamJob::kModel ? std::pair{"models", "model"} : std::pair{"publications", "publication"};
}
}  // namespace

void ControlPlane::save_job(TeamJob kind, const std::string& org, const TeamJobRecord& m, bool create) {
  get_team(org, m.team_id);
  Org o = org_row(org);
  std::string team = std::to_string(m.team_id);
  std::string table = job_table(kind).first, noun = job_table(kind).second;
  store_.transaction([&] {
    bool exists = !store_.query("SELECT 1 FROM " + table + " WHERE org_id = ? AND team_id = ? AND name = ?",
                                {o.id, team, m.name})
                       .empty();
    if (create && exists) conflict(noun + " \"" + m.name + "\" already exists in team " + team);
    if (!create && !exists) not_found(noun + " \"" + m.name + "\" does not exist in team " + team);
    if (create) {
      store_.execute("INSERT INTO " + table + " (org_id, team_id, name, spec, state, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {o.id, team, m.name, m.spec.dump(), m.state.dump(), m.created_at, m.updated_at});
    } else {
      store_.execute("UPDATE " + table + " SET spec = ?, state = ?, updated_at = ? WHERE org_id = ? AND "
                     "team_id = ? AND name = ?",
                     {m.spec.dump(), m.state.dump(), m.updated_at, o.id, team, m.name});
    }
  });
}

std::vector<TeamJobRecord> ControlPlane::list_jobs(TeamJob kind, const std::string& org, int64_t team_id) {
  get_team(org, team_id);
  Org o = org_row(org);
  std::vector<TeamJobRecord> out;
  for (const Row& r : store_.query(std::string("SELECT ") + kJobColumns + " FROM " + job_table(kind).first +
                                       " WHERE org_id = ? AND team_id = ? ORDER BY name",
                                   {o.id, std::to_string(team_id)}))
    out.push_back(job_of(r));
  return out;
}

TeamJobRecord ControlPlane::get_job(TeamJob kind, const std::string& org, int64_t team_id, const std::string& name) {
  Org o = org_row(org);
  auto [table, noun] = job_table(kind);
  auto rows = store_.query(std::string("SELECT ") + kJobColumns + " FROM " + table +
                               " WHERE org_id = ? AND team_id = ? AND name = ?",
                           {o.id, std::to_string(team_id), name});
  if (rows.empty()) not_found(noun + " \"" + name + "\" does not exist in team " + std::to_string(team_id));
  return job_of(rows[0]);
}

void ControlPlane::save_job_state(TeamJob kind, const std::string& org, int64_t team_id, const std::string& name,
                                  const nlohmann::json& state) {
  Org o = org_row(org);
  store_.execute("UPDATE " + job_table(kind).first + " SET state = ? WHERE org_id = ? AND team_id = ? AND name = ?",
                 {state.dump(), o.id, std::to_string(team_id), name});
}

void ControlPlane::delete_job(TeamJob kind, const std::string& org, int64_t team_id, const std::string& name) {
  get_job(kind, org, team_id, name);
  Org o = org_row(org);
  store_.execute("DELETE FROM " + job_table(kind).first + " WHERE org_id = ? AND team_id = ? AND name = ?",
                 {o.id, std::to_string(team_id), name});
}

std::vector<std::pair<std::string, int64_t>> ControlPlane::teams_with_jobs(TeamJob kind) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const Row& r : store_.query("SELECT DISTINCT o.name, m.team_id FROM " + job_table(kind).first +
                                   " m JOIN orgs o ON o.id = m.org_id ORDER BY 1, 2"))
    out.emplace_back(*r[0], std::stoll(*r[1]));
  return out;
}

}  // namespace ducklings::control
