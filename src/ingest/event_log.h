// The write-ahead log of captured events: newline-delimited JSON appended per team, made
// durable (fdatasync, grouping concurrent appends into one sync) before capture answers. An
// active file per team is sealed after a moment or a size and applied by the Ingester; the
// files live in the duckling's own tmp/ingest/<schema>/, where its sandboxed DuckDB may read
// them.
#pragma once
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ducklings::ingest {

class EventLog {
 public:
  explicit EventLog(std::string data_dir);
  ~EventLog();
  // Appends `lines` (each ending in '\n') for the team whose schema is `schema` in `org`;
  // returns once they are on disk. Throws std::runtime_error when they could not be written.
  void append(const std::string& org, const std::string& schema, const std::string& lines);
  // Seals active files holding data for at least `age` (or past a size) so they can be applied.
  void seal(std::chrono::milliseconds age);
  // Sealed files, oldest first: (org, schema, path).
  struct Segment {
    std::string org, schema, path, name;
  };
  std::vector<Segment> sealed();
  // Seals whatever a previous run left active, dropping a torn last line (never acknowledged).
  void recover();
  std::string directory(const std::string& org, const std::string& schema) const;
  // Where a team's files that could not be applied are kept (the Ingester's quarantine).
  std::string quarantine_directory(const std::string& org, const std::string& schema) const;
  // Files in every team's quarantine directory (their reason files left out), by name.
  std::vector<Segment> quarantined();

 private:
  struct Log;
  Log& log(const std::string& org, const std::string& schema);
  void seal_locked(Log& l);
  // Every file under <data_dir>/ducklings/*/tmp/ingest/*/.
  void for_each_file(
      const std::function<void(const std::filesystem::path& org, const std::filesystem::path& team,
                               const std::filesystem::path& file)>& visit);
  std::string data_dir_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Log>> logs_;  // by org/schema
};

}  // namespace ducklings::ingest
