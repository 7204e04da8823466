#include "control/storage_access.h"

#include <filesystem>

#include "common/errors.h"

namespace ducklings::control {
namespace fs = std::filesystem;

std::optional<StorageUrl> parse_storage_url(const std::string& url) {
  static const std::string scheme = "s3://";
  if (url.compare(0, scheme.size(), scheme) != 0) return std::nullopt;
  size_t slash = url.find('/', scheme.size());
  StorageUrl u;
  u.storage = url.substr(scheme.size(), slash == std::string::npos ? std::string::npos
                                                                   : slash - scheme.size());
  if (slash != std::string::npos) u.path = url.substr(slash + 1);
  return u;
}

namespace {

[[noreturn]] void rethrow_storage_error(const storage::StorageError& e) {
  // A missing object and a key that would leave the storage are the client's to fix; the rest
  // is the service's (or its credentials').
  if (e.code() == "InvalidKey") throw SqlError("22023", e.what());
  throw SqlError(e.failure() == storage::Failure::kNotFound ? "58P01" : "58030", e.what());
}

}  // namespace

StorageAccess::StorageAccess(ControlPlane& control, std::string data_dir, uint64_t cache_bytes)
    : control_(control), data_dir_(std::move(data_dir)), cache_bytes_(cache_bytes) {}

storage::ObjectCache& StorageAccess::cache(const std::string& org) {
  std::lock_guard lock(mutex_);
  auto& c = caches_[org];
  if (!c) {
    c = std::make_unique<storage::ObjectCache>(data_dir_ + "/ducklings/" + org + "/storage_cache",
                                               cache_bytes_);
  }
  return *c;
}

std::unique_ptr<storage::Storage> StorageAccess::open(const StorageCaller& caller,
                                                      const StorageUrl& url, bool write) {
  bool known = false;
  try {
    control_.get_storage(caller.org, url.storage);
    known = true;
  } catch (const RefusedError&) {
  }
  // Another organization's storage is as unknown as one that does not exist.
  if (!known) {
    throw SqlError("42704", "storage \"" + url.storage + "\" does not exist", 0, "",
                   "s3://<storage>/<path> names one of the organization's storages "
                   "(GET /api/v1/orgs/{org}/storages lists them).");
  }
  if (!caller.owner) {
    std::string held = control_.storage_privilege(caller.org, url.storage, caller.roles);
    if (held.empty() || (write && held != "write")) {
      throw SqlError("42501",
                     std::string("permission denied to ") + (write ? "write to" : "read from") +
                         " storage \"" + url.storage + "\"",
                     0, "",
                     "An administrator grants it: POST /api/v1/orgs/{org}/storages/" +
                         url.storage + "/grants {\"role\": …, \"privilege\": \"" +
                         (write ? "write" : "read") + "\"}.");
    }
  }
  return control_.open_storage(caller.org, url.storage);
}

StorageAccess::Staged StorageAccess::stage(const StorageCaller& caller,
                                           const std::vector<std::string>& urls) {
  std::vector<std::pair<StorageUrl, std::unique_ptr<storage::Storage>>> opened;
  for (const std::string& u : urls) {
    std::optional<StorageUrl> url = parse_storage_url(u);
    if (!url || url->storage.empty() || url->path.empty()) {
      throw SqlError("22023", "\"" + u + "\" is not an s3://<storage>/<path> URL");
    }
    auto s = open(caller, *url, false);
    opened.emplace_back(std::move(*url), std::move(s));
  }
  storage::ObjectCache& c = cache(caller.org);
  Staged staged;
  staged.lease = c.open_lease();
  try {
    for (auto& [url, s] : opened) {
      std::vector<storage::ObjectInfo> objects = storage::match_objects(*s, url.path);
      std::vector<std::string> files;
      if (!s->local_path(objects.front().key).empty()) {
        for (const auto& o : objects) files.push_back(s->local_path(o.key));  // read in place
      } else {
        files = c.fetch(*s, url.storage, objects, staged.lease);
      }
      staged.files.push_back(std::move(files));
    }
  } catch (const storage::StorageError& e) {
    c.close_lease(staged.lease);
    rethrow_storage_error(e);
  } catch (...) {
    c.close_lease(staged.lease);
    throw;
  }
  return staged;
}

std::vector<storage::ObjectInfo> StorageAccess::objects(const StorageCaller& caller,
                                                        const std::string& url_text) {
  std::optional<StorageUrl> url = parse_storage_url(url_text);
  if (!url || url->storage.empty()) {
    throw SqlError("22023", "\"" + url_text + "\" is not an s3://<storage>/<path> URL");
  }
  auto s = open(caller, *url, false);
  try {
    if (storage::has_glob(url->path)) return storage::match_objects(*s, url->path);
    if (!url->path.empty() && url->path.back() != '/') {
      try {
        return {s->head(url->path)};
      } catch (const storage::StorageError& e) {
        if (e.failure() != storage::Failure::kNotFound) throw;
        return s->list_all(url->path + "/");
      }
    }
    return s->list_all(url->path);
  } catch (const storage::StorageError& e) {
    rethrow_storage_error(e);
  }
}

std::vector<std::pair<std::string, uint64_t>> StorageAccess::list(const StorageCaller& caller,
                                                                  const std::string& url_text) {
  std::string storage = parse_storage_url(url_text).value_or(StorageUrl{}).storage;
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& o : objects(caller, url_text)) out.emplace_back("s3://" + storage + "/" + o.key, o.size);
  return out;
}

