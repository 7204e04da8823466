// duckgres: the command line. `serve` runs the server, `worker` hosts one duckling for it
// (--isolation process), `ctl` drives the control-plane API.
#include <openssl/rand.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <thread>

#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/logging.h"
#include "common/signals.h"
#include "common/secret_box.h"
#include "control/config_store.h"
#include "control/control_plane.h"
#include "control/migrations.h"
#include "control/provisioner.h"
#include "control/storage_access.h"
#include "ctl/ctl.h"
#include "http/api.h"
#include "http/http_server.h"
#include "ingest/bootstrap.h"
#include "ingest/capture.h"
#include "ingest/event_log.h"
#include "ingest/events_reader.h"
#include "ingest/generator.h"
#include "ingest/ingester.h"
#include "ingest/posthog_schema.h"
#include "metering/metrics.h"
#include "metering/pricing.h"
#include "metering/query_log.h"
#include "metering/usage.h"
#include "pgwire/scram.h"
#include "pgwire/server.h"
#include "sources/sync.h"
#include "modeling/runner.h"
#include "publish/publisher.h"
#include "sql/quoting.h"
#include "warehouse/warehouse.h"
#include "worker/worker_pool.h"
#include "worker/worker_process.h"

namespace {
using namespace ducklings;

constexpr const char* kAdminLogin = "duckgres";
constexpr const char* kDefaultDatabase = "duckgres";

std::string generate_password() {
  static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char bytes[20];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out;
  for (unsigned char b : bytes) out.push_back(alphabet[b % (sizeof(alphabet) - 1)]);
  return out;
}

// First start on an empty data dir: the admin login and the default warehouse.
void bootstrap(const ServerConfig& config, control::ControlPlane& control,
               warehouse::WarehouseRegistry& warehouses) {
  if (!control.has_logins()) {
    std::string password;
    bool generated = false;
    if (const char* env = std::getenv("DUCKGRES_ADMIN_PASSWORD"); env && *env) {
      password = env;
    } else {
      password = generate_password();
      generated = true;
    }
    control.put_login(kAdminLogin, pgwire::make_scram_verifier(password), true);
    if (generated) {
      // Printed once: only the salted verifier is stored.
      std::cout << "duckgres: created admin login '" << kAdminLogin
                << "' with generated password: " << password << std::endl;
    } else {
      spdlog::info("created admin login '{}' with the password from DUCKGRES_ADMIN_PASSWORD",
                   kAdminLogin);
    }
  }
  // The API's first token: from the environment (added if new), or generated and printed once.
  if (const char* env = std::getenv("DUCKGRES_ADMIN_TOKEN"); env && *env) {
    control.add_token(env, "admin (DUCKGRES_ADMIN_TOKEN)");
  } else if (!control.has_tokens()) {
    std::string token = "dgt_" + generate_password();
    control.add_token(token, "admin (generated)");
    std::cout << "duckgres: created admin API token (use as Authorization: Bearer …): " << token
              << std::endl;
  }
  if (!warehouses.find(kDefaultDatabase)) {
    auto w = warehouses.create(kDefaultDatabase);
    spdlog::info("created default warehouse '{}'", kDefaultDatabase);
    if (config.demo_data == "on") {
      // Something to query from the first minute: a PostHog team's worth of synthetic data.
      auto conn = w->connect();
      conn->query(ingest::team_tables_sql("posthog_demo"));
      conn->query(ingest::generate_sql("posthog_demo", 1, {}));
      spdlog::info("demo data: posthog_demo.events, persons, person_distinct_ids (synthetic)");
    }
  }
}

int serve(const std::map<std::string, std::string>& flags) {
  ServerConfig config;
  try {
    config = load_config(flags);
  } catch (const ConfigError& e) {
    std::cerr << "duckgres: invalid configuration: " << e.what() << std::endl;
    return 2;
  }
  init_logging(config.log_level);

  sigset_t signals = block_stop_signals();

  try {
    // Verifiers, capture keys, databases and keys: 0600/0700 (docs/security.md).
    make_private_directory(config.data_dir);
    std::unique_ptr<control::ConfigStore> store =
        control::ConfigStore::open(config.config_store, config.data_dir);
    int applied = control::migrate(*store);
    if (applied > 0)
      spdlog::info("config store ({}): applied {} migration(s)", store->kind(), applied);
    warehouse::WarehouseRegistry warehouses(config.data_dir,
                                            {config.threads, config.memory_limit, ""},
                                            split_list(config.readable_directories));
    control::Endpoint endpoint{config.host, config.port,
                               config.tls == "off"       ? "disable"
                               : config.tls == "require" ? "require"
                                                         : "prefer"};
    control::ControlPlane control(*store, endpoint);
    // Secrets at rest (storages' keys) are sealed with this key, kept apart from the store.
    SecretBox secrets(config.secret_key_file.empty() ? config.data_dir + "/secret.key"
                                                     : config.secret_key_file);
    control.set_storage_places(&secrets, config.data_dir, split_list(config.readable_directories));
    control::StorageAccess storage_access(control, config.data_dir,
                                          static_cast<uint64_t>(config.storage_cache_mb) << 20);
    bootstrap(config, control, warehouses);

    // --isolation process: organizations' ducklings run in worker processes. The provisioner
    // outlives the pool (declared first) because the pool asks it for ducklings' specs.
    control::Provisioner* provisioner_ref = nullptr;
    std::unique_ptr<worker::WorkerPool> workers;
    if (config.isolation == "process") {
      worker::WorkerPoolOptions options;
      options.arguments = {"--data-dir",
                           config.data_dir,
                           "--log-level",
                           config.log_level,
                           "--max-message-size",
                           std::to_string(config.max_message_size),
                           "--query-log-retention-days",
                           std::to_string(config.query_log_retention_days),
                           "--query-profiling", config.query_profiling,
                           "--shutdown-timeout",
                           std::to_string(config.shutdown_timeout),
                           "--tls",
                           "off",
                           "--readable-directories",
                           config.readable_directories};
      options.stop_timeout = std::chrono::seconds(config.shutdown_timeout);
      workers = std::make_unique<worker::WorkerPool>(
          options, [&provisioner_ref](const std::string& database) {
            return provisioner_ref ? provisioner_ref->spec_for_database(database) : std::nullopt;
          });
    }
    pgwire::Server server(config, &control, warehouses, workers.get());
    server.listen();
    // Statements of in-process sessions go to their duckling's query log (workers keep their
    // own, see worker_process.cpp).
    metering::QueryLog query_log(
        [&warehouses](const std::string& database,
                      const std::function<void(duck::Connection&)>& write) {
          auto w = warehouses.find_open(database);
          if (!w) throw std::runtime_error("the duckling is not open");
          write(*w->connect());
          w->data_changed();
        },
        config.query_log_retention_days);
    server.set_query_log(&query_log);
    // Sessions' requests of the control plane: in this process directly, from workers over
    // the pool's control socket.
    pgwire::ControlRequestHandler control_requests =
        [&control, &storage_access](const std::string& database,
                                    const std::map<std::string, std::string>& r) {
          auto get = [&](const char* k) {
            auto it = r.find(k);
            return it == r.end() ? std::string() : it->second;
          };
          // s3:// of a statement: the duckling is the organization's; owner and roles are the
          // statement's principal's.
          auto caller = [&] {
            control::StorageCaller c{database, get("owner") == "1", {}};
            for (const auto& role : nlohmann::json::parse(get("roles"))) c.roles.push_back(role);
            return c;
          };
          try {
            if (get("action") == "set_password") {
              control.set_user_verifier(database, get("user"), get("verifier"));
              return pgwire::ControlReply{};
            }
            if (get("action") == "metrics") {  // a worker's registry, every few seconds
              metering::Metrics::global().merge_remote(database, get("pid"),
                                                       nlohmann::json::parse(get("snapshot")));
              return pgwire::ControlReply{};
            }
            if (get("action") == "audit") {
              std::string actor =
                  get("actor").empty() ? "sql user \"" + get("user") + "\"" : get("actor");
              control.audit(database, actor, get("event"), get("target"),
                            {{"statement", get("detail")}});
              return pgwire::ControlReply{};
            }
            if (get("action") == "storage_stage") {
              std::vector<std::string> urls = nlohmann::json::parse(get("urls"));
              control::StorageAccess::Staged staged = storage_access.stage(caller(), urls);
              return pgwire::ControlReply{
                  "", "", nlohmann::json{{"lease", staged.lease}, {"files", staged.files}}.dump()};
            }
            if (get("action") == "storage_release") {
              storage_access.release(database, std::stoull(get("lease")));
              return pgwire::ControlReply{};
            }
            if (get("action") == "storage_publish") {
              size_t n = storage_access.publish(caller(), get("local"), get("url"));
              return pgwire::ControlReply{"", "", std::to_string(n)};
            }
            return pgwire::ControlReply{"unknown control request", "", ""};
          } catch (const SqlError& e) {
            return pgwire::ControlReply{e.what(), e.sqlstate(), ""};
          } catch (const std::exception& e) {
            return pgwire::ControlReply{e.what(), "", ""};
          }
        };
    server.set_control_requests(control_requests);
    if (workers) workers->serve_control_requests(control_requests);
    control::Provisioner provisioner(
        *store, warehouses,
        [&server](const std::string& database) { server.sessions().terminate_database(database); },
        std::chrono::seconds(config.duckling_idle_timeout), workers.get());
    provisioner_ref = &provisioner;
    warehouses.set_open_hook([&provisioner](const std::string& database, warehouse::Warehouse& w) {
      provisioner.on_open(database, w);
    });
    warehouses.set_limits_source([&provisioner](const std::string& database) {
      return provisioner.limits_for_database(database);
    });
    control.set_runtime_source([&warehouses, &workers](const std::string& database) {
      control::DucklingRuntime runtime;
      if (workers) {
        worker::WorkerStatus s = workers->status(database);
        runtime = {s.running, s.sessions, "process", std::nullopt};
        if (s.running) runtime.worker_pid = s.pid;
        return runtime;
      }
      auto w = warehouses.find_open(database);
      return control::DucklingRuntime{w != nullptr, w ? w->sessions() : 0, "none", std::nullopt};
    });
    provisioner.start();
    http::Api api(control, [&provisioner](bool wait) {
      if (wait)
        provisioner.wake_and_wait(std::chrono::seconds(10));
      else
        provisioner.wake();
    });
    api.set_gateway(&server);
    // External sources: synced on their schedules and on demand (docs/sources.md).
    sources::SyncEngine sync_engine(control, server, config.data_dir, &storage_access);
    api.set_sync_engine(&sync_engine);
    // Models: built on their schedules, on demand and after what they read changed
    // (docs/modeling.md).
    const char* model_workers = std::getenv("DUCKGRES_MODEL_WORKERS");
    modeling::ModelEngine model_engine(control, server, model_workers ? std::atoi(model_workers) : 2);
    api.set_model_engine(&model_engine);
    sync_engine.set_on_landed([&model_engine](const std::string& org, int64_t team_id,
                                              const std::vector<std::string>& relations) {
      model_engine.upstream_changed(org, team_id, relations);
    });
    // Golden tables: publications as Parquet versions in a storage (docs/golden-tables.md),
    // some following their model's builds.
    publish::Publisher publisher(control, server, config.data_dir);
    api.set_publisher(&publisher);
    model_engine.set_on_built([&publisher](const std::string& org, int64_t team_id, const std::string& relation) {
      publisher.source_built(org, team_id, relation);
    });
    sync_engine.start();
    model_engine.start();
    publisher.start();
    // PostHog capture: events written ahead, then applied to their team's table.
    ingest::EventLog event_log(config.data_dir);
    ingest::Capture capture(event_log,
                            [&control](const std::string& key) -> std::optional<ingest::TeamRef> {
                              auto t = control.team_by_token(key);
                              if (!t) return std::nullopt;
                              return ingest::TeamRef{t->org, t->schema, t->team_id};
                            });
    ingest::Ingester ingester(event_log, [&server](const std::string& org, const std::string& sql) {
      server.run({org, "ingest", sql, {}, true});
    });
    ingester.set_ready_check([&control](const std::string& org) {
      try {
        return control.get_duckling(org).state == "ready";
      } catch (const std::exception&) {
        return false;  // no such organization or duckling (yet): its files wait
      }
    });
    ingester.start();
    api.set_ingester(&ingester);
    ingest::Bootstrapper bootstrapper(
        split_list(config.readable_directories),
        [&server](const std::string& org, const std::string& sql) {
          auto r = server.run({org, "bootstrap", sql, {}, true});
          return ingest::Bootstrapper::SqlResult{std::move(r.rows), std::move(r.tags)};
        },
        [&control](const nlohmann::json& job) { control.save_job(job); },
        static_cast<uintmax_t>(config.bootstrap_batch_mb) << 20);
    // Exports in an organization's storage, read as its owner (the job is the org admin's).
    bootstrapper.set_object_source(
        {[&storage_access](const std::string& org, const std::string& url) {
           std::vector<std::pair<std::string, uintmax_t>> out;
           for (auto& [u, size] : storage_access.list({org, true, {}}, url)) out.emplace_back(u, size);
           return out;
         },
         [&storage_access](const std::string& org, const std::vector<std::string>& urls) {
           control::StorageAccess::Staged staged = storage_access.stage({org, true, {}}, urls);
           std::vector<std::string> files;
           for (auto& f : staged.files) files.insert(files.end(), f.begin(), f.end());
           uint64_t lease = staged.lease;
           return std::make_pair(
               files, std::shared_ptr<void>(nullptr, [&storage_access, org, lease](void*) {
                 storage_access.release(org, lease);
               }));
         }});
    for (const auto& job : control.unfinished_jobs()) bootstrapper.resume(job);  // after a stop
    api.set_bootstrapper(&bootstrapper);
    // Usage metering and the pricing scheme invoices use.
    metering::PricingScheme pricing = metering::PricingScheme::default_scheme();
    if (!config.pricing_scheme.empty()) {
      std::ifstream in(config.pricing_scheme);
      if (!in) throw ConfigError("pricing_scheme: cannot read " + config.pricing_scheme);
      std::stringstream text;
      text << in.rdbuf();
      try {
        pricing = metering::PricingScheme::parse(text.str());
      } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("pricing_scheme: ") + e.what());
      }
    }
    metering::UsageStore usage(*store);
    metering::UsageSources sources;
    sources.ducklings = [&store, &config, &workers, &warehouses] {
      std::vector<metering::UsageSources::Duckling> out;
      for (const auto& r : store->query(
               "SELECT o.name, d.size, d.vcpus, d.storage_path FROM ducklings d JOIN orgs o ON "
               "o.id = d.org_id WHERE d.state = 'ready'")) {
        metering::UsageSources::Duckling d;
        d.org = r[0].value_or("");
        d.size = r[1].value_or("");
        d.vcpus = r[2] ? std::stoi(*r[2]) : 0;
        d.directory = config.data_dir + "/" + r[3].value_or("");
        d.warm = workers ? workers->status(d.org).running : warehouses.find_open(d.org) != nullptr;
        out.push_back(std::move(d));
      }
      return out;
    };
    sources.query_usage = [&server](const std::string& org, const std::string& since) {
      auto result = server.run(
          {org, "usage",
           "SELECT strftime(date_trunc('hour', started_at AT TIME ZONE 'UTC'), "
           "'%Y-%m-%dT%H:00:00Z'), coalesce(team, ''), user_name, count(*), sum(duration_ms) / "
           "1000.0, coalesce(sum(cpu_time_ms), 0) / 1000.0 FROM duckgres_meta.query_log WHERE "
           "started_at >= $1 GROUP BY ALL",
           {gateway::timestamptz(since)},
           true});
      std::vector<std::vector<std::string>> rows;
      for (const auto& r : result.rows) {
        std::vector<std::string> row;
        for (const auto& v : r) row.push_back(v.value_or(""));
        rows.push_back(std::move(row));
      }
      return rows;
    };
    sources.take_events = [&capture] { return capture.take_team_counts(); };
    sources.take_api_calls = [&api] { return api.take_call_counts(); };
    sources.take_rows = [&bootstrapper] { return bootstrapper.take_row_counts(); };
    sources.take_synced_rows = [&sync_engine] { return sync_engine.take_synced_rows(); };
    sources.take_model_seconds = [&model_engine] { return model_engine.take_model_seconds(); };
    sources.take_publications = [&publisher] {
      std::map<std::tuple<std::string, std::string, std::string>, std::pair<uint64_t, uint64_t>> out;
      for (const auto& [key, u] : publisher.take_usage()) out[key] = {u.runs, u.bytes};
      return out;
    };
    metering::UsageCollector usage_collector(usage, sources,
                                             std::chrono::seconds(config.usage_interval));
    usage_collector.start();
    api.set_usage(&usage, &pricing);
    http::HttpServer http(config.host, config.http_port, &api);
    http.set_capture(&capture);
    auto& metrics = metering::Metrics::global();
    metering::declare_server_metrics(metrics);
    metrics.add_collector([&](metering::Metrics& m) {
      const pgwire::AuthLimiter& limiter = server.limiter();
      m.set("duckgres_connections_open", {}, static_cast<double>(server.sessions().size()));
      m.set("duckgres_auth_failures_total", {}, static_cast<double>(limiter.failures_total));
      m.set("duckgres_auth_bans_total", {}, static_cast<double>(limiter.bans_total));
      m.set("duckgres_auth_refusals_total", {{"reason", "banned"}},
            static_cast<double>(limiter.refusals_total));
      m.set("duckgres_auth_refusals_total", {{"reason", "address_cap"}},
            static_cast<double>(limiter.cap_refusals_total));
      m.set("duckgres_workers_active", {}, workers ? static_cast<double>(workers->running()) : 0);
      for (const auto& [org, st] : storage_access.stats()) {
        std::string o = m.org_label(org);
        m.set("duckgres_storage_objects_read_total", {{"org", o}, {"how", "hit"}},
              static_cast<double>(st.hits));
        m.set("duckgres_storage_objects_read_total", {{"org", o}, {"how", "download"}},
              static_cast<double>(st.downloads));
        m.set("duckgres_storage_read_bytes_total", {{"org", o}},
              static_cast<double>(st.downloaded_bytes));
        m.set("duckgres_storage_written_objects_total", {{"org", o}},
              static_cast<double>(st.uploads));
        m.set("duckgres_storage_written_bytes_total", {{"org", o}},
              static_cast<double>(st.uploaded_bytes));
        m.set("duckgres_storage_cache_bytes", {{"org", o}}, static_cast<double>(st.cache_bytes));
      }
      m.set("duckgres_ingest_events_total", {{"result", "stored"}},
            static_cast<double>(capture.events_total));
      m.set("duckgres_ingest_events_total", {{"result", "rejected"}},
            static_cast<double>(capture.rejected_total));
      m.set("duckgres_ingest_files_applied_total", {}, static_cast<double>(ingester.files_applied));
      m.set("duckgres_ingest_apply_errors_total", {}, static_cast<double>(ingester.apply_errors));
      for (const auto& [team, n] : ingester.quarantined_total()) {
        m.set("duckgres_ingest_quarantined_files_total",
              {{"org", m.org_label(team.first)}, {"team", team.second}}, static_cast<double>(n));
      }
      for (const auto& [team, n] : ingester.quarantine_files()) {
        m.set("duckgres_ingest_quarantined_files",
              {{"org", m.org_label(team.first)}, {"team", team.second}}, static_cast<double>(n));
      }
      for (const auto& [reason, n] : capture.corrected_times()) {
        m.set("duckgres_ingest_event_times_corrected_total", {{"reason", reason}},
              static_cast<double>(n));
      }
      m.set("duckgres_query_log_dropped_total", {}, static_cast<double>(query_log.dropped()));
    });
    http.start();

