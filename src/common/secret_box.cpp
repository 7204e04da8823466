#include "common/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "common/digest.h"
#include "common/errors.h"

namespace ducklings {
namespace {

constexpr size_t kKeySize = 32, kNonceSize = 12, kTagSize = 16;
constexpr std::string_view kVersion = "v1:";

std::string unbase64(std::string_view text) {
  std::optional<std::string> bytes = base64_decode(text);
  if (!bytes) throw std::runtime_error("a sealed secret is not base64");
  return *bytes;
}

using Context = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

SecretBox::SecretBox(const std::string& key_file) {
  std::ifstream in(key_file, std::ios::binary);
  if (in) {
    key_.assign(std::istreambuf_iterator<char>(in), {});
    if (key_.size() != kKeySize) {
      throw ConfigError("secret key file " + key_file + " must hold exactly 32 bytes (it holds " +
                        std::to_string(key_.size()) + ")");
    }
    return;
  }
  // First start: a new random key, readable by the server's user only.
  key_ = random_bytes(kKeySize);
  int fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw ConfigError("cannot create the secret key file " + key_file + ": " +
                      std::strerror(errno));
  }
  bool ok = ::write(fd, key_.data(), key_.size()) == static_cast<ssize_t>(key_.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) {
    ::unlink(key_file.c_str());
    throw ConfigError("cannot write the secret key file " + key_file);
  }
}

SecretBox SecretBox::with_key(std::string key) {
  if (key.size() != kKeySize) throw std::invalid_argument("a secret key is 32 bytes");
  SecretBox box;
  box.key_ = std::move(key);
  return box;
}

std::string SecretBox::seal(std::string_view secret) const {
  std::string nonce = random_bytes(kNonceSize);
  std::string out = nonce + std::string(secret.size(), '\0') + std::string(kTagSize, '\0');
  auto* cipher = reinterpret_cast<unsigned char*>(out.data() + kNonceSize);
  Context ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key_.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), cipher, &len,
                        reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, cipher + secret.size()) == 1;
  if (!ok) throw std::runtime_error("sealing a secret failed");
  return std::string(kVersion) + base64_encode(out);
}

std::string SecretBox::open(std::string_view sealed) const {
  if (sealed.substr(0, kVersion.size()) != kVersion) {
    throw std::runtime_error("not a sealed secret");
  }
  std::string raw = unbase64(sealed.substr(kVersion.size()));
  if (raw.size() < kNonceSize + kTagSize) throw std::runtime_error("a sealed secret is too short");
  size_t n = raw.size() - kNonceSize - kTagSize;
  std::string out(n, '\0');
  auto* in = reinterpret_cast<unsigned char*>(raw.data());
  Context ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key_.data()), in) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        in + kNonceSize, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, in + kNonceSize + n) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok) throw std::runtime_error("a sealed secret does not open with this key (or was altered)");
  return out;
}

}  // namespace ducklings
