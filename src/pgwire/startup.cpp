// The startup phase of a session: SSL negotiation, startup packet, authentication and the
// parameters reported to the client before the first ReadyForQuery.
#include <spdlog/spdlog.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <random>

#include <nlohmann/json.hpp>

#include "pgwire/scram.h"
#include "pgwire/session.h"
#include "sql/engine_macros.h"
#include "sql/quoting.h"
#include "sql/rewrite.h"

namespace ducklings::pgwire {
namespace {
constexpr size_t kMaxStartupPacket = 10000;  // as PostgreSQL's MAX_STARTUP_PACKET_LENGTH

// "; SET VARIABLE duckgres_<side>_addr = …; … _port = …" for a TCP address; "" otherwise.
std::string address_variables(const sockaddr_storage& a, const char* side) {
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (a.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(a);
    ::inet_ntop(AF_INET, &v4.sin_addr, host, sizeof(host));
    port = ntohs(v4.sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(a);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof(host));
    port = ntohs(v6.sin6_port);
  } else {
    return "";
  }
  std::string prefix = std::string("; SET VARIABLE duckgres_") + side;
  return prefix + "_addr = " + sql::quote_literal(host) + prefix + "_port = " + std::to_string(port);
}

// The connection's two ends, for inet_server_addr() and its siblings.
std::string socket_variables(int fd) {
  std::string out;
  sockaddr_storage a{};
  socklen_t len = sizeof(a);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) out += address_variables(a, "server");
  a = {};
  len = sizeof(a);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) out += address_variables(a, "client");
  return out;
}
}  // namespace

