// Hashes and random tokens for the control plane's records (OpenSSL).
#pragma once
#include <string>
#include <string_view>

namespace ducklings::control {

std::string sha256_hex(std::string_view data);
// `bytes` cryptographically random bytes, as hex.
std::string random_hex(size_t bytes);

}  // namespace ducklings::control
