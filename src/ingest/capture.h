// PostHog-compatible event capture (POST /e, /capture, /batch, /i/v0/e): single events and
// batches, JSON, gzip (Content-Encoding or ?compression=gzip-js), base64 and form payloads;
// the project API key (api_key / token) names the team. Valid events are written ahead to
// the EventLog before the answer; invalid ones get a 400 with the reason and are not stored,
// while the valid events of the same batch are. Event times follow PostHog's rules
// (event_time.h); a request carrying two projects' keys is refused whole.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ingest/event_log.h"

namespace ducklings::ingest {

struct CaptureRequest {
  std::string method, path, query, content_type, content_encoding, body;
};

struct CaptureResponse {
  int status = 200;
  nlohmann::json body;
};

// The team a project API key belongs to.
struct TeamRef {
  std::string org, schema;
  int64_t team_id = 0;
};

class Capture {
 public:
  using TeamLookup = std::function<std::optional<TeamRef>(const std::string& api_key)>;
  Capture(EventLog& log, TeamLookup teams);
  static bool is_capture_path(const std::string& path);
  CaptureResponse handle(const CaptureRequest& request);

  // Events stored by (org, team schema) since the last call (usage metering).
  std::map<std::pair<std::string, std::string>, uint64_t> take_team_counts();
  std::atomic<uint64_t> events_total{0};    // stored
  std::atomic<uint64_t> rejected_total{0};  // invalid events
  // Stored events whose time was not used as sent, by reason (unparseable, future,
  // out_of_range: see event_time.h), since the start.
  std::map<std::string, uint64_t> corrected_times();

 private:
  std::optional<TeamRef> team(const std::string& key);
  EventLog& log_;
  TeamLookup teams_;
  std::mutex cache_mutex_;
  std::map<std::string, std::pair<TeamRef, std::chrono::steady_clock::time_point>> cache_;
  std::mutex counts_mutex_;
  std::map<std::pair<std::string, std::string>, uint64_t> team_counts_;
  std::map<std::string, uint64_t> corrected_times_;
};

}  // namespace ducklings::ingest
