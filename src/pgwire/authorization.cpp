// The session's side of access control: the open transaction's checks before the gateway's
// (gateway/authorization.cpp holds roles, grants and their enforcement), role statements'
// answers, password changes (ALTER ROLE … PASSWORD, a SCRAM verifier for the control plane)
// and audit entries.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "pgwire/scram.h"
#include "pgwire/session.h"

namespace ducklings::pgwire {

void Session::authorize(const sql::Statement& statement,
                        std::optional<sql::StatementAccess>& access) {
  if (system_) return;  // the server's own work (ingestion) writes where users may not
  refuse_write_in_read_only_transaction(statement);
  engine_->authorize(statement, access);
}

void Session::handle_role_statement(const sql::Statement& statement) {
  before_duckdb_call();
  std::string tag = engine_->run_role_statement(statement);
  auth_changed_in_txn_ = txn_ != TxnStatus::kIdle || implicit_txn_;
  note_schema_change();  // catalogs of other sessions show other relations now
  write_command_complete(out_, tag);
}

std::string Session::control_request(const std::map<std::string, std::string>& request) {
  if (!services_.control_requests) throw SqlError("0A000", "this server has no control plane");
  ControlReply reply = services_.control_requests(database_, request);
  if (!reply.error.empty()) {
    throw SqlError(reply.sqlstate.empty() ? "42704" : reply.sqlstate, reply.error);
  }
  return reply.answer;
}

gateway::StagedFiles Session::stage_storage_objects(const gateway::StorageRights& rights,
                                                   const std::vector<std::string>& urls) {
  nlohmann::json answer = nlohmann::json::parse(control_request({{"action", "storage_stage"},
                                                                 {"owner", rights.owner ? "1" : "0"},
                                                                 {"roles", nlohmann::json(rights.roles).dump()},
                                                                 {"urls", nlohmann::json(urls).dump()}}));
  gateway::StagedFiles staged;
  staged.files = answer.at("files").get<std::vector<std::vector<std::string>>>();
  auto lease = answer.at("lease").get<uint64_t>();
  // The lease ends with the statement that holds it (the copies may then be evicted).
  ControlRequestHandler handler = services_.control_requests;
  staged.lease = std::shared_ptr<void>(nullptr, [handler, database = database_, lease](void*) {
    try {
      handler(database, {{"action", "storage_release"}, {"lease", std::to_string(lease)}});
    } catch (const std::exception& e) {
      spdlog::warn("releasing storage lease {} failed: {}", lease, e.what());
    }
  });
  return staged;
}

void Session::audit(const std::string& action, const std::string& target,
                    const std::string& detail) {
  try {
    control_request({{"action", "audit"},
                     {"user", user_},
                     {"actor", actor_},
                     {"event", action},
                     {"target", target},
                     {"detail", detail}});
  } catch (const std::exception& e) {
    spdlog::error("session {}: audit entry for {} failed: {}", process_id_, action, e.what());
  }
}

void Session::handle_alter_role(const sql::Statement& statement) {
  const auto& a = sql::root_node(statement)->alter_role_stmt();
  std::string role;
  switch (a.role().roletype()) {
    case pg_query::ROLESPEC_CSTRING:
      role = a.role().rolename();
      break;
    case pg_query::ROLESPEC_CURRENT_USER:
    case pg_query::ROLESPEC_CURRENT_ROLE:
    case pg_query::ROLESPEC_SESSION_USER:
      role = user_;
      break;
    default:
      throw SqlError("0A000", "unsupported role specification");
  }
  std::optional<std::string> password;
  for (const auto& o : a.options()) {
    if (!o.has_def_elem() || o.def_elem().defname() != "password") {
      throw SqlError(
          "0A000", "ALTER ROLE changes passwords only", 0, "",
          "Access modes and teams are set with PATCH /api/v1/orgs/{org}/users/{username}.");
    }
    if (!o.def_elem().has_arg() || !o.def_elem().arg().has_string()) {
      throw SqlError("0A000", "a role must keep a password");
    }
    password = o.def_elem().arg().string().sval();
  }
  if (!password) throw SqlError("0A000", "ALTER ROLE changes passwords only");
  engine_->refresh_privileges();
  if (role != user_ && !engine_->privileges().owner) {
    throw SqlError("42501", "permission denied: only an owner changes another role's password");
  }
  std::string verifier;
  if (password->rfind("SCRAM-SHA-256$", 0) == 0) {
    // psql's \password sends a verifier it made itself: the password never leaves the client.
    if (!ScramVerifier::parse(*password)) throw SqlError("22023", "malformed SCRAM verifier");
    verifier = *password;
  } else if (password->rfind("md5", 0) == 0 && password->size() == 35) {
    throw SqlError("0A000", "MD5 password hashes are not accepted: use SCRAM-SHA-256");
  } else if (password->size() < 8) {
    throw SqlError("22023", "password must be at least 8 characters");
  } else {
    verifier = make_scram_verifier(*password);
  }
  control_request({{"action", "set_password"}, {"user", role}, {"verifier", verifier}});
  audit("user.password", role, "ALTER ROLE … PASSWORD");  // the statement holds the secret
  write_command_complete(out_, "ALTER ROLE");
}

}  // namespace ducklings::pgwire