bool Session::startup() {
  bool ssl_answered = false;
  bool gss_answered = false;
  while (true) {
    std::string header;
    startup_turn(true);
    if (!channel_->read_exact(4, header)) return false;
    int32_t len = ReadBuffer(header).get_i32();
    if (len < 8 || static_cast<size_t>(len) > kMaxStartupPacket) {
      throw ProtocolError("invalid length of startup packet");
    }
    std::string body;
    if (!channel_->read_exact(static_cast<size_t>(len) - 4, body)) {
      throw ProtocolError("incomplete startup packet");
    }
    startup_turn(false);
    StartupPacket packet = decode_startup(body);
    if (std::holds_alternative<SslRequest>(packet)) {
      if (ssl_answered) throw ProtocolError("duplicate SSL request");
      ssl_answered = true;
      bool offer = services_.tls != nullptr && !channel_->encrypted();
      channel_->write(offer ? "S" : "N");
      if (offer) {
        startup_turn(true);  // the handshake is mostly the client's; unread bytes are not
        channel_->start_tls(*services_.tls);
      }
      continue;
    }
    if (std::holds_alternative<GssEncRequest>(packet)) {
      if (gss_answered) throw ProtocolError("duplicate GSSENC request");
      gss_answered = true;
      channel_->write("N");
      continue;
    }
    if (auto* c = std::get_if<CancelRequest>(&packet)) {
      // Rate-limited per address, so that guessing a 32-bit key takes years; a dropped
      // request is not even checked (nothing is answered either way).
      if (services_.limiter && !services_.limiter->cancel_allowed(peer_)) {
        spdlog::debug("dropped a CancelRequest from {}: past the rate", peer_);
        return false;
      }
      services_.registry.cancel(c->process_id, c->secret_key);
      return false;  // the cancel connection closes without an answer
    }
    if (auto* c = std::get_if<WorkerCancel>(&packet)) {
      if (!services_.worker_control) throw ProtocolError("unsupported frontend protocol 1234.5702");
      services_.registry.cancel(c->process_id, c->secret_key, c->until_ready);
      return false;
    }
    if (auto* t = std::get_if<TrustedStartup>(&packet)) {
      if (!services_.worker_control) throw ProtocolError("unsupported frontend protocol 1234.5700");
      start_trusted(t->parameters);
      return true;
    }
    if (auto* c = std::get_if<WorkerControl>(&packet)) {
      if (!services_.worker_control) throw ProtocolError("unsupported frontend protocol 1234.5701");
      std::string error = services_.worker_control(c->parameters);
      if (!error.empty()) throw SqlError("XX000", error);
      write_command_complete(out_, "OK");
      return false;
    }
    auto& m = std::get<StartupMessage>(packet);
    if (services_.worker_control) throw ProtocolError("a worker accepts only trusted sessions");
    if (refusal_) throw *refusal_;
    if ((m.protocol & 0xffff) > 0 || !m.unknown_options.empty()) {
      write_negotiate_protocol_version(out_, 0, m.unknown_options);
    }
    auto param = [&](const char* name) -> std::string {
      auto it = m.parameters.find(name);
      return it == m.parameters.end() ? std::string() : it->second;
    };
    if (services_.config.tls == "require" && !channel_->encrypted()) {
      throw SqlError("28000", "connection without SSL is not allowed", 0, "",
                     "The server requires TLS: connect with sslmode=require.");
    }
    user_ = param("user");
    if (user_.empty()) {
      throw SqlError("28000", "no PostgreSQL user name specified in startup packet");
    }
    database_ = param("database");
    if (database_.empty()) database_ = user_;
    AuthLimiter* limiter = services_.limiter;
    if (limiter) {
      if (int64_t wait = limiter->refused_for(peer_, user_)) {
        throw SqlError("28000", "too many failed logins: refused for " + std::to_string(wait) +
                                    " more second(s)");
      }
    }
    std::optional<control::LoginTarget> login = services_.control->resolve_login(database_, user_);
    try {
      if (!authenticate(user_, login)) return false;
    } catch (const SqlError& e) {
      if (limiter && e.sqlstate() == "28P01" && limiter->failure(peer_, user_)) {
        spdlog::warn("refusing logins from {} (user \"{}\") for {} s after repeated failures",
                     peer_, user_, limiter->limits().ban.count());
        try {
          services_.control->audit(login && !login->org.empty() ? login->org : "", "server",
                                   "login.refused", peer_, {{"user", user_}});
        } catch (const std::exception&) {
        }
      }
      throw;
    }
    if (limiter) {
      limiter->success(peer_, user_);
      // From here the session counts against the connection caps; until now it was only in
      // the startup pool (bounded per address, cut at authentication_timeout).
      if (auto refusal = limiter->authenticated(channel_->fd(), peer_)) {
        throw SqlError(refusal->sqlstate, refusal->message);
      }
    }

    if (!login->org.empty() && login->duckling_state != "ready") {
      // An organization's database exists while its duckling is ready.
      if (login->duckling_state == "pending" || login->duckling_state == "provisioning") {
        throw SqlError(
            "57P03", "the duckling of \"" + database_ + "\" is still provisioning", 0, "",
            "Poll GET /api/v1/orgs/" + database_ + "/duckling until its state is ready.");
      }
      throw SqlError("3D000", "database \"" + database_ + "\" does not exist", 0,
                     "Its duckling is " + login->duckling_state + ".");
    }
    access_mode_ = login->access_mode;
    team_schema_ = login->team_schema;
    if (services_.workers && !login->org.empty()) {
      start_in_worker(m, login->max_connections);
    } else {
      open_session(m.parameters, login->max_connections);
    }
    return true;
  }
}

void Session::start_trusted(const std::map<std::string, std::string>& parameters) {
  auto get = [&](const char* name) {
    auto it = parameters.find(name);
    if (it == parameters.end()) throw ProtocolError(std::string("trusted startup lacks ") + name);
    return it->second;
  };
  user_ = get("user");
  database_ = get("database");
  superuser_ = get("duckgres.superuser") == "on";
  if (auto it = parameters.find("duckgres.access_mode"); it != parameters.end())
    access_mode_ = it->second;
  if (auto it = parameters.find("duckgres.actor"); it != parameters.end()) actor_ = it->second;
  system_ = parameters.count("duckgres.system") && parameters.at("duckgres.system") == "on";
  if (auto it = parameters.find("duckgres.team_schema"); it != parameters.end())
    team_schema_ = it->second;
  int32_t old_pid = process_id_;
  process_id_ = static_cast<int32_t>(std::stol(get("duckgres.process_id")));
  secret_key_ = static_cast<int32_t>(std::stol(get("duckgres.secret_key")));
  services_.registry.renumber(this, old_pid);
  std::map<std::string, std::string> client;
  for (const auto& [name, value] : parameters) {
    if (name.rfind("duckgres.", 0) != 0) client[name] = value;
  }
  open_session(client, 0);  // the control plane counted the session against its caps
}

