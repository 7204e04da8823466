#include "ctl/ctl.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

namespace ducklings::ctl {
namespace {
using json = nlohmann::json;

struct Options {
  std::string url;
  std::string token;
  bool as_json = false;
  // Arguments of the subcommands.
  std::string org, name, username, password, access_mode, schema, size, vcpus_memory;
  int64_t team_id = 0;
  int ttl_seconds = 0, limit = 0;
  std::string id, path, kind;
  bool detach = false;
  int64_t events = 0, persons = 0;
  int days = 0;
  int max_vcpus = 0, max_connections = 0;
  bool wait = false;
  int timeout = 120;
  std::function<int()> action;
};

Options& opts() {
  static Options o;
  return o;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One API call; returns the HTTP status and the parsed body (null when empty).
std::pair<long, json> call(const std::string& method, const std::string& path,
                           const json* body = nullptr) {
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> guard(curl, &curl_easy_cleanup);
  std::string url = opts().url + path, response, payload;
  curl_slist* headers = nullptr;
  std::string auth = "Authorization: Bearer " + opts().token;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers,
                                                                           &curl_slist_free_all);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (body) {
    payload = body->dump();
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    throw std::runtime_error("cannot reach " + opts().url + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  json parsed = response.empty() ? json(nullptr) : json::parse(response, nullptr, false);
  if (parsed.is_discarded())
    parsed = json{{"error", {{"code", "bad_response"}, {"message", response}}}};
  return {status, parsed};
}

void print_value(const std::string& indent, const std::string& key, const json& v) {
  if (v.is_object()) {
    std::cout << indent << key << ":\n";
    for (auto it = v.begin(); it != v.end(); ++it) print_value(indent + "  ", it.key(), it.value());
  } else if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s.find('\n') != std::string::npos) {
      std::cout << indent << key << ": |\n";
      size_t i = 0;
      while (i < s.size()) {
        size_t j = s.find('\n', i);
        if (j == std::string::npos) j = s.size();
        std::cout << indent << "  " << s.substr(i, j - i) << "\n";
        i = j + 1;
      }
    } else {
      std::cout << indent << key << ": " << s << "\n";
    }
  } else {
    std::cout << indent << key << ": " << v.dump() << "\n";
  }
}

// Prints a result; returns the exit code (1 for an API error).
int show(long status, const json& body) {
  if (status >= 400 || status == 0) {
    if (opts().as_json) {
      std::cout << body.dump(2) << std::endl;
    } else {
      std::string code = body.contains("error") ? body["error"].value("code", "error") : "error";
      std::string msg = body.contains("error") ? body["error"].value("message", "") : body.dump();
      std::cerr << "duckgres ctl: " << msg << " (" << code << ", HTTP " << status << ")"
                << std::endl;
    }
    return 1;
  }
  if (opts().as_json) {
    std::cout << (body.is_null() ? "{}" : body.dump(2)) << std::endl;
  } else if (body.is_array()) {
    bool first = true;
    for (const auto& item : body) {
      if (!first) std::cout << "\n";
      first = false;
      for (auto it = item.begin(); it != item.end(); ++it) print_value("", it.key(), it.value());
    }
    if (body.empty()) std::cout << "(none)\n";
  } else if (body.is_object()) {
    for (auto it = body.begin(); it != body.end(); ++it) print_value("", it.key(), it.value());
  } else {
    std::cout << "done\n";
  }
  return 0;
}

json size_value() {
  const std::string& s = opts().size;
  if (s.find(':') == std::string::npos) return s;  // xs|s|m|l
  // "VCPUS:MEMORY", e.g. 3:6GB
  size_t c = s.find(':');
  return {{"vcpus", std::stoi(s.substr(0, c))}, {"memory", s.substr(c + 1)}};
}

// Polls the duckling until its state is one of `states` (or the timeout passes).
int wait_for(const std::vector<std::string>& states) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts().timeout);
  while (true) {
    auto [status, body] = call("GET", "/api/v1/orgs/" + opts().org + "/duckling");
    if (status >= 400) return show(status, body);
    std::string state = body.value("state", "");
    for (const auto& s : states) {
      if (state == s) return show(status, body);
    }
    if (state == "failed") {
      show(status, body);
      return 1;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << "duckgres ctl: still " << state << " after " << opts().timeout << " s"
                << std::endl;
      return 1;
    }
    if (!opts().as_json)
      std::cerr << "… " << state << ": " << body.value("status_message", "") << std::endl;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace

void add_commands(CLI::App& ctl) {
  Options& o = opts();
  ctl.add_option("--url", o.url, "API base URL (DUCKGRES_URL, default http://127.0.0.1:8080)");
  ctl.add_option("--token", o.token, "API token (DUCKGRES_TOKEN or DUCKGRES_ADMIN_TOKEN)");
  ctl.add_flag("--json", o.as_json, "print the API's JSON");
  ctl.require_subcommand(1);

  CLI::App* org = ctl.add_subcommand("org", "organizations")->require_subcommand(1);
  auto* org_create = org->add_subcommand("create", "create an organization");
  org_create->add_option("name", o.name, "name (also its database name)")->required();
  org_create->add_option("--max-vcpus", o.max_vcpus, "vCPU cap");
  org_create->add_option("--max-connections", o.max_connections, "session cap of its duckling");
  org_create->callback([&o] {
    o.action = [&o] {
      json body = {{"name", o.name}};
      if (o.max_vcpus) body["max_vcpus"] = o.max_vcpus;
      if (o.max_connections) body["max_connections"] = o.max_connections;
      auto [s, b] = call("POST", "/api/v1/orgs", &body);
      return show(s, b);
    };
  });
  org->add_subcommand("list", "list organizations")->callback([&o] {
    o.action = [] {
      auto [s, b] = call("GET", "/api/v1/orgs");
      return show(s, b);
    };
  });
  for (const char* verb : {"get", "delete"}) {
    auto* c = org->add_subcommand(verb, std::string(verb) + " an organization");
    c->add_option("org", o.org)->required();
    std::string v = verb;
    c->callback([&o, v] {
      o.action = [&o, v] {
        auto [s, b] = call(v == "get" ? "GET" : "DELETE", "/api/v1/orgs/" + o.org);
        return show(s, b);
      };
    });
  }

  CLI::App* team = ctl.add_subcommand("team", "teams (PostHog projects)")->require_subcommand(1);
  auto* team_create = team->add_subcommand("create", "create a team");
  team_create->add_option("org", o.org)->required();
  team_create->add_option("--team-id", o.team_id, "PostHog project id")->required();
  team_create->add_option("--name", o.name, "team name")->required();
  team_create->add_option("--schema", o.schema, "schema name (default team_<id>)");
  team_create->callback([&o] {
    o.action = [&o] {
      json body = {{"team_id", o.team_id}, {"name", o.name}};
      if (!o.schema.empty()) body["schema_name"] = o.schema;
      auto [s, b] = call("POST", "/api/v1/orgs/" + o.org + "/teams", &body);
      return show(s, b);
    };
  });
  auto* team_list = team->add_subcommand("list", "list teams");
  team_list->add_option("org", o.org)->required();
  team_list->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("GET", "/api/v1/orgs/" + o.org + "/teams");
      return show(s, b);
    };
  });
  auto* team_delete = team->add_subcommand("delete", "delete a team");
  team_delete->add_option("org", o.org)->required();
  team_delete->add_option("team_id", o.team_id)->required();
  team_delete->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("DELETE", "/api/v1/orgs/" + o.org + "/teams/" + std::to_string(o.team_id));
      return show(s, b);
    };
  });

  CLI::App* user = ctl.add_subcommand("user", "users of an organization")->require_subcommand(1);
  auto* user_create = user->add_subcommand("create", "create a user");
  user_create->add_option("org", o.org)->required();
  user_create->add_option("username", o.username)->required();
  user_create->add_option("--password", o.password, "password (or DUCKGRES_USER_PASSWORD)");
  user_create->add_option("--access-mode", o.access_mode,
                          "unrestricted | project_reader | project_user");
  user_create->add_option("--team-id", o.team_id, "the team of a project_* user");
  user_create->callback([&o] {
    o.action = [&o] {
      json body = {
          {"username", o.username},
          {"password", o.password.empty() ? env_or("DUCKGRES_USER_PASSWORD", "") : o.password}};
      if (!o.access_mode.empty()) body["access_mode"] = o.access_mode;
      if (o.team_id) body["team_id"] = o.team_id;
      auto [s, b] = call("POST", "/api/v1/orgs/" + o.org + "/users", &body);
      return show(s, b);
    };
  });
  auto* user_list = user->add_subcommand("list", "list users");
  user_list->add_option("org", o.org)->required();
  user_list->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("GET", "/api/v1/orgs/" + o.org + "/users");
      return show(s, b);
    };
  });
  auto* user_password = user->add_subcommand("set-password", "change a user's password");
  user_password->add_option("org", o.org)->required();
  user_password->add_option("username", o.username)->required();
  user_password->add_option("--password", o.password, "new password (or DUCKGRES_USER_PASSWORD)");
  user_password->callback([&o] {
    o.action = [&o] {
      json body = {
          {"password", o.password.empty() ? env_or("DUCKGRES_USER_PASSWORD", "") : o.password}};
      auto [s, b] = call("PATCH", "/api/v1/orgs/" + o.org + "/users/" + o.username, &body);
      return show(s, b);
    };
  });
  auto* user_delete = user->add_subcommand("delete", "delete a user");
  user_delete->add_option("org", o.org)->required();
  user_delete->add_option("username", o.username)->required();
  user_delete->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("DELETE", "/api/v1/orgs/" + o.org + "/users/" + o.username);
      return show(s, b);
    };
  });

  CLI::App* credential =
      ctl.add_subcommand("credential", "service credentials (logins with a TTL)")
          ->require_subcommand(1);
  auto* mint = credential->add_subcommand("mint", "mint one (its password is shown once)");
  mint->add_option("org", o.org)->required();
  mint->add_option("--ttl", o.ttl_seconds, "seconds it is valid (60-3600, default 900)");
  mint->add_option("--name", o.name, "what it is for");
  mint->add_option("--access-mode", o.access_mode, "unrestricted | project_reader | project_user");
  mint->add_option("--team-id", o.team_id, "the team of a project_* credential");
  mint->callback([&o] {
    o.action = [&o] {
      json body = json::object();
      if (o.ttl_seconds) body["ttl_seconds"] = o.ttl_seconds;
      if (!o.name.empty()) body["name"] = o.name;
      if (!o.access_mode.empty()) body["access_mode"] = o.access_mode;
      if (o.team_id) body["team_id"] = o.team_id;
      auto [s, b] = call("POST", "/api/v1/orgs/" + o.org + "/credentials", &body);
      return show(s, b);
    };
  });
  auto* credential_list = credential->add_subcommand("list", "list them (without secrets)");
  credential_list->add_option("org", o.org)->required();
  credential_list->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("GET", "/api/v1/orgs/" + o.org + "/credentials");
      return show(s, b);
    };
  });
  auto* revoke = credential->add_subcommand("revoke", "revoke one");
  revoke->add_option("org", o.org)->required();
  revoke->add_option("id", o.id)->required();
  revoke->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("DELETE", "/api/v1/orgs/" + o.org + "/credentials/" + o.id);
      return show(s, b);
    };
  });
  auto* bootstrap = ctl.add_subcommand(
      "bootstrap", "backfill a team from export files on the server (JSON Lines, CSV, Parquet)");
  bootstrap->add_option("org", o.org)->required();
  bootstrap->add_option("team_id", o.team_id)->required();
  bootstrap->add_option("path", o.path, "a file or directory under the server's --readable-directories")
      ->required();
  bootstrap->add_option("--kind", o.kind, "events (default), persons or groups");
  bootstrap->add_flag("--detach", o.detach, "start the job and return");
  bootstrap->callback([&o] {
    o.action = [&o] {
      json body = {{"path", o.path}};
      if (!o.kind.empty()) body["kind"] = o.kind;
      auto [s, b] = call("POST", "/api/v1/orgs/" + o.org + "/teams/" + std::to_string(o.team_id) + "/bootstrap", &body);
      if (s >= 400 || o.detach) return show(s, b);
      // A progress bar on stderr until the job ends; then the job as usual.
      std::string id = b.value("id", "");
      int polls = 0;
      while (true) {
        auto [gs, job] = call("GET", "/api/v1/orgs/" + o.org + "/jobs/" + id);
        if (gs >= 400) return show(gs, job);
        double total = job.value("bytes_total", 0.0), done = job.value("bytes_done", 0.0);
        int pct = total > 0 ? static_cast<int>(100 * done / total) : 0;
        std::string bar(static_cast<size_t>(pct / 4), '#');
        bar.resize(25, '.');
        std::cerr << "\r[" << bar << "] " << pct << "%  " << job.value("rows", 0) << " rows  "
                  << job.value("rows_per_second", 0) << " rows/s  ETA "
                  << (job["eta_seconds"].is_number() ? std::to_string(job["eta_seconds"].get<int64_t>()) + " s" : "-")
                  << "   " << std::flush;
        std::string state = job.value("state", "");
        if (state == "done" || state == "failed") {
          std::cerr << "\n";
          int rc = show(gs, job);
          return state == "done" ? rc : 1;
        }
        // Short jobs end within a few polls; longer ones are polled less often.
        std::this_thread::sleep_for(std::chrono::milliseconds(++polls < 150 ? 20 : 500));
      }
    };
  });
  auto* generate = ctl.add_subcommand("generate", "fill a team with synthetic PostHog data");
  generate->add_option("org", o.org)->required();
  generate->add_option("team_id", o.team_id)->required();
  generate->add_option("--events", o.events, "events (default 100000)");
  generate->add_option("--persons", o.persons, "persons (default 2000)");
  generate->add_option("--days", o.days, "days of history (default 30)");
  generate->callback([&o] {
    o.action = [&o] {
      json body = json::object();
      if (o.events) body["events"] = o.events;
      if (o.persons) body["persons"] = o.persons;
      if (o.days) body["days"] = o.days;
      auto [s, b] = call("POST", "/api/v1/orgs/" + o.org + "/teams/" + std::to_string(o.team_id) + "/generate", &body);
      return show(s, b);
    };
  });
  auto* audit = ctl.add_subcommand("audit", "an organization's audit log, newest first");
  audit->add_option("org", o.org)->required();
  audit->add_option("--limit", o.limit, "entries (1-1000, default 100)");
  audit->callback([&o] {
    o.action = [&o] {
      std::string q = o.limit ? "?limit=" + std::to_string(o.limit) : "";
      auto [s, b] = call("GET", "/api/v1/orgs/" + o.org + "/audit" + q);
      return show(s, b);
    };
  });

  CLI::App* duckling =
      ctl.add_subcommand("duckling", "an organization's warehouse")->require_subcommand(1);
  auto* provision = duckling->add_subcommand("provision", "provision it (PUT)");
  provision->add_option("org", o.org)->required();
  provision->add_option("--size", o.size, "xs | s | m | l | VCPUS:MEMORY (e.g. 3:6GB)")
      ->default_val("xs");
  provision->add_flag("--wait", o.wait, "wait until it is ready");
  provision->add_option("--timeout", o.timeout, "seconds --wait waits");
  provision->callback([&o] {
    o.action = [&o] {
      json body = {{"size", size_value()}};
      auto [s, b] = call("PUT", "/api/v1/orgs/" + o.org + "/duckling", &body);
      if (s >= 400 || !o.wait) return show(s, b);
      return wait_for({"ready"});
    };
  });
  auto* scale = duckling->add_subcommand("scale", "change its size (PATCH)");
  scale->add_option("org", o.org)->required();
  scale->add_option("--size", o.size, "xs | s | m | l | VCPUS:MEMORY")->required();
  scale->callback([&o] {
    o.action = [&o] {
      json body = {{"size", size_value()}};
      auto [s, b] = call("PATCH", "/api/v1/orgs/" + o.org + "/duckling", &body);
      return show(s, b);
    };
  });
  auto* status = duckling->add_subcommand("status", "state, size and connection details");
  status->add_option("org", o.org)->required();
  status->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("GET", "/api/v1/orgs/" + o.org + "/duckling");
      return show(s, b);
    };
  });
  auto* remove = duckling->add_subcommand("delete", "deprovision it and remove its data");
  remove->add_option("org", o.org)->required();
  remove->add_flag("--wait", o.wait, "wait until it is deleted");
  remove->add_option("--timeout", o.timeout, "seconds --wait waits");
  remove->callback([&o] {
    o.action = [&o] {
      auto [s, b] = call("DELETE", "/api/v1/orgs/" + o.org + "/duckling");
      if (s >= 400 || !o.wait) return show(s, b);
      return wait_for({"deleted"});
    };
  });
}

int run_ctl() {
  Options& o = opts();
  if (o.url.empty()) o.url = env_or("DUCKGRES_URL", "http://127.0.0.1:8080");
  while (!o.url.empty() && o.url.back() == '/') o.url.pop_back();
  if (o.token.empty()) o.token = env_or("DUCKGRES_TOKEN", env_or("DUCKGRES_ADMIN_TOKEN", ""));
  if (!o.action) return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc;
  try {
    rc = o.action();
  } catch (const std::exception& e) {
    std::cerr << "duckgres ctl: " << e.what() << std::endl;
    rc = 1;
  }
  curl_global_cleanup();
  return rc;
}

}  // namespace ducklings::ctl
