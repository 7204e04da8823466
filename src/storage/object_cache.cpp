#include "storage/object_cache.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <thread>

namespace ducklings::storage {
namespace fs = std::filesystem;

ObjectCache::ObjectCache(std::string root, uint64_t max_bytes, std::chrono::seconds lease_lifetime)
    : root_(std::move(root)), max_bytes_(max_bytes), lease_lifetime_(lease_lifetime) {
  std::error_code ec;
  fs::remove_all(root_, ec);
  fs::create_directories(root_);
}

uint64_t ObjectCache::open_lease() {
  std::lock_guard lock(mutex_);
  expire_leases_locked();
  uint64_t id = next_lease_++;
  leases_[id] = std::chrono::steady_clock::now();
  return id;
}

void ObjectCache::close_lease(uint64_t lease) {
  std::lock_guard lock(mutex_);
  leases_.erase(lease);
  for (auto& [path, e] : entries_) e.leases.erase(lease);
  evict_locked();
}

void ObjectCache::expire_leases_locked() {
  // A lease whose statement never said it ended (its worker died) stops pinning in time.
  auto now = std::chrono::steady_clock::now();
  for (auto it = leases_.begin(); it != leases_.end();) {
    if (now - it->second < lease_lifetime_) {
      ++it;
      continue;
    }
    for (auto& [path, e] : entries_) e.leases.erase(it->first);
    it = leases_.erase(it);
  }
}

uint64_t ObjectCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

uint64_t ObjectCache::downloads() const {
  std::lock_guard lock(mutex_);
  return downloads_;
}

uint64_t ObjectCache::downloaded_bytes() const {
  std::lock_guard lock(mutex_);
  return downloaded_bytes_;
}

uint64_t ObjectCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::vector<std::string> ObjectCache::fetch(Storage& storage, const std::string& storage_name,
                                            const std::vector<ObjectInfo>& objects,
                                            uint64_t lease, int parallel) {
  std::vector<std::string> paths(objects.size());
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (size_t i = next++; i < objects.size(); i = next++) {
      try {
        paths[i] = fetch_one(storage, storage_name, objects[i], lease);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = objects.size();  // the others stop at their next object
      }
    }
  };
  size_t threads = std::min<size_t>(std::max(parallel, 1), objects.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return paths;
}

std::string ObjectCache::fetch_one(Storage& storage, const std::string& storage_name,
                                   const ObjectInfo& object, uint64_t lease) {
  // Keys hold no "." or ".." segment (storage::check_key), so the copy stays under root_.
  std::string path = root_ + "/" + storage_name + "/" + object.key;
  std::unique_lock lock(mutex_);
  while (true) {
    auto it = entries_.find(path);
    if (it == entries_.end()) break;
    Entry& e = it->second;
    if (!e.ready) {  // another statement downloads it: wait for its copy
      changed_.wait(lock);
      continue;
    }
    std::error_code missing;
    if (e.etag == object.etag && !object.etag.empty() && fs::exists(path, missing)) {
      e.last_used = ++clock_;
      e.leases.insert(lease);
      ++hits_;
      return path;
    }
    bytes_ -= e.size;  // changed since: download again, in place
    entries_.erase(it);
    break;
  }
  Entry& e = entries_[path];
  e.ready = false;
  lock.unlock();
  ObjectInfo got;
  try {
    fs::create_directories(fs::path(path).parent_path());
    got = storage.download(object.key, path);
  } catch (...) {
    lock.lock();
    entries_.erase(path);
    changed_.notify_all();
    throw;
  }
  lock.lock();
  Entry& done = entries_[path];
  done.ready = true;
  // The ETag of what was read (the object may have changed since it was listed).
  done.etag = got.etag.empty() ? object.etag : got.etag;
  std::error_code ec;
  done.size = fs::file_size(path, ec);
  done.last_used = ++clock_;
  done.leases.insert(lease);
  bytes_ += done.size;
  ++downloads_;
  downloaded_bytes_ += done.size;
  evict_locked();
  changed_.notify_all();
  return path;
}

void ObjectCache::evict_locked() {
  while (bytes_ > max_bytes_) {
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      const Entry& e = it->second;
      if (!e.ready || !e.leases.empty()) continue;
      if (victim == entries_.end() || e.last_used < victim->second.last_used) victim = it;
    }
    if (victim == entries_.end()) return;  // every copy is in use: over the size until they end
    std::error_code ec;
    fs::remove(victim->first, ec);
    bytes_ -= victim->second.size;
    entries_.erase(victim);
  }
}

bool has_glob(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

bool match_from(const std::vector<std::string>& p, size_t i, const std::vector<std::string>& k,
                size_t j) {
  if (i == p.size()) return j == k.size();
  if (p[i] == "**") {
    for (size_t skip = j; skip <= k.size(); ++skip) {
      if (match_from(p, i + 1, k, skip)) return true;
    }
    return false;
  }
  if (j == k.size()) return false;
  if (::fnmatch(p[i].c_str(), k[j].c_str(), 0) != 0) return false;
  return match_from(p, i + 1, k, j + 1);
}

}  // namespace

bool key_matches(const std::string& pattern, const std::string& key) {
  return match_from(segments(pattern), 0, segments(key), 0);
}

std::vector<ObjectInfo> match_objects(Storage& storage, const std::string& pattern) {
  if (!has_glob(pattern)) return {storage.head(pattern)};
  // List from the segments before the first with a glob character.
  size_t glob = pattern.find_first_of("*?[");
  size_t slash = pattern.rfind('/', glob);
  std::string prefix = slash == std::string::npos ? "" : pattern.substr(0, slash + 1);
  std::vector<ObjectInfo> out;
  for (ObjectInfo& o : storage.list_all(prefix)) {
    if (key_matches(pattern, o.key)) out.push_back(std::move(o));
  }
  if (out.empty()) {
    throw StorageError(Failure::kNotFound, "NoMatch",
                       storage.describe() + ": no object matches \"" + pattern + "\"");
  }
  return out;
}

}  // namespace ducklings::storage