    std::thread signal_thread([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      spdlog::info("received signal {}, shutting down", sig);
      ingester.stop();      // what is not applied stays in the event log for the next start
      bootstrapper.stop();  // an unfinished job resumes at the next start
      // Workers finish their sessions' statements too; the relays end as they do.
      std::thread stop_workers([&workers] {
        if (workers) workers->stop_all();
      });
      server.stop();
      stop_workers.join();
    });
    spdlog::info("duckgres ready to accept connections on {}:{} (http {}), data dir {}",
                 config.host, server.port(), http.port(), config.data_dir);
    server.serve();
    signal_thread.join();
    http.stop();
    metrics.clear_collectors();  // they read objects of this scope
    usage_collector.stop();
    model_engine.stop();  // before the publisher it tells of its builds
    publisher.stop();
    query_log.stop();
    ingester.stop();
    provisioner.stop();
    if (workers) workers->stop_all();
    warehouses.close_all();
    spdlog::info("duckgres stopped");
    return 0;
  } catch (const ConfigError& e) {
    spdlog::error("invalid configuration: {}", e.what());
    return 2;
  } catch (const std::exception& e) {
    spdlog::error("fatal: {}", e.what());
    return 1;
  }
}

// DuckDB's allocator (the jemalloc built into libduckdb) caches freed blocks of up to 32 KiB per
// thread; every session runs its queries on its own thread, so an idle session kept ~110 KiB
// of cached blocks. Caching blocks up to 1 KiB keeps the fast path for small allocations
// (measured: no change on the analytics queries) and idle sessions small. jemalloc reads the
// variable when the library loads, before main, hence the re-exec; an operator's own value
// is kept.
void tune_duckdb_allocator(char** argv) {
  static const char* const kVariable = "DUCKDB_JE_MALLOC_CONF";
  if (std::getenv(kVariable) != nullptr) return;
  setenv(kVariable, "tcache_max:1024", 0);
  execv("/proc/self/exe", argv);  // returns only on failure: run on with the defaults
}

}  // namespace

