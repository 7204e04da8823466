#include "common/files.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "common/errors.h"

namespace ducklings {
namespace {

namespace fs = std::filesystem;

// Returns true when the mode changed.
bool restrict_mode(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return false;
  if ((st.st_mode & 077) == 0) return false;
  return ::chmod(path.c_str(), st.st_mode & 07700) == 0;
}

}  // namespace

void make_private_directory(const std::string& dir) {
  ::umask(077);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ConfigError("setting 'data_dir': cannot create '" + dir + "': " + ec.message());
  size_t changed = restrict_mode(dir) ? 1 : 0;
  for (auto it =
           fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (restrict_mode(it->path())) ++changed;
  }
  if (ec) spdlog::warn("could not walk the data dir '{}' to restrict modes: {}", dir, ec.message());
  if (changed > 0) {
    spdlog::info("data dir: {} file(s) and directories made private to their owner (0600/0700)",
                 changed);
  }
}

void make_private_file(const std::string& path) {
  restrict_mode(path);
}

}  // namespace ducklings
