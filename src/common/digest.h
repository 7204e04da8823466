// Hashes, random bytes and base64 (OpenSSL): the control plane's records, job ids, SCRAM,
// sealed secrets, S3's Content-MD5.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ducklings {

std::string sha256_hex(std::string_view data);
// `bytes` cryptographically random bytes, as hex.
std::string random_hex(size_t bytes);
// `n` cryptographically random bytes (throws when the generator fails).
std::string random_bytes(size_t n);

std::string base64_encode(std::string_view data);
// Strict: exact base64 with its padding, or nullopt (no whitespace, no data after '=').
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ducklings
