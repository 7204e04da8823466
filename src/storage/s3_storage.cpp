// S3-compatible object storage over libcurl. Requests are signed by libcurl's own AWS
// Signature Version 4 (CURLOPT_AWS_SIGV4) with the payload's SHA-256 in x-amz-content-sha256
// (UNSIGNED-PAYLOAD for a file streamed from disk, which saves a pass over it); 5xx, 429 and
// transport failures are retried with exponential backoff and full jitter, 4xx never; large
// uploads go in parts, in parallel, and are aborted when a part fails.
#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "common/digest.h"
#include "storage/storage.h"
#include "common/url.h"
#include "storage/storage_internal.h"

namespace ducklings::storage {
namespace {

constexpr uint64_t kMinPartSize = 8ull << 20;
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string md5_base64(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(md), n));
}

void curl_global() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Response {
  long status = 0;
  std::string body;                            // the answer, or the error document of a download
  std::map<std::string, std::string> headers;  // lower-case names
};

// A request body streamed from a range of a file.
struct FileBody {
  std::string path;
  uint64_t offset = 0, length = 0;
};

struct Request {
  std::string method = "GET";
  std::string key;    // under the prefix; "" for the bucket itself
  std::string query;  // canonical: sorted, encoded, without '?'
  std::vector<std::string> headers;
  std::string_view body;                     // in memory (its SHA-256 is signed)
  const FileBody* file_body = nullptr;       // or streamed (UNSIGNED-PAYLOAD)
  const std::string* download_to = nullptr;  // the answer's bytes go to this file
};

class S3Storage : public Storage {
 public:
  explicit S3Storage(S3Options o) : o_(std::move(o)) {
    curl_global();
    while (!o_.endpoint.empty() && o_.endpoint.back() == '/') o_.endpoint.pop_back();
    if (o_.endpoint.empty()) o_.endpoint = "https://s3." + o_.region + ".amazonaws.com";
    if (o_.bucket.empty()) invalid("", "a bucket is required");
    while (!o_.prefix.empty() && o_.prefix.front() == '/') o_.prefix.erase(0, 1);
    if (!o_.prefix.empty() && o_.prefix.back() != '/') o_.prefix += '/';
    o_.part_size = std::max(o_.part_size, kMinPartSize);
    o_.parallel_parts = std::max(o_.parallel_parts, 1);
    o_.max_attempts = std::max(o_.max_attempts, 1);
    sigv4_ = "aws:amz:" + o_.region + ":s3";
  }
  ~S3Storage() override {
    for (CURL* c : idle_) curl_easy_cleanup(c);
  }

  std::string describe() const override {
    return "s3://" + o_.bucket +
           (o_.prefix.empty() ? "" : "/" + o_.prefix.substr(0, o_.prefix.size() - 1));
  }

  std::string get(const std::string& key, std::optional<ByteRange> range) override {
    check_key(key, describe());
    Request r;
    r.key = key;
    if (range) {
      r.headers.push_back("Range: bytes=" + std::to_string(range->first) + "-" +
                          (range->last ? std::to_string(*range->last) : ""));
    }
    return perform(r).body;
  }

  ObjectInfo download(const std::string& key, const std::string& path) override {
    check_key(key, describe());
    std::string part = path + ".part";
    Request r;
    r.key = key;
    r.download_to = &part;
    Response resp = perform(r);
    std::error_code ec;
    std::filesystem::rename(part, path, ec);
    if (ec) {
      std::filesystem::remove(part, ec);
      throw StorageError(Failure::kUnavailable, "IOError",
                         describe() + ": " + key + ": cannot write " + path);
    }
    return info_of(key, resp);
  }

  ObjectInfo head(const std::string& key) override {
    check_key(key, describe());
    Request r;
    r.method = "HEAD";
    r.key = key;
    return info_of(key, perform(r));
  }

  void put(const std::string& key, std::string_view data) override {
    check_key(key, describe());
    Request r;
    r.method = "PUT";
    r.key = key;
    r.body = data;
    perform(r);
  }

  void copy(const std::string& from, const std::string& to) override {
    check_key(from, describe());
    check_key(to, describe());
    Request r;
    r.method = "PUT";
    r.key = to;
    // '=' (hive partition folders) stays as it is: services decode the header as a URI, and
    // some (s3rver) leave an encoded '=' encoded.
    std::string source = url_encode(o_.prefix + from, true);
    for (size_t at = source.find("%3D"); at != std::string::npos; at = source.find("%3D", at))
      source.replace(at, 3, "=");
    r.headers.push_back("x-amz-copy-source: /" + url_encode(o_.bucket, false) + "/" + source);
    Response resp = perform(r);
    // A copy can fail after its 200 has been sent: the error is then the body.
    if (resp.body.find("<Error>") != std::string::npos) {
      throw StorageError(Failure::kUnavailable, "CopyFailed",
                         describe() + ": copy of " + from + " to " + to + " failed: " + resp.body);
    }
  }

