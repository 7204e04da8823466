// Relay mode (--isolation process): after authentication the control plane's session copies
// bytes between the client and the worker that runs the session. It does not decode them,
// but follows message boundaries so it can end the session with a proper ErrorResponse
// when the worker dies or the server stops, never in the middle of a message.
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "pgwire/session.h"

namespace ducklings::pgwire {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxPendingToWorker = 1 << 20;  // then the client waits (TCP backpressure)

// Follows the message framing of one direction (type byte, length word, body).
class FrameTracker {
 public:
  void feed(const char* p, size_t n) {
    while (n > 0) {
      if (header_len_ < 5) {
        size_t take = std::min(n, 5 - header_len_);
        std::memcpy(header_ + header_len_, p, take);
        header_len_ += take;
        p += take;
        n -= take;
        if (header_len_ == 5) {
          auto len = static_cast<uint32_t>(ReadBuffer(std::string_view(header_ + 1, 4)).get_i32());
          remaining_ = len >= 4 ? len - 4 : 0;
          body_.clear();
          if (remaining_ == 0) finish();
        }
        continue;
      }
      size_t take = std::min<size_t>(n, remaining_);
      if (header_[0] == 'E' && body_.size() < 256) body_.append(p, std::min<size_t>(take, 256));
      remaining_ -= take;
      p += take;
      n -= take;
      if (remaining_ == 0) finish();
    }
  }
  bool at_boundary() const { return header_len_ == 0; }
  // Client side: ReadyForQuery messages the messages so far ask for, besides the one after
  // startup: one per Query, Sync and FunctionCall, and one for a Sync-unit (Parse, Bind,
  // Execute…) or message that has begun.
  uint64_t ready_asked() const {
    bool started = open_ || (header_len_ > 0 && (ends_unit(header_[0]) || opens_unit(header_[0])));
    return units_ + (started ? 1 : 0);
  }
  // Whole messages of `type` seen so far.
  uint64_t count(char type) const { return counts_[static_cast<unsigned char>(type)]; }
  char last_type() const { return last_type_; }
  // The last whole message was an ErrorResponse of severity FATAL or PANIC.
  bool last_was_fatal() const { return last_fatal_; }

 private:
  static bool ends_unit(char t) { return t == 'Q' || t == 'S' || t == 'F'; }
  // Not Flush, Terminate or COPY data (which belongs to a Query already counted).
  static bool opens_unit(char t) {
    return !ends_unit(t) && t != 'H' && t != 'X' && t != 'd' && t != 'c' && t != 'f';
  }
  void finish() {
    last_type_ = header_[0];
    ++counts_[static_cast<unsigned char>(last_type_)];
    if (ends_unit(last_type_)) {
      ++units_;
      open_ = false;
    } else if (opens_unit(last_type_)) {
      open_ = true;
    }
    last_fatal_ = false;
    if (last_type_ == 'E') {
      std::string severity = decode_error_response(body_).severity;  // the body's first 256 bytes
      last_fatal_ = severity == "FATAL" || severity == "PANIC";
    }
    header_len_ = 0;
  }
  char header_[5];
  size_t header_len_ = 0;
  uint32_t remaining_ = 0;
  std::string body_;
  char last_type_ = 0;
  bool last_fatal_ = false;
  uint64_t counts_[256] = {};
  uint64_t units_ = 0;  // Query, Sync and FunctionCall messages
  bool open_ = false;   // a Sync-unit has begun (Parse, Bind, Execute… without their Sync yet)
};

}  // namespace

// A CancelRequest stops the statement the client awaits when it was sent. That statement may
// still be on its way (in the relay, in the worker's socket, being read): the worker is told
// which ReadyForQuery ends it, and it stands until that one is sent however late the statement
// arrives. A client that awaits nothing has nothing to cancel, as in PostgreSQL; one whose bytes
// the relay has not read yet is decided by the relay thread once it has read them.
void Session::relay_cancel() {
  uint64_t seen = relay_ready_seen_.load();
  if (relay_ready_awaited_.load() > seen) {
    worker_->cancel(process_id_, secret_key_, seen + 1);
  } else {
    relay_cancel_wanted_ = true;
  }
}

