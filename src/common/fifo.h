// A named pipe that hands a stream to DuckDB's file readers (read_csv of the path) while
// the writer produces it: COPY FROM STDIN and source syncs stream rows through one, so memory
// stays flat whatever the size.
#pragma once
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace ducklings {

// Owns the FIFO path and the write end; unlinks on destruction.
class Fifo {
 public:
  explicit Fifo(std::string path) : path_(std::move(path)) {
    ::unlink(path_.c_str());
    if (::mkfifo(path_.c_str(), 0600) != 0) {
      throw SqlError("58030", "could not create a pipe: " + std::string(std::strerror(errno)));
    }
  }
  ~Fifo() {
    close();
    ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // Opens the write end once the reader has opened; false if `reader_gone` turns true first.
  bool open_for_write(const std::atomic<bool>& reader_gone) {
    for (int i = 0; i < 60000; ++i) {
      fd_ = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd_ >= 0) {
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
        return true;
      }
      if (errno != ENXIO) break;
      if (reader_gone) return false;
      ::usleep(1000);
    }
    return false;
  }
  // Writes all bytes; false when the reader went away.
  bool write(std::string_view data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace ducklings