void Session::start_in_worker(const StartupMessage& m, int max_sessions) {
  std::unique_ptr<WorkerLink> link = services_.workers->connect(database_, max_sessions);
  {
    std::lock_guard lock(run_mutex_);  // cancel() and interrupt() read it from other threads
    worker_ = std::move(link);
    bound_database_ = database_;
  }
  std::map<std::string, std::string> params = m.parameters;
  params["user"] = user_;
  params["database"] = database_;
  params["duckgres.superuser"] = superuser_ ? "on" : "off";
  params["duckgres.access_mode"] = access_mode_;
  params["duckgres.team_schema"] = team_schema_;
  params["duckgres.process_id"] = std::to_string(process_id_);
  params["duckgres.secret_key"] = std::to_string(secret_key_);
  if (!send_all(worker_->fd(), encode_startup_packet(kTrustedStartupCode, params))) {
    throw SqlError("57P02", "the duckling's worker process ended: " + worker_->exit_reason());
  }
  // AuthenticationOk goes out now; the worker sends the parameters, BackendKeyData and
  // ReadyForQuery, which the relay passes on.
}

void Session::open_session(const std::map<std::string, std::string>& parameters, int max_sessions) {
  auto param = [&](const char* name) -> std::string {
    auto it = parameters.find(name);
    return it == parameters.end() ? std::string() : it->second;
  };
  warehouse_ = services_.warehouses.find(database_);
  if (!warehouse_) throw SqlError("3D000", "database \"" + database_ + "\" does not exist");
  if (!warehouse_->admit(max_sessions)) {
    warehouse_.reset();
    throw SqlError("53300",
                   "too many connections for database \"" + database_ + "\" (limit " +
                       std::to_string(max_sessions) + ")",
                   0, "", "Raise the organization's max_connections or close idle sessions.");
  }
  admitted_ = true;
  {
    std::lock_guard lock(run_mutex_);
    bound_database_ = database_;
  }
  gateway::Principal principal{user_, database_, superuser_, access_mode_, team_schema_, system_};
  gateway::EngineHooks hooks;
  hooks.before_call = [this] { before_duckdb_call(); };
  hooks.search_path_changed = [this] { query_cache_.clear(); };
  hooks.notice = [this](const std::string& text) { write_error(out_, {"NOTICE", "00000", text}, true); };
  hooks.audit = [this](const std::string& action, const std::string& target, const std::string& detail) {
    audit(action, target, detail);
  };
  bool storages = static_cast<bool>(services_.control_requests);
  if (storages) {
    hooks.stage = [this](const gateway::StorageRights& rights, const std::vector<std::string>& urls) {
      return stage_storage_objects(rights, urls);
    };
    hooks.publish = [this](const gateway::StorageRights& rights, const std::string& local,
                           const std::string& url) {
      return static_cast<size_t>(std::stoull(control_request(
          {{"action", "storage_publish"},
           {"owner", rights.owner ? "1" : "0"},
           {"roles", nlohmann::json(rights.roles).dump()},
           {"local", local},
           {"url", url}})));
    };
  }
  engine_ = std::make_unique<gateway::Engine>(
      warehouse_, std::move(principal),
      sql::SandboxContext{database_, split_list(services_.config.readable_directories), storages},
      settings_, std::move(hooks));
  if (services_.query_log && services_.config.query_profiling == "on") {
    // Each statement's CPU time, peak memory, rows scanned and slowest operators, for the
    // query log (read back by Session::end_trace); nothing is printed.
    connection().query(
        "PRAGMA enable_profiling = 'no_output'; SET custom_profiling_settings = "
        "'{\"CPU_TIME\": \"true\", \"SYSTEM_PEAK_BUFFER_MEMORY\": \"true\", "
        "\"CUMULATIVE_ROWS_SCANNED\": \"true\", \"OPERATOR_TIMING\": \"true\", "
        "\"OPERATOR_TYPE\": \"true\"}'");
  }

  settings_.set("session_authorization", user_);
  // is_superuser is read-only for SET; startup decides it.
  settings_.set("application_name", param("application_name"));
  for (const auto& [name, value] : parameters) {
    if (name == "replication" && value != "false" && value != "0" && value != "off") {
      throw SqlError("0A000", "replication connections are not supported");
    }
    if (name == "user" || name == "database" || name == "options" || name == "replication") {
      continue;
    }
    if (settings_.known(name)) {
      set_parameter(name, value);
    }
    // Unknown startup parameters are ignored, as PostgreSQL ignores unknown GUC prefixes.
  }
  if (auto it = parameters.find("options"); it != parameters.end()) {
    apply_startup_options(it->second);
  }
  settings_.commit_defaults();
  // Who and where this session is, for the catalog's views and functions.
  engine_->identify(process_id_, socket_variables(channel_->fd()));
  if (!superuser_) engine_->register_login_role();  // the server's own admins need no grants
  engine_->refresh_privileges();
  publish_settings();
  send_startup_parameters();
  ready_for_queries_ = true;
}

