// Secrets at rest (storage keys, source passwords, API keys): sealed with AES-256-GCM under the
// server's key, kept in a file of its own (mode 0600, made on first start), and redacted
// wherever they would be shown. The one place secrets are sealed, opened and redacted.
#pragma once
#include <string>
#include <string_view>

namespace ducklings {

class SecretBox {
 public:
  // Reads the 32-byte key from `key_file`, or makes one there (0600) when the file does not
  // exist. Throws ConfigError when the file cannot be read or made, or holds no valid key.
  explicit SecretBox(const std::string& key_file);
  // A box with this key (32 bytes); for tests.
  static SecretBox with_key(std::string key);

  // "v1:" and base64 of a random 96-bit nonce, the ciphertext and the 128-bit tag.
  std::string seal(std::string_view secret) const;
  // The secret back; throws std::runtime_error when `sealed` was not sealed with this key or
  // was altered (the tag does not match).
  std::string open(std::string_view sealed) const;

  // What is shown instead of a secret.
  static constexpr const char* kRedacted = "********";
  // Whether a request field holds a secret (redacted wherever requests are recorded): every
  // kind of source's secret field (sources/kinds.cpp) is one of these.
  static bool is_secret_field(std::string_view name) {
    return name == "password" || name == "secret_access_key" || name == "api_key" ||
           name == "auth_value";
  }

 private:
  SecretBox() = default;
  std::string key_;
};

}  // namespace ducklings
