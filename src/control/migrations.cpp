#include "control/migrations.h"

#include "common/clock.h"
#include "common/digest.h"

namespace ducklings::control {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1,
       "control plane: logins, organizations, teams, users, ducklings, API tokens",
       {
           // Server logins (the operator's admin); kept from data dirs made before migrations.
           "CREATE TABLE IF NOT EXISTS logins (name TEXT PRIMARY KEY, verifier TEXT NOT NULL, "
           "superuser INTEGER NOT NULL DEFAULT 0, created_at TEXT)",
           "CREATE TABLE orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
           "max_vcpus INTEGER NOT NULL, max_connections INTEGER NOT NULL, "
           "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
           "CREATE TABLE teams (org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
           "team_id BIGINT NOT NULL, name TEXT NOT NULL, schema_name TEXT NOT NULL, "
           "api_token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, "
           "PRIMARY KEY (org_id, team_id), UNIQUE (org_id, schema_name))",
           "CREATE TABLE users (org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
           "username TEXT NOT NULL, verifier TEXT NOT NULL, access_mode TEXT NOT NULL, "
           "team_id BIGINT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
           "PRIMARY KEY (org_id, username))",
           "CREATE TABLE ducklings (org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE, "
           "state TEXT NOT NULL, status_message TEXT NOT NULL, size TEXT NOT NULL, "
           "vcpus INTEGER NOT NULL, memory_mb BIGINT NOT NULL, temp_mb BIGINT NOT NULL, "
           "storage_path TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
           "ready_at TEXT)",
           "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
           "created_at TEXT NOT NULL)",
       }},
      {2,
       "service credentials and the audit log",
       {
           "CREATE TABLE service_credentials (id TEXT PRIMARY KEY, "
           "org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, username TEXT NOT NULL, "
           "name TEXT NOT NULL, verifier TEXT NOT NULL, access_mode TEXT NOT NULL, team_id BIGINT, "
           "created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT, "
           "UNIQUE (org_id, username))",
           // Append-only: nothing in the server updates or deletes its rows. The org is kept by
           // name, so entries outlive the organization they are about.
           "CREATE TABLE audit_log (id TEXT PRIMARY KEY, at TEXT NOT NULL, org TEXT, "
           "actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT, detail TEXT)",
           "CREATE INDEX audit_log_org_at ON audit_log (org, at)",
       }},
      {3,
       "background jobs (bootstrap)",
       {
           "CREATE TABLE jobs (id TEXT PRIMARY KEY, org TEXT NOT NULL, kind TEXT NOT NULL, "
           "state TEXT NOT NULL, detail TEXT NOT NULL, created_at TEXT NOT NULL, "
           "updated_at TEXT NOT NULL)",
       }},
      {4,
       "usage records by hour (metering/usage.h)",
       {
           // '' where a key does not apply (a duckling's compute has no user).
           "CREATE TABLE usage (hour TEXT NOT NULL, org TEXT NOT NULL, team TEXT NOT NULL, "
           "username TEXT NOT NULL, duckling TEXT NOT NULL, meter TEXT NOT NULL, "
           "size TEXT NOT NULL, quantity DOUBLE PRECISION NOT NULL, updated_at TEXT NOT NULL, "
           "PRIMARY KEY (hour, org, team, username, duckling, meter, size))",
           "CREATE INDEX usage_org_hour ON usage (org, hour)",
       }},
      {5,
       "organizations' object storages (storage/); secrets sealed (common/secret_box.h)",
       {
           "CREATE TABLE storages (org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
           "name TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL, endpoint TEXT NOT NULL, "
           "bucket TEXT NOT NULL, prefix TEXT NOT NULL, region TEXT NOT NULL, "
           "url_style TEXT NOT NULL, access_key_id TEXT NOT NULL, secret TEXT NOT NULL, "
           "created_at TEXT NOT NULL, PRIMARY KEY (org_id, name))",
       }},
      {6,
       "storages granted to a duckling's roles (read, or write which includes read)",
       {
           "CREATE TABLE storage_grants (org_id TEXT NOT NULL, storage TEXT NOT NULL, "
           "role TEXT NOT NULL, privilege TEXT NOT NULL, granted_at TEXT NOT NULL, "
           "PRIMARY KEY (org_id, storage, role), FOREIGN KEY (org_id, storage) REFERENCES "
           "storages(org_id, name) ON DELETE CASCADE)",
       }},
      {7,
       "external sources of teams (sources/): connections (password sealed), tables' settings "
       "and sync state, runs",
       {
           "CREATE TABLE sources (org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
           "team_id INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, prefix TEXT NOT "
           "NULL, connection TEXT NOT NULL, secret TEXT NOT NULL, created_at TEXT NOT NULL, "
           "PRIMARY KEY (org_id, name))",
           "CREATE TABLE source_tables (org_id TEXT NOT NULL, source TEXT NOT NULL, "
           "table_name TEXT NOT NULL, config TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY "
           "(org_id, source, table_name), FOREIGN KEY (org_id, source) REFERENCES "
           "sources(org_id, name) ON DELETE CASCADE)",
           "CREATE TABLE source_runs (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, source TEXT NOT "
           "NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, run TEXT NOT NULL)",
           "CREATE INDEX source_runs_by_source ON source_runs (org_id, source, started_at)",
       }},
      {8,
       "models of teams (modeling/): definitions, build state (watermark, fingerprint), runs",
       {
           "CREATE TABLE models (org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
           "team_id INTEGER NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, state TEXT NOT "
           "NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (org_id, "
           "team_id, name))",
           "CREATE TABLE model_runs (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, owner TEXT NOT "
           "NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, run TEXT NOT NULL)",
           "CREATE INDEX model_runs_by_owner ON model_runs (org_id, owner, started_at)",
       }},
      {9,
       "golden-table publications of teams (publish/): definitions, publishing state, runs",
       {
           "CREATE TABLE publications (org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, "
           "team_id INTEGER NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, state TEXT NOT "
           "NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (org_id, "
           "team_id, name))",
           "CREATE TABLE publication_runs (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, owner TEXT "
           "NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, run TEXT NOT NULL)",
           "CREATE INDEX publication_runs_by_owner ON publication_runs (org_id, owner, started_at)",
       }},
  };
  return all;
}

