// A directory as object storage: keys are relative paths, writes land whole (a temporary file
// renamed into place), listings walk the tree in key order.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "storage/storage.h"
#include "storage/storage_internal.h"

namespace ducklings::storage {
namespace {

namespace fs = std::filesystem;

// A write in progress: the object appears (renamed) only once it is whole.
constexpr std::string_view kPartial = ".duckgres-partial";

class LocalStorage : public Storage {
 public:
  explicit LocalStorage(fs::path root) : root_(std::move(root)) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) fail(Failure::kUnavailable, "", "cannot create the directory", ec);
  }

  std::string describe() const override { return root_.string(); }
  std::string local_path(const std::string& key) const override { return path_of(key).string(); }

  std::string get(const std::string& key, std::optional<ByteRange> range) override {
    fs::path p = path_of(key);
    std::ifstream in(p, std::ios::binary);
    if (!in) missing(key);
    in.seekg(0, std::ios::end);
    uint64_t size = static_cast<uint64_t>(in.tellg());
    uint64_t first = range ? range->first : 0;
    uint64_t last = range && range->last ? std::min(*range->last, size - 1) : size - 1;
    if (size == 0 || first > last) {
      if (range && first >= size && size > 0) {
        throw StorageError(Failure::kInvalid, "InvalidRange",
                           describe() + ": " + key + ": the range starts past the object's end",
                           416);
      }
      return "";
    }
    std::string out(last - first + 1, '\0');
    in.seekg(static_cast<std::streamoff>(first));
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    if (!in) fail(Failure::kUnavailable, key, "read failed", {});
    return out;
  }

  ObjectInfo download(const std::string& key, const std::string& path) override {
    fs::path from = path_of(key);
    std::error_code ec;
    if (!fs::is_regular_file(from, ec)) missing(key);
    fs::path tmp = path + std::string(kPartial);
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(tmp, path, ec);
    if (ec) {
      fs::remove(tmp);
      fail(Failure::kUnavailable, key, "download to " + path + " failed", ec);
    }
    return head(key);
  }

  ObjectInfo head(const std::string& key) override {
    fs::path p = path_of(key);
    std::error_code ec;
    auto status = fs::status(p, ec);
    if (ec || !fs::is_regular_file(status)) missing(key);
    return info(key, p);
  }

  void put(const std::string& key, std::string_view data) override {
    write_whole(key, [&](const fs::path& tmp) {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(data.data(), static_cast<std::streamsize>(data.size()));
      out.close();
      return static_cast<bool>(out);
    });
  }

  void upload(const std::string& key, const std::string& path) override {
    write_whole(key, [&](const fs::path& tmp) {
      std::error_code ec;
      fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
      return !ec;
    });
  }

  void adopt(const std::string& key, const std::string& path) override {
    fs::path p = path_of(key);
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    fs::rename(path, p, ec);
    if (!ec) return;
    upload(key, path);  // another file system
    fs::remove(path, ec);
  }

  void copy(const std::string& from, const std::string& to) override {
    fs::path source = path_of(from), target = path_of(to);
    std::error_code ec;
    if (!fs::is_regular_file(source, ec)) missing(from);
    fs::create_directories(target.parent_path(), ec);
    fs::remove(target, ec);
    // Published files never change in place: both keys may share the bytes.
    fs::create_hard_link(source, target, ec);
    if (ec) upload(to, source.string());
  }

  ListPage list(const std::string& prefix, const std::string& after, int max_keys) override {
    // The deepest directory the prefix names whole: only it is walked.
    std::string dir =
        prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/'));
    if (!dir.empty()) check_key(dir, describe());
    fs::path start = dir.empty() ? root_ : root_ / dir;
    std::vector<std::string> keys;
    std::error_code ec;
    bool is_dir = fs::is_directory(start, ec);
    // A folder not made yet holds no objects, as an S3 prefix without keys does.
    if (!is_dir && ec == std::errc::no_such_file_or_directory) ec.clear();
    if (is_dir) {
      for (auto it = fs::recursive_directory_iterator(start, ec); !ec && it != fs::end(it);
           it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string key = fs::relative(it->path(), root_, ec).generic_string();
        if (key.rfind(prefix, 0) != 0 || key <= after) continue;
        if (key.size() >= kPartial.size() &&
            key.compare(key.size() - kPartial.size(), kPartial.size(), kPartial) == 0) {
          continue;  // a write in flight
        }
        keys.push_back(std::move(key));
      }
    }
    if (ec) fail(Failure::kUnavailable, prefix, "listing failed", ec);
    std::sort(keys.begin(), keys.end());
    ListPage page;
    size_t n = std::min(keys.size(), static_cast<size_t>(std::max(max_keys, 1)));
    for (size_t i = 0; i < n; ++i) page.objects.push_back(info(keys[i], root_ / keys[i]));
    if (n < keys.size()) page.next = keys[n - 1];
    return page;
  }

