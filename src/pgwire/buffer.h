// Byte buffers for the PostgreSQL wire format: network byte order, length-prefixed messages.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace ducklings::pgwire {

// A malformed, truncated or oversized message: answered with 08P01 and the connection closes.
class ProtocolError : public SqlError {
 public:
  explicit ProtocolError(const std::string& message) : SqlError("08P01", message) {}
};

// Appends wire-format values to a growable byte string (the socket's output buffer).
class WriteBuffer {
 public:
  std::string& data() { return data_; }
  const std::string& data() const { return data_; }
  size_t size() const { return data_.size(); }
  void clear() { data_.clear(); }

  void put_u8(uint8_t v) { data_.push_back(static_cast<char>(v)); }
  void put_i16(int16_t v) { put_be<uint16_t>(static_cast<uint16_t>(v)); }
  void put_i32(int32_t v) { put_be<uint32_t>(static_cast<uint32_t>(v)); }
  void put_i64(int64_t v) { put_be<uint64_t>(static_cast<uint64_t>(v)); }
  void put_bytes(std::string_view v) { data_.append(v); }
  void put_cstring(std::string_view v) {
    data_.append(v);
    data_.push_back('\0');
  }
  // Starts a typed message; returns the offset to pass to end_message.
  size_t begin_message(char type) {
    data_.push_back(type);
    size_t at = data_.size();
    put_i32(0);
    return at;
  }
  // Back-fills the length of a message started with begin_message.
  void end_message(size_t at) { patch_i32(at, static_cast<int32_t>(data_.size() - at)); }
  void patch_i32(size_t at, int32_t v) {
    uint32_t be = __builtin_bswap32(static_cast<uint32_t>(v));
    std::memcpy(&data_[at], &be, 4);
  }

 private:
  template <typename T>
  void put_be(T v) {
    if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
    if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
    if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
    data_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  std::string data_;
};

// Reads wire-format values from one message body; every read is bounds-checked.
class ReadBuffer {
 public:
  explicit ReadBuffer(std::string_view bytes) : bytes_(bytes) {}
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }

  uint8_t get_u8() { return static_cast<uint8_t>(take(1)[0]); }
  int16_t get_i16() { return static_cast<int16_t>(get_be<uint16_t>()); }
  int32_t get_i32() { return static_cast<int32_t>(get_be<uint32_t>()); }
  int64_t get_i64() { return static_cast<int64_t>(get_be<uint64_t>()); }
  std::string_view get_bytes(size_t n) { return take(n); }
  std::string_view get_cstring() {
    size_t end = bytes_.find('\0', pos_);
    if (end == std::string_view::npos) throw ProtocolError("unterminated string in message");
    std::string_view s = bytes_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  std::string_view rest() { return take(remaining()); }

 private:
  std::string_view take(size_t n) {
    if (n > remaining()) throw ProtocolError("message is shorter than its contents");
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  template <typename T>
  T get_be() {
    T v;
    std::memcpy(&v, take(sizeof(T)).data(), sizeof(T));
    if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
    if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
    if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
    return v;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace ducklings::pgwire
