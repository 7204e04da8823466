// SCRAM-SHA-256 (RFC 5802, RFC 7677) password authentication, server side, as PostgreSQL does it.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ducklings::pgwire {

// The SASL mechanisms: plain, and with channel binding (offered only over TLS, with the
// tls-server-end-point binding of RFC 5929 as PostgreSQL does it).
inline constexpr std::string_view kScramMechanism = "SCRAM-SHA-256";
inline constexpr std::string_view kScramPlusMechanism = "SCRAM-SHA-256-PLUS";

// A stored SCRAM secret; salt and keys hold raw bytes (not base64).
struct ScramVerifier {
  int iterations = 0;
  std::string salt;
  std::string stored_key;
  std::string server_key;

  // Parses PostgreSQL's `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`; nullopt if not one.
  static std::optional<ScramVerifier> parse(std::string_view text);
  // Formats in PostgreSQL's stored form, the inverse of parse.
  std::string to_string() const;
};

// Builds a verifier in PostgreSQL's stored form with a fresh 16-byte random salt.
std::string make_scram_verifier(std::string_view password, int iterations = 4096);

// Checks a cleartext password (received over TLS) against a verifier, in constant time.
bool verify_cleartext_password(const ScramVerifier& verifier, std::string_view password);

// Drives one SCRAM exchange for one connection: client_first, then client_final.
// Not thread-safe; owned by the connection's session.
class ScramServer {
 public:
  // `verifier` is nullopt when the user does not exist or has no SCRAM secret: the exchange
  // then runs against a mock salt and fails only at client_final, exactly like a wrong password.
  // `channel_binding`: the tls-server-end-point data when this connection offered
  // SCRAM-SHA-256-PLUS (nullopt without TLS); `plus`: the client chose it.
  ScramServer(std::string user_name, std::optional<ScramVerifier> verifier,
              std::optional<std::string> channel_binding = std::nullopt, bool plus = false);

  // Consumes the client-first-message and returns the server-first-message.
  // Throws ProtocolError (08P01) if malformed, SqlError 0A000 for unsupported features.
  std::string client_first(std::string_view message);

  // Consumes the client-final-message and returns the server-final-message (`v=...`).
  // Throws SqlError 28P01 on a wrong password or unknown user, ProtocolError if malformed.
  std::string client_final(std::string_view message);

  // Replaces the random server nonce part; only for reproducing test vectors.
  void set_server_nonce_for_test(std::string nonce) { server_nonce_ = std::move(nonce); }

 private:
  [[noreturn]] void fail_authentication() const;

  enum class State { kExpectClientFirst, kExpectClientFinal, kDone };
  State state_ = State::kExpectClientFirst;
  std::string user_name_;
  ScramVerifier verifier_;
  bool doomed_ = false;  // unknown user: always fails at the end
  char cbind_flag_ = 'n';
  std::optional<std::string> channel_binding_;
  bool plus_ = false;
  std::string gs2_header_;  // as the client sent it; echoed (with the binding) in c=
  std::string client_first_bare_;
  std::string client_nonce_;
  std::string server_nonce_;
  std::string server_first_;
};

}  // namespace ducklings::pgwire
