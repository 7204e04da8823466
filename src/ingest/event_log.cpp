#include "ingest/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ducklings::ingest {
namespace fs = std::filesystem;

namespace {
constexpr size_t kSealBytes = 16 << 20;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct EventLog::Log {
  std::string org, schema, dir;
  std::mutex mutex;
  std::condition_variable synced;
  int fd = -1;
  std::string active_path;
  std::string pending;    // appended, not yet written
  uint64_t appended = 0;  // appends so far
  uint64_t durable = 0;   // appends on disk
  bool flushing = false;  // one appender writes and syncs for all waiting
  size_t bytes = 0;       // in the active file
  std::chrono::steady_clock::time_point first_write;
  std::string error;
};

EventLog::EventLog(std::string data_dir) : data_dir_(std::move(data_dir)) {}

EventLog::~EventLog() {
  for (auto& [key, l] : logs_) {
    if (l->fd >= 0) ::close(l->fd);
  }
}

std::string EventLog::directory(const std::string& org, const std::string& schema) const {
  return data_dir_ + "/ducklings/" + org + "/tmp/ingest/" + schema;
}

std::string EventLog::quarantine_directory(const std::string& org,
                                           const std::string& schema) const {
  return directory(org, schema) + "/quarantine";
}

EventLog::Log& EventLog::log(const std::string& org, const std::string& schema) {
  std::lock_guard lock(mutex_);
  auto& l = logs_[org + "/" + schema];
  if (!l) {
    l = std::make_unique<Log>();
    l->org = org;
    l->schema = schema;
    l->dir = directory(org, schema);
  }
  return *l;
}

void EventLog::append(const std::string& org, const std::string& schema, const std::string& lines) {
  Log& l = log(org, schema);
  std::unique_lock lock(l.mutex);
  l.pending += lines;
  uint64_t mine = ++l.appended;
  while (l.durable < mine) {
    if (l.flushing) {
      l.synced.wait(lock);
      continue;
    }
    // This appender writes what everyone queued, then syncs once for all of them.
    l.flushing = true;
    std::string data;
    data.swap(l.pending);
    uint64_t upto = l.appended;
    if (l.fd < 0) {
      fs::create_directories(l.dir);
      l.active_path = l.dir + "/active-" + std::to_string(now_us()) + ".jsonl";
      l.fd = ::open(l.active_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      l.bytes = 0;
      l.first_write = std::chrono::steady_clock::now();
    }
    int fd = l.fd;
    lock.unlock();
    std::string error;
    if (fd < 0) {
      error = std::string("cannot open the event log: ") + std::strerror(errno);
    } else {
      size_t done = 0;
      while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          error = std::string("cannot write the event log: ") + std::strerror(errno);
          break;
        }
        done += static_cast<size_t>(n);
      }
      if (error.empty() && ::fdatasync(fd) != 0) {
        error = std::string("cannot sync the event log: ") + std::strerror(errno);
      }
    }
    lock.lock();
    l.flushing = false;
    l.bytes += data.size();
    if (!error.empty()) {
      // What was not written is lost for everyone who queued it: they all get the error.
      l.error = error;
      if (l.fd >= 0) ::close(l.fd);
      l.fd = -1;
    } else {
      l.error.clear();
    }
    l.durable = upto;
    l.synced.notify_all();
    if (!error.empty()) throw std::runtime_error(error);
  }
  if (!l.error.empty()) throw std::runtime_error(l.error);
}

void EventLog::seal_locked(Log& l) {
  if (l.fd < 0 || l.bytes == 0) return;
  ::close(l.fd);
  l.fd = -1;
  std::string name = fs::path(l.active_path).filename().string();
  std::string sealed = l.dir + "/seg-" + name.substr(std::string("active-").size());
  std::error_code ec;
  fs::rename(l.active_path, sealed, ec);
  l.bytes = 0;
}

void EventLog::seal(std::chrono::milliseconds age) {
  std::vector<Log*> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, l] : logs_) all.push_back(l.get());
  }
  auto now = std::chrono::steady_clock::now();
  for (Log* l : all) {
    std::unique_lock lock(l->mutex);
    l->synced.wait(lock, [&] { return !l->flushing; });
    if (l->bytes > 0 && (now - l->first_write >= age || l->bytes >= kSealBytes)) seal_locked(*l);
  }
}

void EventLog::for_each_file(const std::function<void(const fs::path& org, const fs::path& team,
                                                      const fs::path& file)>& visit) {
  std::error_code ec;
  fs::path root = fs::path(data_dir_) / "ducklings";
  if (!fs::exists(root, ec)) return;
  for (const auto& org : fs::directory_iterator(root, ec)) {
    fs::path ingest = org.path() / "tmp" / "ingest";
    if (!fs::is_directory(ingest, ec)) continue;
    for (const auto& team : fs::directory_iterator(ingest, ec)) {
      for (const auto& f : fs::directory_iterator(team.path(), ec))
        visit(org.path(), team.path(), f.path());
    }
  }
}

std::vector<EventLog::Segment> EventLog::sealed() {
  std::vector<Segment> out;
  for_each_file([&](const fs::path& org, const fs::path& team, const fs::path& f) {
    std::string name = f.filename().string();
    if (name.rfind("seg-", 0) != 0) return;
    out.push_back({org.filename().string(), team.filename().string(), f.string(), name});
  });
  std::sort(out.begin(), out.end(),
            [](const Segment& a, const Segment& b) { return a.name < b.name; });
  return out;
}

std::vector<EventLog::Segment> EventLog::quarantined() {
  std::vector<Segment> out;
  for_each_file([&](const fs::path& org, const fs::path& team, const fs::path& f) {
    if (f.filename() != "quarantine") return;
    std::error_code ec;
    for (const auto& q : fs::directory_iterator(f, ec)) {
      std::string name = q.path().filename().string();
      if (name.rfind("seg-", 0) != 0 || name.size() < 6 ||
          name.compare(name.size() - 6, 6, ".jsonl") != 0) {
        continue;
      }
      out.push_back({org.filename().string(), team.filename().string(), q.path().string(), name});
    }
  });
  std::sort(out.begin(), out.end(),
            [](const Segment& a, const Segment& b) { return a.name < b.name; });
  return out;
}

void EventLog::recover() {
  for_each_file([&](const fs::path&, const fs::path& team, const fs::path& f) {
    std::string name = f.filename().string();
    if (name.rfind("active-", 0) != 0) return;
    // Only whole lines were ever acknowledged: cut a torn tail, then seal.
    std::error_code ec;
    std::ifstream in(f, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t keep = data.rfind('\n');
    if (keep == std::string::npos) {
      fs::remove(f, ec);
      return;
    }
    fs::resize_file(f, keep + 1, ec);
    fs::rename(f, team / ("seg-" + name.substr(7)), ec);
  });
}

}  // namespace ducklings::ingest