std::string migration_checksum(const Migration& m) {
  std::string text;
  for (const auto& s : m.statements) text += s + "\n";
  return sha256_hex(text);
}

int migrate(ConfigStore& store) {
  store.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)");
  int applied = 0;
  for (const Migration& m : migrations()) {
    std::string checksum = migration_checksum(m);
    store.transaction([&] {
      if (store.kind() == "postgres") store.query("SELECT pg_advisory_xact_lock(5432001)");
      auto rows = store.query("SELECT checksum FROM schema_migrations WHERE version = ?",
                              {std::to_string(m.version)});
      if (!rows.empty()) {
        if (rows[0][0] != checksum) {
          throw StoreError("config store: migration " + std::to_string(m.version) + " (" + m.name +
                           ") was applied with a different text (checksum " +
                           rows[0][0].value_or("") + ", this build has " + checksum + ")");
        }
        return;
      }
      for (const auto& s : m.statements) store.query(s);
      store.query(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
          {std::to_string(m.version), m.name, checksum, iso_utc_now()});
      ++applied;
    });
  }
  auto newest = single_value(store.query("SELECT max(version) FROM schema_migrations"));
  if (newest && std::stoi(*newest) > migrations().back().version) {
    throw StoreError("config store: schema version " + *newest +
                     " is newer than this build knows (" +
                     std::to_string(migrations().back().version) + "); upgrade duckgres");
  }
  return applied;
}

}  // namespace ducklings::control