  void remove(const std::vector<std::string>& keys) override {
    for (const auto& key : keys) {
      std::error_code ec;
      fs::remove(path_of(key), ec);
      if (ec && ec != std::errc::no_such_file_or_directory) {
        fail(Failure::kUnavailable, key, "delete failed", ec);
      }
    }
  }

 private:
  fs::path path_of(const std::string& key) const {
    check_key(key, describe());
    return root_ / key;
  }

  ObjectInfo info(const std::string& key, const fs::path& p) const {
    std::error_code ec;
    ObjectInfo o;
    o.key = key;
    o.size = fs::file_size(p, ec);
    auto mtime = fs::last_write_time(p, ec);
    auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(
        mtime.time_since_epoch() - fs::file_time_type::clock::now().time_since_epoch() +
        std::chrono::system_clock::now().time_since_epoch());
    o.last_modified = iso_utc(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch)));
    // Changes when the file does: its size and modification time.
    o.etag = std::to_string(o.size) + "-" + std::to_string(mtime.time_since_epoch().count());
    return o;
  }

  template <typename Write>
  void write_whole(const std::string& key, Write write) {
    fs::path p = path_of(key);
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    fs::path tmp = p.string() + std::string(kPartial);
    if (ec || !write(tmp)) {
      fs::remove(tmp, ec);
      fail(Failure::kUnavailable, key, "write failed", {});
    }
    fs::rename(tmp, p, ec);
    if (ec) {
      fs::remove(tmp);
      fail(Failure::kUnavailable, key, "write failed", ec);
    }
  }

  [[noreturn]] void missing(const std::string& key) const {
    throw StorageError(Failure::kNotFound, "NoSuchKey",
                       describe() + ": " + key + ": no such object", 404);
  }

  [[noreturn]] void fail(Failure failure, const std::string& key, const std::string& what,
                         std::error_code ec) const {
    throw StorageError(failure, ec ? ec.message() : "IOError",
                       describe() + (key.empty() ? "" : ": " + key) + ": " + what +
                           (ec ? " (" + ec.message() + ")" : ""));
  }

  fs::path root_;
};

}  // namespace

std::unique_ptr<Storage> open_local(const std::string& root) {
  return std::make_unique<LocalStorage>(root);
}

void Storage::adopt(const std::string& key, const std::string& path) {
  upload(key, path);
  std::error_code ec;
  fs::remove(path, ec);
}

void Storage::copy(const std::string& from, const std::string& to) { put(to, get(from)); }

std::vector<ObjectInfo> Storage::list_all(const std::string& prefix) {
  std::vector<ObjectInfo> out;
  std::string after;
  while (true) {
    ListPage page = list(prefix, after);
    for (auto& o : page.objects) out.push_back(std::move(o));
    if (page.next.empty()) break;
    after = page.next;
  }
  return out;
}

void check_key(const std::string& key, const std::string& where) {
  auto invalid = [&](const char* why) {
    throw StorageError(Failure::kInvalid, "InvalidKey", where + ": key \"" + key + "\" " + why);
  };
  if (key.empty()) invalid("is empty");
  if (key.size() > 1024) invalid("is longer than 1024 bytes");
  if (key.front() == '/') invalid("starts with '/'");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    std::string_view segment(key.data() + start, end - start);
    if (segment == "." || segment == "..") invalid("holds a '.' or '..' segment");
    if (segment.empty() && end != key.size()) invalid("holds an empty segment");
    start = end + 1;
  }
  if (key.find('\0') != std::string::npos) invalid("holds a NUL byte");
}

}  // namespace ducklings::storage