void Session::relay() {
  const int wfd = worker_->fd();
  std::string to_worker;  // client bytes the worker has not taken yet
  FrameTracker from_worker, from_client;
  bool client_open = true;
  std::string buf(kChunk, '\0');

  // Ends the session with `e` when the client is between messages; mid-message the
  // connection just closes (a partial message cannot be followed by another).
  auto end_with = [&](const SqlError& e) {
    // Not after the worker's own FATAL (it stops too), nor inside a message.
    if (!from_worker.at_boundary() || from_worker.last_was_fatal()) return;
    try {
      send_error(e, "FATAL");
      flush();
    } catch (const std::exception&) {
    }
  };
  auto worker_gone = [&] {
    if (from_worker.last_was_fatal()) return;  // the worker said why
    std::string reason = worker_->exit_reason();
    if (reason.empty()) reason = "it closed the connection";
    spdlog::warn("session {}: the worker of '{}' ended: {}", process_id_, database_, reason);
    end_with(SqlError("57P02",
                      "terminating connection because the duckling's worker process ended "
                      "unexpectedly (" +
                          reason + ")",
                      0, "", "Reconnect: the next session starts a new worker."));
  };

  while (true) {
    // Every Query, Sync and FunctionCall gets one ReadyForQuery: when all have theirs, the
    // worker's session is idle between statements.
    uint64_t asked = from_client.count('Q') + from_client.count('S') + from_client.count('F');
    bool worker_idle = from_worker.at_boundary() && from_client.at_boundary() &&
                       to_worker.empty() && from_worker.count('Z') >= asked + 1;
    if (relay_abort_ || (stop_requested_ && worker_idle)) {
      end_with(SqlError("57P01", "terminating connection due to administrator command"));
      return;
    }
    bool take_client = client_open && to_worker.size() < kMaxPendingToWorker;
    bool client_pending = take_client && channel_->has_pending_input();
    // Seen before the poll, so the poll shows what the client sent before it cancelled.
    bool cancel_wanted = relay_cancel_wanted_.load();
    pollfd fds[2] = {{channel_->fd(), static_cast<short>(take_client ? POLLIN : 0), 0},
                     {wfd, static_cast<short>(POLLIN | (to_worker.empty() ? 0 : POLLOUT)), 0}};
    int rc = ::poll(fds, 2, client_pending || cancel_wanted ? 0 : 100);
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    bool client_readable = client_pending || (fds[0].revents & (POLLIN | POLLHUP | POLLERR));
    if (client_readable) {
      size_t n = channel_->read_available(buf.data(), buf.size());
      if (n == 0) {
        if (!stop_requested_) return;  // the client left; closing the link ends the worker's side
        client_open = false;           // shutdown stopped reads: finish the running statement
      } else {
        from_client.feed(buf.data(), n);
        if (from_client.at_boundary() && from_client.last_type() == 'X') return;
        to_worker.append(buf.data(), n);
        relay_ready_awaited_ = from_client.ready_asked() + 1;
      }
    }
    if (cancel_wanted) {
      uint64_t seen = from_worker.count('Z');
      if (relay_ready_awaited_.load() > seen) {
        relay_cancel_wanted_ = false;
        worker_->cancel(process_id_, secret_key_, seen + 1);
      } else if (!client_readable || !take_client) {
        relay_cancel_wanted_ = false;  // the client awaits nothing
      }
    }
    if (!to_worker.empty()) {
      ssize_t n = ::send(wfd, to_worker.data(), to_worker.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        to_worker.erase(0, static_cast<size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        worker_gone();
        return;
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(wfd, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
      if (n <= 0) {
        worker_gone();
        return;
      }
      from_worker.feed(buf.data(), static_cast<size_t>(n));
      relay_ready_seen_ = from_worker.count('Z');
      // Blocking: a client that stops reading holds its worker back, as with one process.
      channel_->write(std::string_view(buf.data(), static_cast<size_t>(n)));
    }
  }
}

}  // namespace ducklings::pgwire
