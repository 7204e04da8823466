// Backfills a team from PostHog exports on the server's disk: JSON Lines, CSV or Parquet files
// of events or persons (a file, or every such file of a directory). Files are applied in
// batches, one transaction each, and recorded in the duckling (duckgres_meta.bootstrapped), so
// an interrupted job resumes where it stopped and running it again never duplicates; rows whose
// uuid/id is already there are skipped. Jobs run one at a time on their own thread; their
// progress (files, rows, bytes, rate, ETA) is saved after each batch.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ducklings::ingest {

class Bootstrapper {
 public:
  using Rows = std::vector<std::vector<std::optional<std::string>>>;
  struct SqlResult {
    Rows rows;                      // of every statement that returned rows
    std::vector<std::string> tags;  // each statement's command tag ("INSERT 0 12")
  };
  // Runs SQL in `org`'s duckling as the server.
  using SqlRunner = std::function<SqlResult(const std::string& org, const std::string& sql)>;
  using JobSink = std::function<void(const nlohmann::json& job)>;  // saves a job's state
  // A batch reads at most `batch_max_bytes` of files (one file at least).
  Bootstrapper(std::vector<std::string> readable_directories, SqlRunner run_sql, JobSink save,
               uintmax_t batch_max_bytes = uintmax_t{256} << 20);
  ~Bootstrapper();
  // Exports in an organization's storage (`path` s3://<storage>/<prefix or glob>): listed
  // (each object's URL and size), and fetched a batch at a time as local files kept while the
  // returned lease lives. Both throw with the storage's reason.
  struct ObjectSource {
    std::function<std::vector<std::pair<std::string, uintmax_t>>(const std::string& org,
                                                                  const std::string& url)>
        list;
    std::function<std::pair<std::vector<std::string>, std::shared_ptr<void>>(
        const std::string& org, const std::vector<std::string>& urls)>
        fetch;
  };
  void set_object_source(ObjectSource source) { objects_ = std::move(source); }

  // Queues a job; throws std::invalid_argument (a 400) when the path or kind is not usable.
  nlohmann::json start(const std::string& org, const std::string& schema, int64_t team_id,
                       const std::string& path, const std::string& kind);
  // Queues a job a previous run did not finish.
  void resume(const nlohmann::json& job);
  void stop();
  // Rows inserted since the last call, by (org, team schema) (usage metering; rows a re-run
  // skips are not counted again).
  std::map<std::pair<std::string, std::string>, uint64_t> take_row_counts();

  // The files of a job's path, in order (exposed for tests).
  static std::vector<std::string> files_of(const std::string& path);

 private:
  void run(nlohmann::json job);
  // The team's group types by index (0-4; "" where none).
  std::vector<std::string> known_group_types(const std::string& org, const std::string& schema);
  // The SQL that applies a batch of files of one format read by `src` (one transaction);
  // it returns the rows read from each file. With `lines` (each file's, counted apart) the
  // rows stream from the files into the table, their $groups mapped by `group_types_known`
  // (by index); without, they are staged in a temp table.
  // The job's files (a storage's objects by URL) with their sizes, in order.
  std::vector<std::pair<std::string, uintmax_t>> listing(const std::string& org,
                                                         const std::string& path);
  // `files` are read; `names` (the files', or the objects' URLs) are recorded as applied.
  std::string batch_sql(const nlohmann::json& job, const std::vector<std::string>& files,
                        const std::vector<std::string>& names,
                        const std::vector<uintmax_t>& sizes, const std::string& src,
                        const Rows& columns, const std::vector<int64_t>* lines,
                        const std::vector<std::string>& group_types_known);
  std::vector<std::string> readable_;
  ObjectSource objects_;
  SqlRunner run_sql_;
  JobSink save_;
  uintmax_t batch_max_bytes_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<nlohmann::json> queue_;
  bool stop_ = false;
  std::map<std::pair<std::string, std::string>, uint64_t> applied_rows_;
  std::thread thread_;
};

}  // namespace ducklings::ingest
