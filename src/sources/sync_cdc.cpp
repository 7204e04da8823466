// Change data capture in the sync engine (sync_type "cdc", PostgreSQL sources): a thread per
// source prepares the connector's publication and slot, lands a snapshot of each cdc table
// that has none (a full refresh, taken after the table joined the publication), then applies
// the stream's batches. A batch is applied in one duckling transaction: per table, the last
// change of each primary key wins — rows deleted by key, new rows inserted, unchanged large
// values (not sent by PostgreSQL) kept by updating only the columns sent. Replaying a batch,
// or the changes that raced the snapshot, lands the same rows, so the slot is confirmed only
// after the duckling committed.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "common/digest.h"
#include "common/errors.h"
#include "sources/sync.h"
#include "sql/quoting.h"

namespace ducklings::sources {
namespace {
using json = nlohmann::json;

// Each transaction's lag is a sample: a minute at 3,000 transactions/s.
constexpr size_t kLagSamples = 200000;

std::string qi(const std::string& s) { return sql::quote_identifier(s); }

int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void csv_field(std::string& out, const std::optional<std::string>& v, bool hex) {
  if (!v) return;  // NULL: unquoted and empty
  std::string_view text = *v;
  // bytea's text form is \x followed by hex; the landed column reads plain hex.
  if (hex && text.size() >= 2 && text[0] == '\\' && text[1] == 'x') text.remove_prefix(2);
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A DuckDB type as duckdb_columns() spells it, to compare a landed column with a source's.
std::string type_spelling(const std::string& type) {
  std::string out;
  for (char c : type) {
    if (c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out == "TIMESTAMPTZ" ? "TIMESTAMPWITHTIMEZONE" : out;
}

// A row keyed by column name: a batch may hold rows of a table before and after a column was
// added or dropped upstream.
using Row = std::map<std::string, std::optional<std::string>>;

struct TableChanges {
  bool truncate = false;
  // By primary key, the last change: a full row, a deletion (nullopt), or a patch of the
  // columns an update sent (its large unchanged values were not).
  std::map<std::string, std::optional<Row>> rows;
  std::map<std::string, Row> patches;
  std::map<std::string, SourceColumn> columns;  // every column the batch's rows carry
};

}  // namespace

struct SyncEngine::CdcWorker {
  std::string org, source;
  int64_t team_id = 0;
  std::thread thread;
  std::atomic<bool> stop{false}, reconfigure{false}, done{false};
  std::mutex mutex;
  std::condition_variable wake;
  // What the stream applies: by upstream "schema.name".
  struct Target {
    SourceTable table;
    std::vector<std::string> key;
    std::map<std::string, std::string> landed;  // column → DuckDB type
    bool all_columns = true;  // false: only the table's enabled columns land
  };
  std::map<std::string, Target> targets;
  std::string schema;       // the source's prefix
  std::string team_schema;  // for metering
  // Reported.
  std::string status = "starting", error, lsn;
  std::deque<int64_t> lag_ms;
  int64_t last_commit_us = 0, applied_changes = 0;
};

std::string SyncEngine::cdc_name(const std::string& org, const std::string& source) {
  return "duckgres_" + sha256_hex(org + "/" + source).substr(0, 20);
}

void SyncEngine::cdc_refresh(const std::string& org, int64_t team_id, const std::string& source) {
  std::lock_guard lock(mutex_);
  if (stop_) return;
  auto& slot = cdc_[{org, source}];
  if (slot && !slot->stop && !slot->done) {
    slot->reconfigure = true;
    slot->wake.notify_all();
    return;
  }
  if (slot && slot->thread.joinable()) slot->thread.join();
  slot = std::make_shared<CdcWorker>();
  slot->org = org;
  slot->source = source;
  slot->team_id = team_id;
  CdcWorker* w = slot.get();
  slot->thread = std::thread([this, w] { cdc_loop(*w); });
}

void SyncEngine::cdc_stop_all() {
  std::map<std::pair<std::string, std::string>, std::shared_ptr<CdcWorker>> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(cdc_);
  }
  for (auto& [key, w] : workers) {
    w->stop = true;
    w->wake.notify_all();
  }
  for (auto& [key, w] : workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

json SyncEngine::cdc_status(const std::string& org, const std::string& source) {
  std::shared_ptr<CdcWorker> w;
  {
    std::lock_guard lock(mutex_);
    auto it = cdc_.find({org, source});
    if (it == cdc_.end()) return nullptr;
    w = it->second;
  }
  std::lock_guard lock(w->mutex);
  std::vector<int64_t> lags(w->lag_ms.begin(), w->lag_ms.end());
  std::sort(lags.begin(), lags.end());
  auto pct = [&](double p) -> json {
    if (lags.empty()) return nullptr;
    return lags[std::min(lags.size() - 1, static_cast<size_t>(p * static_cast<double>(lags.size())))];
  };
  return {{"slot", cdc_name(org, source)},
          {"status", w->status},
          {"error", w->error.empty() ? json(nullptr) : json(w->error)},
          {"confirmed_lsn", w->lsn.empty() ? json(nullptr) : json(w->lsn)},
          {"changes_applied", w->applied_changes},
          {"lag_ms", lags.empty() ? json(nullptr) : json(w->lag_ms.back())},
          {"lag_p50_ms", pct(0.5)},
          {"lag_p99_ms", pct(0.99)},
          {"lag_samples", lags.size()}};
}

void SyncEngine::remove(const std::string& org, int64_t team_id, const std::string& name) {
  control::SourceRecord s = control_.get_source(org, team_id, name);
  std::shared_ptr<CdcWorker> w;
  {
    std::lock_guard lock(mutex_);
    auto it = cdc_.find({org, name});
    if (it != cdc_.end()) {
      w = it->second;
      cdc_.erase(it);
    }
  }
  if (w) {
    w->stop = true;
    w->wake.notify_all();
    if (w->thread.joinable()) w->thread.join();
  }
  if (s.kind == "postgres") {
    // The slot would keep the source's WAL forever: dropped now, or said loudly why not.
    try {
      open_postgres_changes(s.connection, control_.source_password(org, name), cdc_name(org, name))->drop();
    } catch (const std::exception& e) {
      spdlog::warn("source {} of {}: its replication slot {} could not be dropped: {}", name, org,
                   cdc_name(org, name), e.what());
    }
  }
  control_.delete_source(org, team_id, name);
}

void SyncEngine::cdc_loop(CdcWorker& w) {
  int failures = 0;
  auto set_status = [&](const std::string& status, const std::string& error) {
    std::lock_guard lock(w.mutex);
    w.status = status;
    w.error = error;
  };
  auto pause = [&](std::chrono::seconds d) {
    std::unique_lock lock(w.mutex);
    w.wake.wait_for(lock, d, [&] { return w.stop || w.reconfigure; });
  };
  while (!w.stop) {
    w.reconfigure = false;
    std::vector<std::string> stopped_keys;
    try {
      control::SourceRecord source = control_.get_source(w.org, w.team_id, w.source);
      std::string secret = control_.source_password(w.org, w.source);
      auto stored = control_.source_tables(w.org, w.source);
      std::vector<std::string> keys;
      for (const auto& [key, entry] : stored) {
        if (entry.first.value("enabled", false) && entry.first.value("sync_type", "") == "cdc" &&
            !entry.second.value("stopped", false))
          keys.push_back(key);
      }
      auto changes = open_postgres_changes(source.connection, secret, cdc_name(w.org, w.source));
      if (keys.empty()) {
        // No table streams any more: the slot must not hold the source's WAL.
        changes->drop();
        set_status("stopped", "");
        break;
      }
      set_status("preparing", "");
      std::unique_ptr<Source> reader = open(w.org, source, secret);
      std::vector<SourceTable> found = reader->discover();
      std::vector<SourceTable> tables;
      std::map<std::string, CdcWorker::Target> targets;
      for (const auto& key : keys) {
        auto it = std::find_if(found.begin(), found.end(), [&](const SourceTable& t) { return table_key(t) == key; });
        if (it == found.end()) {
          json state = stored[key].second;
          state["status"] = "failed";
          state["last_error"] = "the table " + key + " is gone from the source";
          state["stopped"] = true;
          control_.save_source_table(w.org, w.source, key, stored[key].first, state);
          continue;
        }
        tables.push_back(*it);
        const json& config = stored[key].first;
        targets[it->schema + "." + it->name] = {enabled_part(*it, config),
                                                config["primary_key"].get<std::vector<std::string>>(), {},
                                                !config.value("enabled_columns", json()).is_array()};
      }
      if (tables.empty()) continue;
      changes->prepare(tables);
      // Each table without a snapshot gets one: after prepare, so every change the copy
      // misses is in the stream (and replaying those it has lands the same rows).
      for (const auto& t : tables) {
        json config = stored[table_key(t)].first;
        json state = stored[table_key(t)].second;
        if (state.value("cdc_snapshot", false)) continue;
        set_status("snapshotting", "");
        json full = config;
        full["sync_type"] = "full_refresh";
        std::string run_id = random_hex(8);
        json run = {{"id", run_id}, {"source", w.source}, {"team_id", w.team_id}, {"status", "running"},
                    {"rows", 0}, {"error", nullptr}, {"started_at", iso_utc_now()}, {"finished_at", nullptr},
                    {"tables", json::array()}};
        control_.save_run(control::RunKind::kSource, w.org, run["source"].get<std::string>(), run);
        uint64_t rows = 0;
        try {
          rows = sync_table(w.org, source, *reader, enabled_part(t, config), full, state,
                            [&] { return w.stop.load(); });
        } catch (const std::exception& e) {
          run["status"] = "failed";
          run["error"] = e.what();
          run["finished_at"] = iso_utc_now();
          run["tables"].push_back({{"table", table_key(t)}, {"status", "failed"}, {"rows", 0}, {"error", e.what()}});
          control_.save_run(control::RunKind::kSource, w.org, run["source"].get<std::string>(), run);
          record_run_sql(w.org, w.team_id, w.source, run);
          throw;
        }
        state["cdc_snapshot"] = true;
        state["status"] = "streaming";
        state["last_error"] = nullptr;
        state["last_synced_at"] = iso_utc_now();
        state["last_synced_epoch"] = unix_us() / 1000000;
        state["rows_last_run"] = rows;
        control_.save_source_table(w.org, w.source, table_key(t), config, state);
        run["status"] = "completed";
        run["rows"] = rows;
        run["finished_at"] = iso_utc_now();
        run["tables"].push_back({{"table", table_key(t)}, {"status", "completed"}, {"rows", rows}, {"error", nullptr}});
        control_.save_run(control::RunKind::kSource, w.org, run["source"].get<std::string>(), run);
        record_run_sql(w.org, w.team_id, w.source, run);
        std::lock_guard lock(mutex_);
        synced_rows_[{w.org, control_.get_team(w.org, w.team_id).schema_name}] += rows;
      }
      // What each target has landed, to add columns that appear upstream.
      auto landed = gateway_.run({w.org, "source " + w.source,
                                  "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = " +
                                      sql::quote_literal(source.prefix), {}, true});
      for (auto& [upstream, target] : targets) {
        for (const auto& r : landed.rows) {
          if (*r[0] == landed_name(target.table)) target.landed[*r[1]] = *r[2];
        }
      }
      {
        std::lock_guard lock(w.mutex);
        w.targets = std::move(targets);
        w.schema = source.prefix;
        w.team_schema = control_.get_team(w.org, w.team_id).schema_name;
      }
      set_status("streaming", "");
      changes->stream([&](ChangeBatch& batch) {
        cdc_apply(w, batch);
        failures = 0;
      }, [&] { return w.stop || w.reconfigure; });
    } catch (const std::exception& e) {
      auto* se = dynamic_cast<const SourceError*>(&e);
      bool transient = !se || se->transient();
      if (w.stop) break;
      if (!transient) {
        // Needs someone to act (a grant, wal_level): the tables say why; changing their
        // settings tries again.
        set_status("failed", e.what());
        for (auto& [key, entry] : control_.source_tables(w.org, w.source)) {
          if (entry.first.value("sync_type", "") != "cdc") continue;
          entry.second["status"] = "failed";
          entry.second["last_error"] = e.what();
          control_.save_source_table(w.org, w.source, key, entry.first, entry.second);
        }
        spdlog::warn("source {} of {}: change data capture stopped: {}", w.source, w.org, e.what());
        std::unique_lock lock(w.mutex);
        w.wake.wait(lock, [&] { return w.stop || w.reconfigure; });
        continue;
      }
      ++failures;
      set_status("retrying", e.what());
      spdlog::info("source {} of {}: change data capture: {} (retrying)", w.source, w.org, e.what());
      pause(std::chrono::seconds(std::min(30, 1 << std::min(failures, 5))));
    }
  }
  std::lock_guard lock(w.mutex);
  if (w.status != "failed") w.status = "stopped";
  w.done = true;
}

void SyncEngine::cdc_apply(CdcWorker& w, ChangeBatch& batch) {
  std::map<std::string, TableChanges> tables;
  for (const Change& c : batch.changes) {
    const Relation& rel = *c.relation;
    auto target = w.targets.find(rel.schema + "." + rel.name);
    if (target == w.targets.end()) continue;  // no longer streamed
    TableChanges& t = tables[target->first];
    if (c.kind == Change::kTruncate) {
      t = TableChanges();
      t.truncate = true;
      continue;
    }
    const auto& enabled = target->second.table.columns;
    auto lands = [&](const std::string& name) {
      return target->second.all_columns ||
             std::any_of(enabled.begin(), enabled.end(), [&](const SourceColumn& e) { return e.name == name; });
    };
    for (const auto& col : rel.columns) {
      if (lands(col.name)) t.columns.emplace(col.name, col);
    }
    // The primary key's values, as the old key (deletes, key updates) or the new row has them.
    auto key_of = [&](const Change::Tuple& values) {
      std::string k;
      for (const auto& name : target->second.key) {
        for (size_t i = 0; i < rel.columns.size() && i < values.size(); ++i) {
          if (rel.columns[i].name != name) continue;
          k += values[i] ? "v" + *values[i] : std::string("n");
          k += '\x1f';
        }
      }
      return k;
    };
    auto row_of = [&](const Change::Tuple& values) {
      Row r;
      for (size_t i = 0; i < rel.columns.size() && i < values.size(); ++i) {
        if ((c.unchanged.empty() || !c.unchanged[i]) && lands(rel.columns[i].name))
          r[rel.columns[i].name] = values[i];
      }
      return r;
    };
    if (c.kind == Change::kDelete) {
      std::string k = key_of(c.old_key);
      t.rows[k] = std::nullopt;
      t.patches.erase(k);
      continue;
    }
    std::string k = key_of(c.values);
    if (c.kind == Change::kUpdate && !c.old_key.empty()) {
      std::string old = key_of(c.old_key);
      if (old != k) {
        t.rows[old] = std::nullopt;
        t.patches.erase(old);
      }
    }
    Row r = row_of(c.values);
    bool partial = std::find(c.unchanged.begin(), c.unchanged.end(), true) != c.unchanged.end();
    if (!partial) {
      t.rows[k] = std::move(r);
      t.patches.erase(k);
      continue;
    }
    // An update without some large unchanged values: completed from this batch's row of the
    // key when it has one, else applied as an update of the columns sent.
    auto have = t.rows.find(k);
    if (have != t.rows.end() && have->second) {
      for (auto& [name, value] : r) (*have->second)[name] = value;
    } else {
      for (auto& [name, value] : r) t.patches[k][name] = value;
    }
  }

  std::string tmp = data_dir_ + "/ducklings/" + w.org + "/tmp";
  std::filesystem::create_directories(tmp);
  std::vector<std::string> files;
  struct Remove {
    std::vector<std::string>& files;
    ~Remove() {
      for (const auto& f : files) std::filesystem::remove(f);
    }
  } remove{files};
  std::string sql = "BEGIN; ";
  size_t applied = 0;
  for (auto& [upstream, changes] : tables) {
    CdcWorker::Target& target = w.targets[upstream];
    std::string name = qi(w.schema) + "." + qi(landed_name(target.table));
    if (changes.truncate) sql += "DELETE FROM " + name + "; ";
    // Columns new upstream are added; one whose type changed stops the table (a full refresh
    // lands the new type) rather than being cast.
    std::vector<SourceColumn> columns;
    for (const auto& [col_name, col] : changes.columns) {
      auto was = target.landed.find(col_name);
      if (was == target.landed.end()) {
        sql += "ALTER TABLE " + name + " ADD COLUMN " + qi(col_name) + " " + col.duck_type + "; ";
        target.landed[col_name] = col.duck_type;
      } else if (type_spelling(was->second) != type_spelling(col.duck_type)) {
        throw SourceError(false, "column " + col_name + " of " + table_key(target.table) +
                                     " changed type upstream (" + col.source_type + "): it landed as " +
                                     was->second + ", now it would be " + col.duck_type +
                                     "; a full refresh lands the new type");
      }
      columns.push_back(col);
    }
    std::vector<SourceColumn> key_columns;
    for (const auto& k : target.key) {
      auto it = changes.columns.find(k);
      if (it != changes.columns.end()) key_columns.push_back(it->second);
    }
    if (key_columns.size() != target.key.size()) continue;  // nothing but a truncate
    std::string keys_csv, rows_csv;
    size_t key_count = 0, row_count = 0;
    for (const auto& [k, row] : changes.rows) {
      // The key's values come back from the key string's parts.
      std::vector<std::optional<std::string>> parts;
      size_t at = 0;
      while (at < k.size()) {
        size_t end = k.find('\x1f', at);
        parts.push_back(k[at] == 'v' ? std::optional<std::string>(k.substr(at + 1, end - at - 1)) : std::nullopt);
        at = end + 1;
      }
      for (size_t i = 0; i < parts.size(); ++i) {
        if (i) keys_csv += ',';
        csv_field(keys_csv, parts[i], key_columns[i].duck_type == "BLOB");
      }
      keys_csv += '\n';
      ++key_count;
      if (!row) continue;
      for (size_t i = 0; i < columns.size(); ++i) {
        if (i) rows_csv += ',';
        auto v = row->find(columns[i].name);
        csv_field(rows_csv, v == row->end() ? std::nullopt : v->second, columns[i].duck_type == "BLOB");
      }
      rows_csv += '\n';
      ++row_count;
    }
    auto write = [&](const std::string& data) {
      std::string path = tmp + "/cdc-" + random_hex(6) + ".csv";
      std::ofstream(path, std::ios::binary) << data;
      files.push_back(path);
      return path;
    };
    std::string pk, column_list;
    for (const auto& k : target.key) pk += (pk.empty() ? "" : ", ") + qi(k);
    for (const auto& c : columns) column_list += (column_list.empty() ? "" : ", ") + qi(c.name);
    if (key_count) {
      sql += "DELETE FROM " + name + " WHERE (" + pk + ") IN (SELECT " + pk + " FROM (" +
             csv_select(key_columns, write(keys_csv)) + ")); ";
    }
    if (row_count) {
      sql += "INSERT INTO " + name + " (" + column_list + ") SELECT " + column_list + " FROM (" +
             csv_select(columns, write(rows_csv)) + "); ";
    }
    for (const auto& [k, patch] : changes.patches) {
      std::string set, where;
      for (const auto& [col_name, value] : patch) {
        bool is_key = std::find(target.key.begin(), target.key.end(), col_name) != target.key.end();
        const SourceColumn& col = changes.columns[col_name];
        std::string literal = !value ? "NULL" : col.duck_type == "BLOB"
                                                    ? "unhex(" + sql::quote_literal(value->substr(value->rfind("\\x", 0) == 0 ? 2 : 0)) + ")"
                                                    : sql::quote_literal(*value);
        std::string expr = "CAST(" + literal + " AS " + col.duck_type + ")";
        if (is_key) where += (where.empty() ? "" : " AND ") + qi(col_name) + " = " + expr;
        else set += (set.empty() ? "" : ", ") + qi(col_name) + " = " + expr;
      }
      if (!set.empty() && !where.empty()) sql += "UPDATE " + name + " SET " + set + " WHERE " + where + "; ";
    }
    applied += key_count + changes.patches.size() + (changes.truncate ? 1 : 0);
  }
  if (sql != "BEGIN; ") {
    sql += "COMMIT";
    gateway_.run({w.org, "source " + w.source, sql, {}, true});
  }
  int64_t now = unix_us();
  std::lock_guard lock(w.mutex);
  for (int64_t at : batch.commit_times_us) {
    w.lag_ms.push_back(std::max<int64_t>(0, (now - at) / 1000));
    if (w.lag_ms.size() > kLagSamples) w.lag_ms.pop_front();
    w.last_commit_us = at;
  }
  w.applied_changes += static_cast<int64_t>(applied);
  w.lsn = batch.end_lsn;
  std::lock_guard engine(mutex_);
  synced_rows_[{w.org, w.team_schema}] += applied;
}

}  // namespace ducklings::sources
