#include "pgwire/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "common/digest.h"
#include "common/errors.h"
#include "pgwire/buffer.h"

namespace ducklings::pgwire {
namespace {

constexpr size_t kKeyLength = SHA256_DIGEST_LENGTH;
constexpr size_t kSaltLength = 16;      // PostgreSQL's SCRAM_DEFAULT_SALT_LEN
constexpr size_t kRawNonceLength = 18;  // PostgreSQL's SCRAM_RAW_NONCE_LEN
constexpr int kDefaultIterations = 4096;
constexpr int kMaxIterations = 100'000'000;  // keeps a hostile stored verifier from hanging us

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(kKeyLength, '\0');
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr ||
      len != kKeyLength) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(kKeyLength, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// --- SASLprep (RFC 4013), the part PostgreSQL's pg_saslprep needs to agree with us ---
// Mapping and prohibition are done; NFKC normalization and the bidi rule are not, so a
// password that NFKC changes (rare: compatibility characters) hashes differently from PG.

struct CodeRange {
  char32_t first;
  char32_t last;
};

bool in_ranges(char32_t c, std::initializer_list<CodeRange> ranges) {
  for (const auto& r : ranges) {
    if (c >= r.first && c <= r.last) return true;
  }
  return false;
}

// RFC 3454 C.1.2: mapped to U+0020.
bool is_non_ascii_space(char32_t c) {
  return in_ranges(c, {{0x00A0, 0x00A0},
                       {0x1680, 0x1680},
                       {0x2000, 0x200B},
                       {0x202F, 0x202F},
                       {0x205F, 0x205F},
                       {0x3000, 0x3000}});
}

// RFC 3454 B.1: mapped to nothing.
bool is_mapped_to_nothing(char32_t c) {
  return in_ranges(c, {{0x00AD, 0x00AD},
                       {0x034F, 0x034F},
                       {0x1806, 0x1806},
                       {0x180B, 0x180D},
                       {0x200B, 0x200D},
                       {0x2060, 0x2060},
                       {0xFE00, 0xFE0F},
                       {0xFEFF, 0xFEFF}});
}

// RFC 4013 section 2.3: C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9 (C.1.2 is mapped away).
bool is_prohibited(char32_t c) {
  if ((c & 0xFFFE) == 0xFFFE) return true;  // C.4: U+xFFFE and U+xFFFF in every plane
  return in_ranges(c, {{0x0000, 0x001F},
                       {0x007F, 0x009F},
                       {0x0340, 0x0341},
                       {0x06DD, 0x06DD},
                       {0x070F, 0x070F},
                       {0x180E, 0x180E},
                       {0x200C, 0x200F},
                       {0x2028, 0x202E},
                       {0x2060, 0x2063},
                       {0x206A, 0x206F},
                       {0x2FF0, 0x2FFB},
                       {0xD800, 0xF8FF},
                       {0xFDD0, 0xFDEF},
                       {0xFEFF, 0xFEFF},
                       {0xFFF9, 0xFFFD},
                       {0x1D173, 0x1D17A},
                       {0xE0001, 0xE0001},
                       {0xE0020, 0xE007F},
                       {0xF0000, 0x10FFFF}});
}

// Decodes strict UTF-8 (no overlongs, no surrogates); nullopt if invalid.
std::optional<std::u32string> decode_utf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n;
    char32_t c;
    if (b < 0x80) {
      n = 1;
      c = b;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2;
      c = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3;
      c = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4;
      c = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (size_t k = 1; k < n; ++k) {
      auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0) != 0x80) return std::nullopt;
      c = (c << 6) | (cont & 0x3F);
    }
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMinForLength[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    out.push_back(c);
    i += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Like PostgreSQL: ASCII, invalid UTF-8 and prohibited results all fall back to the raw bytes,
// so any byte string can be a password and verifiers made by PostgreSQL still match.
std::string saslprep(std::string_view password) {
  bool ascii = true;
  for (char c : password) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return std::string(password);
  auto chars = decode_utf8(password);
  if (!chars) return std::string(password);
  std::string out;
  for (char32_t c : *chars) {
    if (is_non_ascii_space(c)) {
      out.push_back(' ');
    } else if (!is_mapped_to_nothing(c)) {
      if (is_prohibited(c)) return std::string(password);
      append_utf8(out, c);
    }
  }
  if (out.empty()) return std::string(password);
  return out;
}

std::string salted_password(std::string_view password, std::string_view salt, int iterations) {
  std::string prepared = saslprep(password);
  std::string out(kKeyLength, '\0');
  if (PKCS5_PBKDF2_HMAC(prepared.data(), static_cast<int>(prepared.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(kKeyLength),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw std::runtime_error("PBKDF2-HMAC-SHA-256 failed");
  }
  return out;
}

// Per-process secret behind mock salts: a probing client sees the same salt for the same
// unknown name on every attempt (as with a real user), but cannot predict or compare it.
const std::string& mock_secret() {
  static const std::string secret = random_bytes(32);
  return secret;
}

std::string mock_salt(std::string_view user_name) {
  return hmac_sha256(mock_secret(), user_name).substr(0, kSaltLength);
}

[[noreturn]] void malformed(const std::string& detail) {
  throw SqlError("08P01", "malformed SCRAM message", 0, detail);
}

// Printable per RFC 5802: %x21-2B / %x2D-7E, i.e. visible ASCII except ','.
bool is_printable_nonce(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

// Reads `<attr>=<value>` and the ',' after it, PostgreSQL's read_attribute_value.
std::string_view read_attribute(std::string_view& in, char attr) {
  if (in.empty() || in[0] != attr) {
    malformed(std::string("Expected attribute \"") + attr + "\".");
  }
  if (in.size() < 2 || in[1] != '=') {
    malformed(std::string("Expected character \"=\" for attribute \"") + attr + "\".");
  }
  in.remove_prefix(2);
  size_t end = in.find(',');
  std::string_view value = in.substr(0, end);
  in.remove_prefix(end == std::string_view::npos ? in.size() : end + 1);
  return value;
}

// Reads any `<letter>=<value>` attribute (extensions we ignore), PostgreSQL's read_any_attr.
std::string_view read_any_attribute(std::string_view& in, char& attr) {
  if (in.empty()) malformed("Attribute expected, but found end of string.");
  attr = in[0];
  if (!((attr >= 'A' && attr <= 'Z') || (attr >= 'a' && attr <= 'z'))) {
    malformed("Attribute expected, but found invalid character.");
  }
  return read_attribute(in, attr);
}

void check_no_nul(std::string_view message) {
  if (message.find('\0') != std::string_view::npos) {
    malformed("The message contains a null byte.");
  }
}

}  // namespace

std::optional<ScramVerifier> ScramVerifier::parse(std::string_view text) {
  constexpr std::string_view kPrefix = "SCRAM-SHA-256$";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  size_t colon1 = text.find(':');
  size_t dollar = text.find('$');
  if (colon1 == std::string_view::npos || dollar == std::string_view::npos || colon1 > dollar) {
    return std::nullopt;
  }
  size_t colon2 = text.find(':', dollar);
  if (colon2 == std::string_view::npos) return std::nullopt;

  ScramVerifier v;
  std::string_view iter_text = text.substr(0, colon1);
  auto [ptr, ec] =
      std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(), v.iterations);
  if (ec != std::errc() || ptr != iter_text.data() + iter_text.size() || v.iterations < 1 ||
      v.iterations > kMaxIterations) {
    return std::nullopt;
  }
  auto salt = base64_decode(text.substr(colon1 + 1, dollar - colon1 - 1));
  auto stored = base64_decode(text.substr(dollar + 1, colon2 - dollar - 1));
  auto server = base64_decode(text.substr(colon2 + 1));
  if (!salt || salt->empty() || !stored || stored->size() != kKeyLength || !server ||
      server->size() != kKeyLength) {
    return std::nullopt;
  }
  v.salt = std::move(*salt);
  v.stored_key = std::move(*stored);
  v.server_key = std::move(*server);
  return v;
}

std::string ScramVerifier::to_string() const {
  return "SCRAM-SHA-256$" + std::to_string(iterations) + ":" + base64_encode(salt) + "$" +
         base64_encode(stored_key) + ":" + base64_encode(server_key);
}

std::string make_scram_verifier(std::string_view password, int iterations) {
  if (iterations < 1 || iterations > kMaxIterations) {
    throw std::invalid_argument("SCRAM iteration count out of range");
  }
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = random_bytes(kSaltLength);
  std::string salted = salted_password(password, v.salt, iterations);
  v.stored_key = sha256(hmac_sha256(salted, "Client Key"));
  v.server_key = hmac_sha256(salted, "Server Key");
  return v.to_string();
}

bool verify_cleartext_password(const ScramVerifier& verifier, std::string_view password) {
  if (verifier.iterations < 1 || verifier.iterations > kMaxIterations) return false;
  std::string salted = salted_password(password, verifier.salt, verifier.iterations);
  return constant_time_equal(hmac_sha256(salted, "Server Key"), verifier.server_key);
}

ScramServer::ScramServer(std::string user_name, std::optional<ScramVerifier> verifier,
                         std::optional<std::string> channel_binding, bool plus)
    : user_name_(std::move(user_name)), channel_binding_(std::move(channel_binding)), plus_(plus) {
  if (plus_ && !channel_binding_) throw ProtocolError("SCRAM-SHA-256-PLUS without TLS");
  if (verifier) {
    verifier_ = std::move(*verifier);
  } else {
    // Same shape as a real secret so nothing in the exchange tells the client the user is missing.
    doomed_ = true;
    verifier_.iterations = kDefaultIterations;
    verifier_.salt = mock_salt(user_name_);
    verifier_.stored_key = random_bytes(kKeyLength);
    verifier_.server_key = random_bytes(kKeyLength);
  }
}

void ScramServer::fail_authentication() const {
  throw SqlError("28P01", "password authentication failed for user \"" + user_name_ + "\"");
}

std::string ScramServer::client_first(std::string_view message) {
  if (state_ != State::kExpectClientFirst) {
    throw ProtocolError("unexpected SCRAM client-first-message");
  }
  state_ = State::kDone;  // any throw below ends the exchange
  check_no_nul(message);
  std::string_view in = message;

  // gs2-header: cbind-flag "," [authzid] ","
  if (in.empty()) malformed("The message is empty.");
  switch (in[0]) {
    case 'n':
    case 'y':
      if (plus_) {
        malformed(
            "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include "
            "channel binding data.");
      }
      // 'y': the client could bind but thinks we cannot. We offered PLUS, so something in
      // between removed it from the list: a downgrade (as PostgreSQL refuses it).
      if (in[0] == 'y' && channel_binding_) {
        throw SqlError("08P01", "SCRAM channel binding negotiation error", 0,
                       "The client supports SCRAM channel binding but thinks the server does "
                       "not.  However, this server does support channel binding.");
      }
      cbind_flag_ = in[0];
      if (in.size() < 2 || in[1] != ',') malformed("Comma expected after channel-binding flag.");
      in.remove_prefix(2);
      break;
    case 'p': {
      if (!plus_) {
        malformed(
            "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message "
            "includes channel binding data.");
      }
      cbind_flag_ = 'p';
      if (in.size() < 2 || in[1] != '=') malformed("Expected \"=\" after channel-binding flag.");
      in.remove_prefix(2);
      size_t comma = in.find(',');
      if (comma == std::string_view::npos) malformed("Comma expected after channel-binding type.");
      if (in.substr(0, comma) != "tls-server-end-point") {
        throw SqlError("08P01", "unsupported SCRAM channel-binding type \"" +
                                    std::string(in.substr(0, comma)) + "\"");
      }
      in.remove_prefix(comma + 1);
      break;
    }
    default:
      malformed("Unexpected channel-binding flag.");
  }
  if (in.starts_with("a=")) {
    throw SqlError("0A000", "client uses authorization identity, but it is not supported");
  }
  if (in.empty() || in[0] != ',') malformed("Unexpected attribute in client-first-message.");
  in.remove_prefix(1);

  gs2_header_ = std::string(message.substr(0, message.size() - in.size()));
  client_first_bare_ = std::string(in);
  if (in.starts_with("m=")) {
    throw SqlError("0A000", "client requires an unsupported SCRAM extension");
  }
  // The user name in the message is ignored: the startup packet's user is the one that counts.
  read_attribute(in, 'n');
  client_nonce_ = std::string(read_attribute(in, 'r'));
  if (!is_printable_nonce(client_nonce_)) {
    malformed("The client nonce is empty or contains non-printable characters.");
  }
  char attr;
  while (!in.empty()) read_any_attribute(in, attr);

  if (server_nonce_.empty()) server_nonce_ = base64_encode(random_bytes(kRawNonceLength));
  server_first_ = "r=" + client_nonce_ + server_nonce_ + ",s=" + base64_encode(verifier_.salt) +
                  ",i=" + std::to_string(verifier_.iterations);
  state_ = State::kExpectClientFinal;
  return server_first_;
}

std::string ScramServer::client_final(std::string_view message) {
  if (state_ != State::kExpectClientFinal) {
    throw ProtocolError("unexpected SCRAM client-final-message");
  }
  state_ = State::kDone;
  check_no_nul(message);
  std::string_view in = message;

  std::string_view cbind = read_attribute(in, 'c');
  // The gs2 header echoed back, followed by the binding data with channel binding: for
  // tls-server-end-point the hash of our certificate, which a man in the middle (holding
  // another certificate) cannot present.
  std::string expected = gs2_header_;
  if (cbind_flag_ == 'p') expected += *channel_binding_;
  if (!constant_time_equal(std::string(cbind), base64_encode(expected))) {
    if (cbind_flag_ == 'p') {
      throw SqlError("28000", "SCRAM channel binding check failed");
    }
    throw SqlError("08P01", "unexpected SCRAM channel-binding attribute in client-final-message");
  }
  std::string_view nonce = read_attribute(in, 'r');

  size_t proof_attr_at;
  std::string_view proof_text;
  char attr;
  do {
    proof_attr_at = message.size() - in.size();
    proof_text = read_any_attribute(in, attr);
  } while (attr != 'p');
  auto proof = base64_decode(proof_text);
  if (!proof || proof->size() != kKeyLength) malformed("Malformed proof in client-final-message.");
  if (!in.empty()) malformed("Garbage found at the end of client-final-message.");
  // proof_attr_at points at "p="; the ',' before it is not part of the signed message.
  std::string_view final_without_proof = message.substr(0, proof_attr_at - 1);

  std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + std::string(final_without_proof);
  std::string client_signature = hmac_sha256(verifier_.stored_key, auth_message);
  std::string client_key(kKeyLength, '\0');
  for (size_t i = 0; i < kKeyLength; ++i) client_key[i] = (*proof)[i] ^ client_signature[i];
  bool proof_ok = constant_time_equal(sha256(client_key), verifier_.stored_key);
  bool nonce_ok = nonce == client_nonce_ + server_nonce_;
  if (!proof_ok || !nonce_ok || doomed_) fail_authentication();

  return "v=" + base64_encode(hmac_sha256(verifier_.server_key, auth_message));
}

}  // namespace ducklings::pgwire
