// Object storage: one interface over a local directory (the embedded default, zero set-up) and
// S3-compatible services (AWS S3, Cloudflare R2, MinIO, GCS interoperability), used by
// whatever moves files: sources, golden tables, bootstrap, DuckLake. DuckDB's httpfs is not
// available, so the server moves the bytes itself (docs/storage.md).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ducklings::storage {

// Why a storage request failed, as callers act on it.
enum class Failure {
  kNotFound,      // no such object or bucket (404)
  kAccessDenied,  // a bad key or secret, or no permission (401, 403)
  kInvalid,       // the request or its arguments (other 4xx)
  kUnavailable,   // the service failed or could not be reached after the retries (5xx, network)
};

// Every message names the bucket (or directory), the key and the service's error code.
class StorageError : public std::runtime_error {
 public:
  StorageError(Failure failure, std::string code, const std::string& message, int status = 0)
      : std::runtime_error(message), failure_(failure), code_(std::move(code)), status_(status) {}
  Failure failure() const { return failure_; }
  const std::string& code() const { return code_; }  // e.g. NoSuchBucket, SignatureDoesNotMatch
  int status() const { return status_; }             // the HTTP status, 0 for none

 private:
  Failure failure_;
  std::string code_;
  int status_;
};

struct ObjectInfo {
  std::string key;  // relative to the storage's prefix
  uint64_t size = 0;
  std::string etag;           // changes when the object does (local: size and mtime)
  std::string last_modified;  // ISO 8601, UTC
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // in key order
  std::string next;                 // continuation for the next page; empty at the end
};

// Bytes [first, last] of an object (last inclusive, as HTTP ranges are); no last: to the end.
struct ByteRange {
  uint64_t first = 0;
  std::optional<uint64_t> last;
};

// Keys are relative to the storage's root or prefix, '/'-separated; none starts with '/' or
// holds a "." or ".." segment (StorageError kInvalid otherwise).
class Storage {
 public:
  virtual ~Storage() = default;
  // Where it points, for messages: "s3://bucket/prefix" or the directory.
  virtual std::string describe() const = 0;

  virtual std::string get(const std::string& key, std::optional<ByteRange> range = {}) = 0;
  // Streams an object to a local file (written whole, then renamed into place).
  virtual ObjectInfo download(const std::string& key, const std::string& path) = 0;
  virtual ObjectInfo head(const std::string& key) = 0;
  virtual void put(const std::string& key, std::string_view data) = 0;
  // Uploads a local file; large files go in parts (at least 8 MiB each) in parallel, and a
  // failed upload leaves no object.
  virtual void upload(const std::string& key, const std::string& path) = 0;
  // Up to `max_keys` objects under `prefix`, after the continuation `after` of a last page.
  virtual ListPage list(const std::string& prefix, const std::string& after = "",
                        int max_keys = 1000) = 0;
  // Deletes the keys that exist (in batches of at most 1000); missing ones are not an error.
  virtual void remove(const std::vector<std::string>& keys) = 0;
  // Moves a local file in as the object `key` (the file is gone after): a rename where the
  // storage is a directory of the same file system, an upload otherwise.
  virtual void adopt(const std::string& key, const std::string& path);
  // A copy of object `from` as `to`, inside the service where it can (S3 CopyObject, up to
  // 5 GB; a hard link for a directory).
  virtual void copy(const std::string& from, const std::string& to);

  // The file of `key` when the storage is a directory of this machine (readers open it in
  // place); "" for a remote one.
  virtual std::string local_path(const std::string& key) const {
    (void)key;
    return "";
  }

  // Every object under `prefix`, through all pages.
  std::vector<ObjectInfo> list_all(const std::string& prefix);
};

// A directory of the server's file system; created if missing.
std::unique_ptr<Storage> open_local(const std::string& root);

struct S3Options {
  std::string endpoint;  // https://s3.eu-west-1.amazonaws.com, http://127.0.0.1:4569, …
  std::string bucket;
  std::string prefix;  // keys live under it ("" for the bucket's root)
  std::string region = "us-east-1";
  bool virtual_hosted = false;  // bucket.endpoint/key instead of endpoint/bucket/key
  std::string access_key_id, secret_access_key;
  bool verify_tls = true;
  std::string ca_file;               // a CA to trust besides the system's ("" for none)
  int max_attempts = 5;              // tries of one request on 5xx, 429 and timeouts (never on 4xx)
  uint64_t part_size = 16ull << 20;  // multipart part size (at least 8 MiB)
  int parallel_parts = 4;
  // Connects to another address for the endpoint's host ("host:port:address:port", curl's
  // CURLOPT_CONNECT_TO): a private route to a public name.
  std::string connect_to;
  // A fixed X-Amz-Date to sign with (checks against AWS's published examples); "" for now.
  std::string signing_date;
};

std::unique_ptr<Storage> open_s3(const S3Options& options);

}  // namespace ducklings::storage
