#include "pgwire/channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "pgwire/buffer.h"

namespace ducklings::pgwire {

bool send_all(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

Channel::Channel(int fd) : fd_(fd) {}

Channel::~Channel() {
  if (tls_) tls_->shutdown();
  tls_.reset();
  ::close(fd_);
}

void Channel::start_tls(const TlsContext& context) {
  if (has_buffered_input()) throw ProtocolError("received unencrypted data after SSL request");
  tls_ = std::make_unique<TlsConnection>(context, fd_);
  tls_->handshake();
}

size_t Channel::read_some(char* buf, size_t len) {
  if (tls_) return tls_->read_some(buf, len);
  while (true) {
    ssize_t n = ::recv(fd_, buf, len, 0);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == ECONNRESET || errno == ENOTCONN) return 0;
    throw std::runtime_error(std::string("could not receive data from client: ") +
                             std::strerror(errno));
  }
}

bool Channel::read_exact(size_t n, std::string& out) {
  size_t need = n;
  bool any = false;
  while (need > 0) {
    if (read_pos_ < read_buf_.size()) {
      size_t take = std::min(need, read_buf_.size() - read_pos_);
      out.append(read_buf_, read_pos_, take);
      read_pos_ += take;
      need -= take;
      any = true;
      continue;
    }
    // One buffer per session, sized to what is being read (4-64 KiB): it batches small
    // messages into few system calls, takes COPY data in large reads, and an idle session
    // (waiting for a 5-byte header) holds only 4 KiB.
    size_t want = std::clamp<size_t>(need, 4 * 1024, 64 * 1024);
    if (read_buf_.capacity() > 64 * 1024 || (want < read_buf_.capacity() / 4)) {
      read_buf_.clear();
      read_buf_.shrink_to_fit();
    }
    read_buf_.resize(want);
    read_pos_ = 0;
    size_t got = read_some(read_buf_.data(), read_buf_.size());
    read_buf_.resize(got);
    if (got == 0) {
      if (!any) return false;
      throw ProtocolError("unexpected EOF within message");
    }
  }
  return true;
}

bool Channel::has_pending_input() const {
  return has_buffered_input() || (tls_ && tls_->pending() > 0);
}

size_t Channel::read_available(char* buf, size_t len) {
  if (has_buffered_input()) {
    size_t take = std::min(len, read_buf_.size() - read_pos_);
    std::memcpy(buf, read_buf_.data() + read_pos_, take);
    read_pos_ += take;
    if (read_pos_ == read_buf_.size()) {
      read_buf_.clear();
      read_buf_.shrink_to_fit();
      read_pos_ = 0;
    }
    return take;
  }
  return read_some(buf, len);
}

void Channel::write(std::string_view data) {
  if (data.empty()) return;
  if (tls_) {
    tls_->write_all(data.data(), data.size());
    return;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("could not send data to client: ") +
                               std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
}

void Channel::shutdown_read() {
  ::shutdown(fd_, SHUT_RD);
}

}  // namespace ducklings::pgwire