int main(int argc, char** argv) {
  tune_duckdb_allocator(argv);
  CLI::App app{"duckgres: a PostgreSQL-protocol data warehouse server over DuckDB"};
  app.require_subcommand(1);
  CLI::App* serve_cmd = app.add_subcommand("serve", "run the server");
  std::map<std::string, std::string> values;
  std::map<std::string, CLI::Option*> options;
  for (const auto& [name, description] : setting_descriptions()) {
    std::string flag = "--" + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    options[name] = serve_cmd->add_option(flag, values[name], description);
  }
  CLI::App* worker_cmd = app.add_subcommand(
      "worker", "host one duckling for a server running with --isolation process (internal)");
  worker_cmd->group("");  // not for people: the server spawns it
  std::map<std::string, std::string> worker_values;
  std::map<std::string, CLI::Option*> worker_options;
  for (const auto& [name, description] : setting_descriptions()) {
    std::string flag = "--" + name;
    std::replace(flag.begin(), flag.end(), '_', '-');
    worker_options[name] = worker_cmd->add_option(flag, worker_values[name], description);
  }
  worker::WorkerArguments worker_args;
  worker_cmd->add_option("--database", worker_args.database)->required();
  worker_cmd->add_option("--socket", worker_args.socket_path)->required();
  worker_cmd->add_option("--lifeline-fd", worker_args.lifeline_fd);
  worker_cmd->add_option("--ready-fd", worker_args.ready_fd);
  worker_cmd->add_option("--temp-limit", worker_args.limits.temp_limit);
  worker_cmd->add_option("--control-socket", worker_args.control_socket);
  CLI::App* ctl_cmd =
      app.add_subcommand("ctl", "drive the control-plane API (orgs, teams, users, ducklings)");
  ctl::add_commands(*ctl_cmd);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  std::map<std::string, std::string> given;
  for (const auto& [name, opt] : options) {
    if (opt->count() > 0) given[name] = values[name];
  }
  // Every duckling, in this process or a worker, reads bootstrap files with the ingest reader.
  warehouse::add_function_registrar(ingest::register_events_reader);
  if (serve_cmd->parsed()) return serve(given);
  if (worker_cmd->parsed()) {
    std::map<std::string, std::string> worker_given;
    for (const auto& [name, opt] : worker_options) {
      if (opt->count() > 0) worker_given[name] = worker_values[name];
    }
    ServerConfig config;
    try {
      config = load_config(worker_given);
    } catch (const ConfigError& e) {
      std::cerr << "duckgres worker: invalid configuration: " << e.what() << std::endl;
      return 2;
    }
    worker_args.limits.threads = config.threads;
    worker_args.limits.memory_limit = config.memory_limit;
    return worker::run_worker(config, worker_args);
  }
  if (ctl_cmd->parsed()) return ctl::run_ctl();
  return 0;
}
