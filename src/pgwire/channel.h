// One client socket, plain or TLS, with buffered reads and whole-buffer writes.
// Owned and used by one session thread; shutdown_read() may be called from any thread.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "pgwire/tls.h"

namespace ducklings::pgwire {

// Writes all of `data` to a blocking socket (MSG_NOSIGNAL); false when the peer is gone.
bool send_all(int fd, std::string_view data);

class Channel {
 public:
  explicit Channel(int fd);
  ~Channel();
  Channel(const Channel&) = delete;

  int fd() const { return fd_; }
  bool encrypted() const { return tls_ != nullptr; }
  // Switches to TLS after the server answered 'S' to SSLRequest. Bytes the client sent before
  // the handshake (buffered plaintext) are a protocol violation.
  void start_tls(const TlsContext& context);

  // Reads exactly n bytes into `out` (appending); false on EOF before any byte of it.
  bool read_exact(size_t n, std::string& out);
  bool has_buffered_input() const { return read_pos_ < read_buf_.size(); }
  // Input readable without waiting on the socket (buffered here or decrypted by TLS).
  bool has_pending_input() const;
  // Up to len bytes: buffered ones first, else one read (blocking for at least one byte);
  // 0 on EOF. For relaying a session's bytes without framing them.
  size_t read_available(char* buf, size_t len);
  void write(std::string_view data);
  // Unblocks a pending read (graceful shutdown); writes keep working.
  void shutdown_read();

 private:
  size_t read_some(char* buf, size_t len);
  int fd_;
  std::unique_ptr<TlsConnection> tls_;
  std::string read_buf_;
  size_t read_pos_ = 0;
};

}  // namespace ducklings::pgwire
