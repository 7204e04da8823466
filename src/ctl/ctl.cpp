#include "ctl/ctl.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/url.h"
#include "http/api.h"

namespace ducklings::ctl {
namespace {
using json = nlohmann::json;

struct Options {
  std::string url;
  std::string token;
  bool as_json = false;
  bool detach = false;  // follow_job commands: start the job and return
  bool wait = false;    // wait_ready / wait_deleted commands
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

// A size: xs|s|m|l, or "VCPUS:MEMORY" (e.g. 3:6GB).
json size_value(const std::string& s) {
  size_t c = s.find(':');
  if (c == std::string::npos) return s;
  return {{"vcpus", std::stoi(s.substr(0, c))}, {"memory", s.substr(c + 1)}};
}

// Polls `org`'s duckling until its state is one of `states` (or the timeout passes).
int wait_for(const std::string& org, const std::vector<std::string>& states) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts().timeout);
  while (true) {
    auto [status, body] = call("GET", "/api/v1/orgs/" + org + "/duckling");
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

// A progress bar on stderr until job `id` of `org` ends; then the job as usual.
int follow_job(const std::string& org, const std::string& id) {
  int polls = 0;
  while (true) {
    auto [status, job] = call("GET", "/api/v1/orgs/" + org + "/jobs/" + id);
    if (status >= 400) return show(status, job);
    double total = job.value("bytes_total", 0.0), done = job.value("bytes_done", 0.0);
    int pct = total > 0 ? static_cast<int>(100 * done / total) : 0;
    std::string bar(static_cast<size_t>(pct / 4), '#');
    bar.resize(25, '.');
    std::cerr << "\r[" << bar << "] " << pct << "%  " << job.value("rows", 0) << " rows  "
              << job.value("rows_per_second", 0) << " rows/s  ETA "
              << (job["eta_seconds"].is_number()
                      ? std::to_string(job["eta_seconds"].get<int64_t>()) + " s"
                      : "-")
              << "   " << std::flush;
    std::string state = job.value("state", "");
    if (state == "done" || state == "failed") {
      std::cerr << "\n";
      int rc = show(status, job);
      return state == "done" ? rc : 1;
    }
    // Short jobs end within a few polls; longer ones are polled less often.
    std::this_thread::sleep_for(std::chrono::milliseconds(++polls < 150 ? 20 : 500));
  }
}

// An option's text as the field's JSON type.
json field_value(const http::Field& field, const std::string& given) {
  if (field.schema.contains("oneOf")) return size_value(given);  // the duckling's size
  std::string type = field.schema.value("type", "string");
  if (type == "integer") return std::stoll(given);
  if (type == "boolean") return given == "true" || given == "on" || given == "1";
  std::string text = given;
  if ((type == "object" || type == "array") && !text.empty() && text[0] == '@') {
    // @path: the JSON is in a file (a dbt manifest is megabytes).
    std::ifstream in(text.substr(1));
    if (!in) throw std::invalid_argument("--" + field.name + ": cannot read " + text.substr(1));
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (type == "object") {  // given as JSON (a source's connection)
    json v = json::parse(text, nullptr, false);
    if (!v.is_object()) throw std::invalid_argument("--" + field.name + " takes a JSON object (or @file)");
    return v;
  }
  if (type == "array" && text.find_first_not_of(" \t\n") != std::string::npos &&
      text[text.find_first_not_of(" \t\n")] == '[') {  // a JSON list (a model's tests)
    json v = json::parse(text, nullptr, false);
    if (!v.is_array()) throw std::invalid_argument("--" + field.name + " takes a JSON list (or a,b,c)");
    return v;
  }
  if (type == "array") {
    json items = json::array();
    size_t i = 0;
    while (i <= text.size()) {
      size_t comma = text.find(',', i);
      if (comma == std::string::npos) comma = text.size();
      if (comma > i) items.push_back(text.substr(i, comma - i));
      i = comma + 1;
    }
    return items;
  }
  return text;
}

// A command made from a route: its options, what they hold, and the call it makes.
struct RouteCommand {
  const http::Route* route = nullptr;
  std::map<std::string, std::string> values;  // path parameters, fields and query parameters
  std::map<std::string, CLI::Option*> given;  // … by name, to tell which were given

  bool has(const std::string& name) const {
    auto it = given.find(name);
    return it != given.end() && it->second->count() > 0;
  }

  int run() const {
    std::string path = "/api/v1" + route->pattern;
    for (const auto& name : http::pattern_parameters(route->pattern)) {
      path.replace(path.find("{" + name + "}"), name.size() + 2, url_encode(values.at(name)));
    }
    std::string query;
    for (const auto& f : route->query) {
      if (!has(f.name)) continue;
      query += (query.empty() ? "?" : "&") + f.name + "=" + url_encode(values.at(f.name));
    }
    json body = json::object();
    for (const auto& f : route->body) {
      if (has(f.name)) {
        body[f.name] = field_value(f, values.at(f.name));
      } else if ((f.required || f.cli == "-") && !f.env.empty() && std::getenv(f.env.c_str())) {
        // A required field, or a secret that has no option (never on a command line, where
        // the process list would show it), from its environment variable.
        body[f.name] = field_value(f, std::getenv(f.env.c_str()));
      }
    }
    bool sends_body = route->method != "GET" && route->method != "DELETE";
    auto [status, answer] = call(route->method, path + query, sends_body ? &body : nullptr);
    const std::string& after = route->cli->after;
    if (status >= 400 || after.empty()) return show(status, answer);
    if (after == "follow_job") {
      if (opts().detach) return show(status, answer);
      return follow_job(values.at("org"), answer.value("id", ""));
    }
    if (!opts().wait) return show(status, answer);
    return wait_for(values.at("org"), {after == "wait_ready" ? "ready" : "deleted"});
  }
};

std::string option_name(const http::Field& field) {
  if (!field.cli.empty()) return field.cli;
  std::string name = "--" + field.name;
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

// Help for the path parameters (the routes' fields carry their own).
const std::map<std::string, std::string> kParameters = {
    {"org", "the organization"},  {"team_id", "the team's PostHog project id"},
    {"username", "the user"},     {"id", "its id"},
    {"role", "the role"},         {"member", "the member user or role"},
    {"pid", "the session's pid"}, {"name", "its name"},
};

const std::map<std::string, std::string> kGroups = {
    {"org", "organizations"},
    {"team", "teams (PostHog projects)"},
    {"user", "users of an organization"},
    {"credential", "service credentials (logins with a TTL)"},
    {"duckling", "an organization's warehouse"},
    {"role", "roles of a duckling and their members"},
    {"session", "the duckling's sessions"},
    {"job", "background jobs"},
    {"quarantine", "captured event files that could not be applied"},
};

}  // namespace

void add_commands(CLI::App& ctl) {
  Options& o = opts();
  ctl.add_option("--url", o.url, "API base URL (DUCKGRES_URL, default http://127.0.0.1:8080)");
  ctl.add_option("--token", o.token, "API token (DUCKGRES_TOKEN or DUCKGRES_ADMIN_TOKEN)");
  ctl.add_flag("--json", o.as_json, "print the API's JSON");
  ctl.require_subcommand(1);

  // One command per route of the API's table (http/routes.h), grouped by resource.
  static std::vector<std::unique_ptr<RouteCommand>> commands;
  std::map<std::string, CLI::App*> groups;
  for (const http::Route& route : http::Api::routes()) {
    if (!route.cli) continue;
    const http::CliCommand& cli = *route.cli;
    CLI::App* parent = &ctl;
    if (!cli.group.empty()) {
      CLI::App*& group = groups[cli.group];
      if (!group) {
        auto help = kGroups.find(cli.group);
        group = ctl.add_subcommand(cli.group, help == kGroups.end() ? cli.group : help->second);
        group->require_subcommand(1);
      }
      parent = group;
    }
    auto* command = parent->add_subcommand(cli.verb, cli.help);
    for (const auto& alias : cli.aliases) command->alias(alias);
    auto& made = *commands.emplace_back(std::make_unique<RouteCommand>());
    made.route = &route;
    auto field_help = [](const http::Field& f) {
      return f.help.empty() ? f.schema.value("description", "") : f.help;
    };
    std::vector<std::string> positional = cli.positional;
    for (const auto& name : http::pattern_parameters(route.pattern)) {
      if (std::find(positional.begin(), positional.end(), name) == positional.end()) {
        positional.push_back(name);
      }
    }
    for (const auto& name : positional) {
      auto known = kParameters.find(name);
      std::string help = known == kParameters.end() ? "" : known->second;
      for (const auto& f : route.body) {
        if (f.name == name) help = field_help(f);
      }
      made.given[name] = command->add_option(name, made.values[name], help)->required();
    }
    for (const auto* fields : {&route.body, &route.query}) {
      for (const auto& f : *fields) {
        if (f.cli == "-" || made.given.count(f.name)) continue;
        CLI::Option* option =
            command->add_option(option_name(f), made.values[f.name], field_help(f));
        if (f.schema.value("type", "") == "integer") option->check(CLI::Number);
        if (f.required && f.env.empty()) option->required();
        made.given[f.name] = option;
      }
    }
    if (cli.after == "wait_ready" || cli.after == "wait_deleted") {
      command->add_flag(
          "--wait", o.wait,
          cli.after == "wait_ready" ? "wait until it is ready" : "wait until it is deleted");
      command->add_option("--timeout", o.timeout, "seconds --wait waits");
    }
    if (cli.after == "follow_job") {
      command->add_flag("--detach", o.detach, "start the job and return");
    }
    command->callback([&o, &made] { o.action = [&made] { return made.run(); }; });
  }
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
