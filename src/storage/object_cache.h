// A bounded local copy of objects, for readers that open files by path (DuckDB's
// read_parquet, read_csv, read_json: the C API cannot give DuckDB a file system). Each object
// is downloaded once and used again while its ETag is unchanged; the least recently used
// copies go when the cache passes its size. Copies a running statement reads are pinned by
// its lease until it ends (or the lease expires).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "storage/storage.h"

namespace ducklings::storage {

class ObjectCache {
 public:
  // `root` is emptied: copies a previous run left are not trusted (their ETags are unknown).
  ObjectCache(std::string root, uint64_t max_bytes,
              std::chrono::seconds lease_lifetime = std::chrono::hours(6));

  uint64_t open_lease();
  void close_lease(uint64_t lease);

  // The local copy of `object` of `storage` (called `storage_name`): downloaded unless the
  // copy has the object's ETag, then pinned for `lease`. Several objects download in
  // parallel (up to `parallel` at once); the paths come back in the objects' order.
  std::vector<std::string> fetch(Storage& storage, const std::string& storage_name,
                                 const std::vector<ObjectInfo>& objects, uint64_t lease,
                                 int parallel = 8);

  const std::string& root() const { return root_; }
  uint64_t bytes() const;
  uint64_t downloads() const;  // objects downloaded since start (a hit downloads none)
  uint64_t downloaded_bytes() const;
  uint64_t hits() const;  // objects found with their ETag

 private:
  struct Entry {
    std::string etag;
    uint64_t size = 0;
    uint64_t last_used = 0;
    bool ready = false;  // false while it downloads
    std::set<uint64_t> leases;
  };
  std::string fetch_one(Storage& storage, const std::string& storage_name,
                        const ObjectInfo& object, uint64_t lease);
  void evict_locked();
  void expire_leases_locked();

  std::string root_;
  uint64_t max_bytes_;
  std::chrono::seconds lease_lifetime_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;  // by local path
  std::map<uint64_t, std::chrono::steady_clock::time_point> leases_;
  uint64_t next_lease_ = 1;
  uint64_t clock_ = 0;
  uint64_t bytes_ = 0;
  uint64_t downloads_ = 0;
  uint64_t downloaded_bytes_ = 0;
  uint64_t hits_ = 0;
};

// Whether `key` matches `pattern` as DuckDB's globs do: `*`, `?` and `[…]` within one
// '/'-separated segment, `**` for any number of segments.
bool key_matches(const std::string& pattern, const std::string& key);
// Whether `pattern` holds a glob character at all.
bool has_glob(const std::string& pattern);
// The objects a path or glob names: every match in key order, or the one object (a HEAD).
// StorageError kNotFound when nothing matches.
std::vector<ObjectInfo> match_objects(Storage& storage, const std::string& pattern);

}  // namespace ducklings::storage
