// SQL's way to an organization's storages (s3://<storage>/<path or glob>). The server moves the
// bytes and holds the secrets; DuckDB, which cannot be given a file system through its C API,
// sees local files: the objects a statement reads are copied into its duckling's cache
// (storage::ObjectCache; a local storage's files are read in place), and the files a
// COPY … TO wrote are uploaded.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "control/control_plane.h"
#include "storage/object_cache.h"

namespace ducklings::control {

// Who asks: the duckling (its organization) and the roles its SQL runs as.
struct StorageCaller {
  std::string org;
  bool owner = false;              // the duckling's owners reach every storage of theirs
  std::vector<std::string> roles;  // otherwise: the user, PUBLIC and the roles it belongs to
};

// s3://<storage>/<path>, split; nullopt for anything else.
struct StorageUrl {
  std::string storage, path;
};
std::optional<StorageUrl> parse_storage_url(const std::string& url);

class StorageAccess {
 public:
  StorageAccess(ControlPlane& control, std::string data_dir, uint64_t cache_bytes);

  struct Staged {
    uint64_t lease = 0;
    std::vector<std::vector<std::string>> files;  // per URL, its objects' files in key order
  };
  // The local files of each URL's objects, pinned until release(lease). Throws SqlError:
  // 42501 without a grant, 42704 for no such storage, 58P01 when nothing matches, 58030 when
  // the service fails.
  Staged stage(const StorageCaller& caller, const std::vector<std::string>& urls);
  void release(const std::string& org, uint64_t lease);
  // The objects a URL names (a glob's matches, a key, or every object under a prefix: path/
  // or a path that is no object) as s3:// URLs with their sizes, in key order.
  std::vector<std::pair<std::string, uint64_t>> list(const StorageCaller& caller,
                                                     const std::string& url);
  // The same objects with their ETags (keys relative to the storage).
  std::vector<storage::ObjectInfo> objects(const StorageCaller& caller, const std::string& url);
  // Uploads a file to the URL, or every file under a directory to keys below it; returns the
  // objects written. Needs the write grant.
  size_t publish(const StorageCaller& caller, const std::string& local, const std::string& url);

  // What SQL moved, per organization, for the server's metrics.
  struct Stats {
    uint64_t cache_bytes = 0, downloads = 0, downloaded_bytes = 0, hits = 0;
    uint64_t uploads = 0, uploaded_bytes = 0;
  };
  std::map<std::string, Stats> stats();

  // The cache of `org`'s duckling (made on first use).
  storage::ObjectCache& cache(const std::string& org);

 private:
  // The storage the URL names, once the caller may use it so (42501/42704 otherwise).
  std::unique_ptr<storage::Storage> open(const StorageCaller& caller, const StorageUrl& url,
                                         bool write);

  ControlPlane& control_;
  std::string data_dir_;
  uint64_t cache_bytes_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<storage::ObjectCache>> caches_;
  std::map<std::string, std::pair<uint64_t, uint64_t>> uploaded_;  // org → objects, bytes
};

}  // namespace ducklings::control