std::map<std::string, StorageAccess::Stats> StorageAccess::stats() {
  std::lock_guard lock(mutex_);
  std::map<std::string, Stats> out;
  for (const auto& [org, c] : caches_) {
    Stats& s = out[org];
    s.cache_bytes = c->bytes();
    s.downloads = c->downloads();
    s.downloaded_bytes = c->downloaded_bytes();
    s.hits = c->hits();
  }
  for (const auto& [org, up] : uploaded_) {
    out[org].uploads = up.first;
    out[org].uploaded_bytes = up.second;
  }
  return out;
}

void StorageAccess::release(const std::string& org, uint64_t lease) { cache(org).close_lease(lease); }

size_t StorageAccess::publish(const StorageCaller& caller, const std::string& local,
                              const std::string& url_text) {
  std::optional<StorageUrl> url = parse_storage_url(url_text);
  if (!url || url->storage.empty() || url->path.empty()) {
    throw SqlError("22023", "\"" + url_text + "\" is not an s3://<storage>/<path> URL");
  }
  // Only what the duckling's statements wrote: its tmp/ folder.
  std::string tmp = fs::path(data_dir_ + "/ducklings/" + caller.org + "/tmp/").lexically_normal();
  if (fs::path(local).lexically_normal().string().rfind(tmp, 0) != 0) {
    throw SqlError("42501", "permission denied: only files of the duckling's tmp/ are uploaded");
  }
  auto s = open(caller, *url, true);
  try {
    std::error_code ec;
    auto count = [&](uint64_t bytes) {
      std::lock_guard lock(mutex_);
      auto& up = uploaded_[caller.org];
      ++up.first;
      up.second += bytes;
    };
    if (!fs::is_directory(local, ec)) {
      s->upload(url->path, local);
      count(fs::file_size(local, ec));
      return 1;
    }
    // COPY wrote a directory (PARTITION_BY, PER_THREAD_OUTPUT, FILE_SIZE_BYTES): its files
    // go below the URL's path, as they lie.
    std::string base = url->path.back() == '/' ? url->path : url->path + "/";
    size_t n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(local)) {
      if (!entry.is_regular_file()) continue;
      s->upload(base + fs::relative(entry.path(), local).generic_string(), entry.path().string());
      count(entry.file_size());
      ++n;
    }
    return n;
  } catch (const storage::StorageError& e) {
    rethrow_storage_error(e);
  }
}

}  // namespace ducklings::control
