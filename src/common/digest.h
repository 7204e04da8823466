// Hashes and random tokens (OpenSSL): the control plane's records, job ids.
#pragma once
#include <string>
#include <string_view>

namespace ducklings {

std::string sha256_hex(std::string_view data);
// `bytes` cryptographically random bytes, as hex.
std::string random_hex(size_t bytes);

}  // namespace ducklings