void Session::apply_startup_options(const std::string& options) {
  // "-c name=value" and "--name=value", separated by spaces; "\ " escapes a space.
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < options.size(); ++i) {
    char c = options[i];
    if (c == '\\' && i + 1 < options.size()) {
      cur.push_back(options[++i]);
    } else if (c == ' ' || c == '\t') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(cur);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string setting;
    if (words[i] == "-c" && i + 1 < words.size()) {
      setting = words[++i];
    } else if (words[i].rfind("-c", 0) == 0 && words[i].size() > 2) {
      setting = words[i].substr(2);
    } else if (words[i].rfind("--", 0) == 0) {
      setting = words[i].substr(2);
    } else {
      throw SqlError("42601", "invalid command-line argument for server process: " + words[i]);
    }
    size_t eq = setting.find('=');
    if (eq == std::string::npos) {
      throw SqlError("42601", "-c " + setting + " requires a value");
    }
    std::string name = setting.substr(0, eq);
    std::replace(name.begin(), name.end(), '-', '_');
    set_parameter(name, setting.substr(eq + 1));
  }
}

void Session::startup_turn(bool client) {
  if (services_.limiter) services_.limiter->turn(channel_->fd(), client);
}

bool Session::authenticate(const std::string& user,
                           const std::optional<control::LoginTarget>& login) {
  std::optional<ScramVerifier> verifier;
  if (login) verifier = ScramVerifier::parse(login->verifier);
  superuser_ = login && login->superuser;

  auto read_auth_message = [&](std::string& body) {
    char type;
    startup_turn(true);
    if (!read_message(type, body)) return false;
    startup_turn(false);
    if (type != 'p')
      throw ProtocolError("expected password response, got message type " + std::string(1, type));
    return true;
  };

  // Cleartext passwords travel only inside TLS; SCRAM everywhere else and by default.
  if (services_.config.auth_method == "password" && channel_->encrypted()) {
    write_authentication_cleartext(out_);
    flush();
    std::string body;
    if (!read_auth_message(body)) return false;
    std::string password = decode_password(body);
    if (!verifier || !verify_cleartext_password(*verifier, password)) {
      throw SqlError("28P01", "password authentication failed for user \"" + user + "\"");
    }
  } else {
    // Over TLS, SCRAM-SHA-256-PLUS binds the exchange to our certificate (libpq's
    // channel_binding=prefer|require), so a man in the middle cannot relay it.
    std::optional<std::string> binding;
    if (channel_->encrypted() && services_.tls && !services_.tls->server_end_point().empty()) {
      binding = services_.tls->server_end_point();
    }
    std::vector<std::string> mechanisms;
    if (binding) mechanisms.emplace_back(kScramPlusMechanism);
    mechanisms.emplace_back(kScramMechanism);
    write_authentication_sasl(out_, mechanisms);
    flush();
    std::string body;
    if (!read_auth_message(body)) return false;
    SaslInitialResponse init = decode_sasl_initial(body);
    bool plus = binding && init.mechanism == kScramPlusMechanism;
    if (init.mechanism != kScramMechanism && !plus) {
      throw ProtocolError("client selected an invalid SASL authentication mechanism");
    }
    ScramServer scram(user, verifier, binding, plus);
    if (!init.data) throw ProtocolError("malformed SCRAM message (missing data)");
    write_authentication_sasl_continue(out_, scram.client_first(*init.data));
    flush();
    if (!read_auth_message(body)) return false;
    std::string final_message = scram.client_final(body);
    write_authentication_sasl_final(out_, final_message);
  }
  write_authentication_ok(out_);
  return true;
}

void Session::send_startup_parameters() {
  for (const auto& [name, value] : settings_.reported()) {
    if (name == "is_superuser") {
      write_parameter_status(out_, name, superuser_ ? "on" : "off");
    } else {
      write_parameter_status(out_, name, value);
    }
  }
  write_backend_key_data(out_, process_id_, secret_key_);
  send_ready();
}

}  // namespace ducklings::pgwire