  void upload(const std::string& key, const std::string& path) override {
    check_key(key, describe());
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) invalid(key, "cannot read " + path + " (" + ec.message() + ")");
    if (size <= o_.part_size) {
      FileBody body{path, 0, size};
      Request r;
      r.method = "PUT";
      r.key = key;
      r.file_body = &body;
      perform(r);
      return;
    }
    upload_parts(key, path, size);
  }

  ListPage list(const std::string& prefix, const std::string& after, int max_keys) override {
    // Query parameters in code point order, as the signature's canonical request wants them.
    Request r;
    r.query = (after.empty() ? "" : "continuation-token=" + url_encode(after, false) + "&") +
              "list-type=2&max-keys=" + std::to_string(std::clamp(max_keys, 1, 1000)) +
              "&prefix=" + url_encode(o_.prefix + prefix, false);
    Response resp = perform(r);
    ListPage page;
    for (std::string_view c : xml_elements(resp.body, "Contents")) {
      ObjectInfo o;
      o.key = xml_text(c, "Key");
      if (o.key.rfind(o_.prefix, 0) == 0) o.key.erase(0, o_.prefix.size());
      std::string size = xml_text(c, "Size");
      o.size = size.empty() ? 0 : std::stoull(size);
      o.etag = unquote(xml_text(c, "ETag"));
      o.last_modified = xml_text(c, "LastModified");
      page.objects.push_back(std::move(o));
    }
    if (xml_text(resp.body, "IsTruncated") == "true") {
      page.next = xml_text(resp.body, "NextContinuationToken");
    }
    return page;
  }

  void remove(const std::vector<std::string>& keys) override {
    for (size_t at = 0; at < keys.size(); at += 1000) {
      std::string xml = "<Delete><Quiet>true</Quiet>";
      for (size_t i = at; i < std::min(keys.size(), at + 1000); ++i) {
        check_key(keys[i], describe());
        xml += "<Object><Key>" + xml_escape(o_.prefix + keys[i]) + "</Key></Object>";
      }
      xml += "</Delete>";
      Request r;
      r.method = "POST";
      r.query = "delete=";
      r.body = xml;
      r.headers.push_back("Content-MD5: " + md5_base64(xml));  // the service requires it
      r.headers.push_back("Content-Type: application/xml");
      Response resp = perform(r);
      auto errors = xml_elements(resp.body, "Error");
      if (!errors.empty()) {
        std::string key = xml_text(errors[0], "Key"), code = xml_text(errors[0], "Code");
        throw StorageError(failure_of(code, 0), code,
                           describe() + ": " + key + ": delete failed: " + code + ": " +
                               xml_text(errors[0], "Message"));
      }
    }
  }

 private:
  void upload_parts(const std::string& key, const std::string& path, uint64_t size) {
    Request create;
    create.method = "POST";
    create.key = key;
    create.query = "uploads=";
    std::string upload_id = xml_text(perform(create).body, "UploadId");
    if (upload_id.empty()) {
      throw StorageError(Failure::kUnavailable, "InvalidResponse",
                         describe() + ": " + key + ": the service started no multipart upload");
    }
    size_t parts = static_cast<size_t>((size + o_.part_size - 1) / o_.part_size);
    std::vector<std::string> etags(parts);
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::exception_ptr error;
    auto worker = [&] {
      while (!failed) {
        size_t i = next.fetch_add(1);
        if (i >= parts) return;
        try {
          FileBody body{path, i * o_.part_size, std::min(o_.part_size, size - i * o_.part_size)};
          Request r;
          r.method = "PUT";
          r.key = key;
          r.query =
              "partNumber=" + std::to_string(i + 1) + "&uploadId=" + url_encode(upload_id, false);
          r.file_body = &body;
          etags[i] = perform(r).headers["etag"];
          if (etags[i].empty()) {
            throw StorageError(Failure::kUnavailable, "InvalidResponse",
                               describe() + ": " + key + ": part " + std::to_string(i + 1) +
                                   " came back without an ETag");
          }
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
          failed = true;
        }
      }
    };
    std::vector<std::thread> threads;
    size_t n = std::min<size_t>(parts, static_cast<size_t>(o_.parallel_parts));
    for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    std::string query = "uploadId=" + url_encode(upload_id, false);
    if (!failed) {
      std::string xml = "<CompleteMultipartUpload>";
      for (size_t i = 0; i < parts; ++i) {
        xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
               xml_escape(etags[i]) + "</ETag></Part>";
      }
      xml += "</CompleteMultipartUpload>";
      Request complete;
      complete.method = "POST";
      complete.key = key;
      complete.query = query;
      complete.body = xml;
      complete.headers.push_back("Content-Type: application/xml");
      try {
        Response resp = perform(complete);
        // The service may answer 200 and still fail (an error document in the body).
        if (resp.body.find("<Error>") != std::string::npos) raise(key, 500, resp.body);
        return;
      } catch (...) {
        error = std::current_exception();
      }
    }
    Request abort;
    abort.method = "DELETE";
    abort.key = key;
    abort.query = query;
    try {
      perform(abort);  // no parts are left behind (nor billed)
    } catch (const StorageError&) {
    }
    std::rethrow_exception(error);
  }

  std::string url_of(const Request& r) const {
    std::string path = r.key.empty() ? "" : url_encode(o_.prefix + r.key, true);
    std::string url;
    if (o_.virtual_hosted) {
      size_t scheme = o_.endpoint.find("://");
      size_t host = scheme == std::string::npos ? 0 : scheme + 3;
      url = o_.endpoint.substr(0, host) + o_.bucket + "." + o_.endpoint.substr(host) + "/" + path;
    } else {
      url = o_.endpoint + "/" + url_encode(o_.bucket, false) + (path.empty() ? "" : "/" + path);
    }
    if (!r.query.empty()) url += "?" + r.query;
    return url;
  }

  CURL* handle() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CURL* c = idle_.back();
        idle_.pop_back();
        curl_easy_reset(c);  // keeps its connections
        return c;
      }
    }
    return curl_easy_init();
  }
  void release(CURL* c) {
    std::lock_guard lock(mutex_);
    idle_.push_back(c);
  }

  struct Transfer {
    Response* response;
    FILE* out = nullptr;
    FILE* in = nullptr;
    uint64_t remaining = 0;
  };

  static size_t on_write(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t bytes = size * n;
    // An error document goes to the body, never into the downloaded file.
    if (t->out && t->response->headers.count(":ok")) {
      return std::fwrite(data, 1, bytes, t->out);
    }
    t->response->body.append(data, bytes);
    return bytes;
  }

  static size_t on_read(char* buffer, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t want = static_cast<size_t>(std::min<uint64_t>(size * n, t->remaining));
    size_t got = want ? std::fread(buffer, 1, want, t->in) : 0;
    t->remaining -= got;
    return got;
  }

  static size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
      t->response->headers.clear();  // a new response (after 100 Continue, or a redirect)
      size_t sp = line.find(' ');
      long status = sp == std::string::npos ? 0 : std::strtol(line.c_str() + sp + 1, nullptr, 10);
      if (status >= 200 && status < 300) t->response->headers[":ok"] = "1";
      return size * n;
    }
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      while (!value.empty() &&
             (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.pop_back();
      t->response->headers[name] = value;
    }
    return size * n;
  }

  // One try; false (with `why` set) when it may be retried.
  bool attempt(const Request& r, Response& resp, std::string& why) {
    resp = Response();
    Transfer t{&resp};
    struct Files {
      FILE* in = nullptr;
      FILE* out = nullptr;
      ~Files() {
        if (in) std::fclose(in);
        if (out) std::fclose(out);
      }
    } files;
    if (r.file_body) {
      files.in = std::fopen(r.file_body->path.c_str(), "rb");
      if (!files.in ||
          std::fseek(files.in, static_cast<long>(r.file_body->offset), SEEK_SET) != 0) {
        invalid(r.key, "cannot read " + r.file_body->path);
      }
      t.in = files.in;
      t.remaining = r.file_body->length;
    }
    if (r.download_to) {
      files.out = std::fopen(r.download_to->c_str(), "wb");
      if (!files.out) invalid(r.key, "cannot write " + *r.download_to);
      t.out = files.out;
    }
    CURL* c = handle();
    struct Release {
      S3Storage* s;
      CURL* c;
      ~Release() { s->release(c); }
    } release{this, c};
    curl_slist* headers = nullptr;
    std::string payload = r.file_body      ? "UNSIGNED-PAYLOAD"
                          : r.body.empty() ? std::string(kEmptySha256)
                                           : sha256_hex(r.body);
    headers = curl_slist_append(headers, ("x-amz-content-sha256: " + payload).c_str());
    if (!o_.signing_date.empty()) {
      headers = curl_slist_append(headers, ("x-amz-date: " + o_.signing_date).c_str());
    }
    for (const auto& h : r.headers) headers = curl_slist_append(headers, h.c_str());
    if (r.method == "PUT" || r.method == "POST") {
      headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
      bool xml = std::any_of(r.headers.begin(), r.headers.end(),
                             [](const std::string& h) { return h.rfind("Content-Type:", 0) == 0; });
      if (!xml) headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    }
    struct Headers {
      curl_slist* list;
      ~Headers() { curl_slist_free_all(list); }
    } free_headers{headers};
    std::string url = url_of(r);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4_.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, o_.access_key_id.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, o_.secret_access_key.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_slist* connect_to = nullptr;
    if (!o_.connect_to.empty()) {
      connect_to = curl_slist_append(nullptr, o_.connect_to.c_str());
      curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
    }
    struct ConnectTo {
      curl_slist* list;
      ~ConnectTo() { curl_slist_free_all(list); }
    } free_connect_to{connect_to};
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled transfer is a timeout
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o_.verify_tls ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o_.verify_tls ? 2L : 0L);
    if (!o_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &S3Storage::on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &S3Storage::on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    if (r.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (r.file_body) {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);  // PUT, streamed
      curl_easy_setopt(c, CURLOPT_READFUNCTION, &S3Storage::on_read);
      curl_easy_setopt(c, CURLOPT_READDATA, &t);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.file_body->length));
    } else if (r.method == "PUT" || r.method == "POST") {
      // In memory: libcurl signs the payload's hash as it sends it.
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
      if (r.method == "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    } else if (r.method != "GET") {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      why = curl_easy_strerror(rc);
      bool transient = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                       rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
                       rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE ||
                       rc == CURLE_COULDNT_RESOLVE_HOST;
      if (!transient) {
        throw StorageError(Failure::kUnavailable, "NetworkError",
                           describe() + (r.key.empty() ? "" : ": " + r.key) + ": " + why);
      }
      return false;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    resp.headers.erase(":ok");
    if (resp.status >= 500 || resp.status == 429) {
      why = "HTTP " + std::to_string(resp.status);
      return false;
    }
    if (resp.status >= 300) raise(r.key, resp.status, resp.body);
    return true;
  }

  Response perform(const Request& r) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    Response resp;
    std::string why;
    for (int i = 0; i < o_.max_attempts; ++i) {
      if (i > 0) {
        // Full jitter: a random wait up to 100 ms × 2^attempt, at most 5 s.
        int64_t cap = std::min<int64_t>(5000, 100ll << std::min(i, 10));
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(cap / 4, cap)(rng)));
      }
      if (attempt(r, resp, why)) return resp;
    }
    if (resp.status >= 500 || resp.status == 429) raise(r.key, resp.status, resp.body);
    throw StorageError(Failure::kUnavailable, "NetworkError",
                       describe() + (r.key.empty() ? "" : ": " + r.key) + ": " + why + " (after " +
                           std::to_string(o_.max_attempts) + " tries)");
  }

  static Failure failure_of(const std::string& code, long status) {
    if (status == 404 || code == "NoSuchKey" || code == "NoSuchBucket" || code == "NotFound")
      return Failure::kNotFound;
    if (status == 401 || status == 403 || code == "AccessDenied" ||
        code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId")
      return Failure::kAccessDenied;
    if (status >= 500 || status == 429) return Failure::kUnavailable;
    return Failure::kInvalid;
  }

  // The service's error: its code and message, with the bucket and the key.
  [[noreturn]] void raise(const std::string& key, long status, const std::string& body) const {
    std::string code = xml_text(body, "Code"), message = xml_text(body, "Message");
    if (code.empty()) {
      code = status == 404   ? (key.empty() ? "NoSuchBucket" : "NoSuchKey")
             : status == 403 ? "AccessDenied"
             : status == 416 ? "InvalidRange"
                             : "HTTP" + std::to_string(status);
    }
    throw StorageError(failure_of(code, status), code,
                       describe() + (key.empty() ? "" : ": " + key) + ": " + code + " (HTTP " +
                           std::to_string(status) + ")" + (message.empty() ? "" : ": " + message),
                       static_cast<int>(status));
  }

  [[noreturn]] void invalid(const std::string& key, const std::string& what) const {
    throw StorageError(Failure::kInvalid, "InvalidRequest",
                       describe() + (key.empty() ? "" : ": " + key) + ": " + what);
  }

  static std::string unquote(std::string s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return s;
  }

  ObjectInfo info_of(const std::string& key, Response resp) const {
    ObjectInfo o;
    o.key = key;
    auto length = resp.headers.find("content-length");
    o.size = length == resp.headers.end() ? 0 : std::stoull(length->second);
    o.etag = unquote(resp.headers["etag"]);
    o.last_modified = resp.headers["last-modified"];
    return o;
  }

  S3Options o_;
  std::string sigv4_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;  // easy handles between requests (their connections stay open)
};

}  // namespace

std::unique_ptr<Storage> open_s3(const S3Options& options) {
  return std::make_unique<S3Storage>(options);
}

}  // namespace ducklings::storage
