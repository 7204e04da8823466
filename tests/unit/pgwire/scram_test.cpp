#include "pgwire/scram.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <string>

#include "common/errors.h"

namespace ducklings::pgwire {
namespace {

// --- A minimal SCRAM client, independent of the server code, to drive exchanges ---

std::string b64_encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string b64_decode(std::string_view in) {
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  EXPECT_GE(n, 0);
  size_t padding = in.ends_with("==") ? 2 : in.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string salted_password(std::string_view password, std::string_view salt, int iterations) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), SHA256_DIGEST_LENGTH,
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

ScramVerifier verifier_for(std::string_view password, std::string_view salt, int iterations) {
  std::string salted = salted_password(password, salt, iterations);
  return ScramVerifier{iterations, std::string(salt), sha256(hmac(salted, "Client Key")),
                       hmac(salted, "Server Key")};
}

// Value of attribute `attr` in a comma-separated SCRAM message.
std::string attribute(std::string_view message, char attr) {
  std::string prefix = std::string(1, attr) + "=";
  size_t at = 0;
  while (at < message.size()) {
    size_t end = message.find(',', at);
    if (end == std::string_view::npos) end = message.size();
    std::string_view part = message.substr(at, end - at);
    if (part.starts_with(prefix)) return std::string(part.substr(2));
    at = end + 1;
  }
  ADD_FAILURE() << "no attribute " << attr << " in " << message;
  return "";
}

struct ClientFinal {
  std::string message;
  std::string expected_server_final;
};

ClientFinal client_final_for(std::string_view password, std::string_view client_first_bare,
                             std::string_view server_first, std::string_view cbind = "biws") {
  std::string salted = salted_password(password, b64_decode(attribute(server_first, 's')),
                                       std::stoi(attribute(server_first, 'i')));
  std::string without_proof = "c=" + std::string(cbind) + ",r=" + attribute(server_first, 'r');
  std::string auth_message =
      std::string(client_first_bare) + "," + std::string(server_first) + "," + without_proof;
  std::string client_key = hmac(salted, "Client Key");
  std::string signature = hmac(sha256(client_key), auth_message);
  std::string proof(client_key.size(), '\0');
  for (size_t i = 0; i < proof.size(); ++i) proof[i] = client_key[i] ^ signature[i];
  return {without_proof + ",p=" + b64_encode(proof),
          "v=" + b64_encode(hmac(hmac(salted, "Server Key"), auth_message))};
}

// Runs a whole exchange; returns the server-final-message or throws what the server threw.
std::string authenticate(ScramServer& server, std::string_view password,
                         std::string_view gs2 = "n,,", std::string_view cbind = "biws") {
  std::string bare = "n=,r=fyko+d2lbbFgONRv9qkxdawL";
  std::string server_first = server.client_first(std::string(gs2) + bare);
  ClientFinal final = client_final_for(password, bare, server_first, cbind);
  std::string server_final = server.client_final(final.message);
  EXPECT_EQ(server_final, final.expected_server_final);
  return server_final;
}

template <typename F>
SqlError expect_sql_error(F&& f) {
  try {
    f();
  } catch (const SqlError& e) {
    return e;
  }
  ADD_FAILURE() << "expected SqlError";
  return SqlError("00000", "none");
}

// Verifiers produced by a real PostgreSQL 15 (CREATE ROLE ... PASSWORD, then pg_authid).
constexpr const char* kPgVerifierSecret =
    "SCRAM-SHA-256$4096:vIjiwrRw86cRys3pDaOVbA==$JIi8V/Cgje3RHCQS/O/0uz3l0k5/yjV/JJ4i7Zu7SpQ=:"
    "U+xlRJ8LXip0/mMaFKtClC3j/pxCNl8tW9qcw/Z9n3w=";
// Password "pässwört" (UTF-8, already NFKC-normalized).
constexpr const char* kPgVerifierUmlauts =
    "SCRAM-SHA-256$4096:Gwu5rNNUKePHpCPzR/KIbw==$jb83IGMTZ+9I/eJhkun8clNFFaczekfr9CN4/hwqt/A=:"
    "OsypKspSchoknc1pBt0jY3wSA5ZIoFAkyBfKzf3TMwY=";
// Password E'sec\u00A0ret\u00ADx': SASLprep maps NBSP to a space and drops the soft hyphen.
constexpr const char* kPgVerifierSaslprep =
    "SCRAM-SHA-256$4096:h3a0F9bOT1bgP/6HqyZasw==$9V7AteZTLQkpXrYDItOOc5Dl+SB5BmIcGXDZ3z3iETQ=:"
    "t7dHQHL+/6QeN/XJHCnt/n/EV2fgVM52fZHA3Wzkr4M=";

TEST(ScramTest, Rfc7677TestVector) {
  ScramServer server("user", verifier_for("pencil", b64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096));
  server.set_server_nonce_for_test("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

  std::string server_first = server.client_first("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(server_first,
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,"
            "i=4096");

  constexpr const char* kClientFinal =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  // The test client must agree with the RFC too, or the other tests prove nothing.
  EXPECT_EQ(client_final_for("pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO", server_first).message,
            kClientFinal);
  EXPECT_EQ(server.client_final(kClientFinal), "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

TEST(ScramTest, RoundTripWithGeneratedVerifier) {
  std::string text = make_scram_verifier("correct horse battery staple");
  auto verifier = ScramVerifier::parse(text);
  ASSERT_TRUE(verifier);
  ScramServer server("alice", verifier);
  EXPECT_EQ(authenticate(server, "correct horse battery staple").substr(0, 2), "v=");

  // gs2 flag "y" (client supports channel binding, thinks we do not) echoes back as "eSws".
  ScramServer server_y("alice", verifier);
  authenticate(server_y, "correct horse battery staple", "y,,", "eSws");
}

TEST(ScramTest, ChannelBindingTlsServerEndPoint) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  const std::string end_point(32, '\x5a');
  const std::string gs2 = "p=tls-server-end-point,,";
  // The client binds to the same certificate hash: accepted.
  ScramServer plus("alice", verifier, end_point, true);
  authenticate(plus, "pw", gs2, b64_encode(gs2 + end_point));
  // Another certificate's hash (a man in the middle): refused even with the right password.
  ScramServer mitm("alice", verifier, end_point, true);
  SqlError e = expect_sql_error(
      [&] { authenticate(mitm, "pw", gs2, b64_encode(gs2 + std::string(32, '\x01'))); });
  EXPECT_EQ(e.sqlstate(), "28000");
  // PLUS chosen but no binding in the message, and binding data without PLUS: 08P01.
  ScramServer no_data("alice", verifier, end_point, true);
  EXPECT_EQ(expect_sql_error([&] { no_data.client_first("n,,n=,r=abc"); }).sqlstate(), "08P01");
  ScramServer not_plus("alice", verifier, end_point, false);
  EXPECT_EQ(expect_sql_error([&] { not_plus.client_first(gs2 + "n=,r=abc"); }).sqlstate(), "08P01");
  // 'y' (the client thinks we cannot bind) while we offered PLUS: a downgrade, refused.
  ScramServer downgraded("alice", verifier, end_point, false);
  EXPECT_EQ(expect_sql_error([&] { downgraded.client_first("y,,n=,r=abc"); }).sqlstate(), "08P01");
  // Plain SCRAM over TLS (channel_binding=disable) still works.
  ScramServer plain("alice", verifier, end_point, false);
  authenticate(plain, "pw");
  // Another binding type is refused.
  ScramServer unique("alice", verifier, end_point, true);
  EXPECT_EQ(expect_sql_error([&] { unique.client_first("p=tls-unique,,n=,r=abc"); }).sqlstate(),
            "08P01");
}

TEST(ScramTest, ServerNoncesAreFreshAndExtendTheClientNonce) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  ScramServer a("alice", verifier);
  ScramServer b("alice", verifier);
  std::string ra = attribute(a.client_first("n,,n=,r=abc"), 'r');
  std::string rb = attribute(b.client_first("n,,n=,r=abc"), 'r');
  EXPECT_TRUE(ra.starts_with("abc"));
  EXPECT_GT(ra.size(), 3u + 18u);
  EXPECT_NE(ra, rb);
}

TEST(ScramTest, MakeVerifierFormat) {
  std::string a = make_scram_verifier("pw");
  std::string b = make_scram_verifier("pw", 10000);
  EXPECT_TRUE(a.starts_with("SCRAM-SHA-256$4096:"));
  EXPECT_TRUE(b.starts_with("SCRAM-SHA-256$10000:"));
  auto va = ScramVerifier::parse(a);
  auto vb = ScramVerifier::parse(b);
  ASSERT_TRUE(va && vb);
  EXPECT_EQ(va->salt.size(), 16u);
  EXPECT_EQ(va->stored_key.size(), 32u);
  EXPECT_EQ(va->server_key.size(), 32u);
  EXPECT_NE(va->salt, vb->salt);
  EXPECT_EQ(va->to_string(), a);
  EXPECT_NE(make_scram_verifier("pw"), a);  // fresh salt every time
  EXPECT_THROW(make_scram_verifier("pw", 0), std::invalid_argument);
}

TEST(ScramTest, WrongPasswordFailsWith28P01) {
  ScramServer server("alice", ScramVerifier::parse(make_scram_verifier("right")));
  std::string bare = "n=,r=clientnonce";
  std::string server_first = server.client_first("n,," + bare);
  ClientFinal final = client_final_for("wrong", bare, server_first);
  SqlError e = expect_sql_error([&] { server.client_final(final.message); });
  EXPECT_EQ(e.sqlstate(), "28P01");
  EXPECT_STREQ(e.what(), "password authentication failed for user \"alice\"");
}

TEST(ScramTest, UnknownUserLooksLikeWrongPassword) {
  ScramServer server("ghost", std::nullopt);
  std::string bare = "n=,r=clientnonce";
  std::string server_first = server.client_first("n,," + bare);

  // Same shape as a real user's server-first-message: nonce, 16-byte salt, default iterations.
  EXPECT_TRUE(attribute(server_first, 'r').starts_with("clientnonce"));
  EXPECT_EQ(b64_decode(attribute(server_first, 's')).size(), 16u);
  EXPECT_EQ(attribute(server_first, 'i'), "4096");
  // The mock salt is stable per user name, as a real stored salt would be...
  ScramServer again("ghost", std::nullopt);
  EXPECT_EQ(attribute(again.client_first("n,," + bare), 's'), attribute(server_first, 's'));
  // ...and differs between names.
  ScramServer other("phantom", std::nullopt);
  EXPECT_NE(attribute(other.client_first("n,," + bare), 's'), attribute(server_first, 's'));

  ClientFinal final = client_final_for("anything", bare, server_first);
  SqlError e = expect_sql_error([&] { server.client_final(final.message); });
  EXPECT_EQ(e.sqlstate(), "28P01");
  EXPECT_STREQ(e.what(), "password authentication failed for user \"ghost\"");
}

TEST(ScramTest, NonceMismatchFailsWith28P01) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  ScramServer server("alice", verifier);
  std::string bare = "n=,r=clientnonce";
  std::string server_first = server.client_first("n,," + bare);
  // A correct proof, but computed over (and sent with) a nonce the server never issued.
  std::string forged = "r=clientnonceXYZ" + server_first.substr(server_first.find(','));
  ClientFinal final = client_final_for("pw", bare, forged);
  SqlError e = expect_sql_error([&] { server.client_final(final.message); });
  EXPECT_EQ(e.sqlstate(), "28P01");
}

TEST(ScramTest, MalformedClientFirstIs08P01) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  for (const char* message : {
           "",
           "n",
           "x,,n=,r=abc",
           "n,n=,r=abc",
           "n,,",
           "n,,r=abc",
           "n,,n=,",
           "n,,n=,r=",
           "n,,n=,r=ab\x01"
           "c",
           "n,,n=,r=abc,1=x",
           "n,,n=,r=abc,x",
           "p=tls-server-end-point,,n=,r=abc",
       }) {
    ScramServer server("alice", verifier);
    SqlError e = expect_sql_error([&] { server.client_first(message); });
    EXPECT_EQ(e.sqlstate(), "08P01") << message;
  }
  ScramServer with_nul("alice", verifier);
  EXPECT_EQ(expect_sql_error([&] {
              with_nul.client_first(std::string_view("n,,n=\0,r=abc", 12));
            }).sqlstate(),
            "08P01");
}

TEST(ScramTest, UnsupportedClientFirstFeaturesAre0A000) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  ScramServer authzid("alice", verifier);
  EXPECT_EQ(expect_sql_error([&] { authzid.client_first("n,a=bob,n=,r=abc"); }).sqlstate(),
            "0A000");
  ScramServer extension("alice", verifier);
  EXPECT_EQ(expect_sql_error([&] { extension.client_first("n,,m=ext,n=,r=abc"); }).sqlstate(),
            "0A000");
}

TEST(ScramTest, ExtensionsAfterTheNonceAreIgnored) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  ScramServer server("alice", verifier);
  std::string bare = "n=someone,r=abc,x=ext";
  std::string server_first = server.client_first("n,," + bare);
  EXPECT_NO_THROW(server.client_final(client_final_for("pw", bare, server_first).message));
}

TEST(ScramTest, MalformedClientFinalIs08P01) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  auto run = [&](const std::string& gs2, auto make_final) {
    ScramServer server("alice", verifier);
    std::string bare = "n=,r=abc";
    std::string server_first = server.client_first(gs2 + bare);
    std::string good = client_final_for("pw", bare, server_first).message;
    std::string nonce = attribute(server_first, 'r');
    std::string message = make_final(good, nonce);
    return expect_sql_error([&] { server.client_final(message); }).sqlstate();
  };
  using S = const std::string&;
  // Channel binding data must echo the gs2 header the client actually sent.
  EXPECT_EQ(run("n,,", [](S, S n) { return "c=eSws,r=" + n + ",p=AAAA"; }), "08P01");
  EXPECT_EQ(run("y,,", [](S, S n) { return "c=biws,r=" + n + ",p=AAAA"; }), "08P01");
  EXPECT_EQ(run("n,,", [](S, S n) { return "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCws,r=" + n; }),
            "08P01");
  EXPECT_EQ(run("n,,", [](S, S n) { return "r=" + n + ",p=AAAA"; }), "08P01");
  EXPECT_EQ(run("n,,", [](S, S n) { return "c=biws,r=" + n; }), "08P01");
  EXPECT_EQ(run("n,,", [](S, S n) { return "c=biws,r=" + n + ",p=not base64!"; }), "08P01");
  EXPECT_EQ(run("n,,", [](S, S n) { return "c=biws,r=" + n + ",p=AAAA"; }), "08P01");  // short
  EXPECT_EQ(run("n,,", [](S good, S) { return good + ",x=trailing"; }), "08P01");
  EXPECT_EQ(run("n,,", [](S good, S) { return good + "="; }), "08P01");
}

TEST(ScramTest, MessagesOutOfOrderAre08P01) {
  auto verifier = ScramVerifier::parse(make_scram_verifier("pw"));
  ScramServer server("alice", verifier);
  EXPECT_EQ(expect_sql_error([&] { server.client_final("c=biws,r=abc,p=AAAA"); }).sqlstate(),
            "08P01");
  ScramServer twice("alice", verifier);
  twice.client_first("n,,n=,r=abc");
  EXPECT_EQ(expect_sql_error([&] { twice.client_first("n,,n=,r=abc"); }).sqlstate(), "08P01");
}

TEST(ScramTest, VerifierParseRejectsGarbage) {
  EXPECT_FALSE(ScramVerifier::parse(""));
  EXPECT_FALSE(ScramVerifier::parse("md5abcdef0123456789abcdef0123456789"));
  EXPECT_FALSE(ScramVerifier::parse("SCRAM-SHA-256$"));
  std::string good = kPgVerifierSecret;
  EXPECT_TRUE(ScramVerifier::parse(good));
  EXPECT_FALSE(ScramVerifier::parse("SCRAM-SHA-1$" + good.substr(14)));
  EXPECT_FALSE(ScramVerifier::parse("SCRAM-SHA-256$0" + good.substr(18)));     // 0 iterations
  EXPECT_FALSE(ScramVerifier::parse("SCRAM-SHA-256$40x6" + good.substr(18)));  // not a number
  EXPECT_FALSE(ScramVerifier::parse(good.substr(0, good.size() - 4)));         // short key
  EXPECT_FALSE(ScramVerifier::parse(good + "AAAA"));                           // long key
  EXPECT_FALSE(ScramVerifier::parse(good.substr(0, good.find('$', 14))));      // no keys
}

TEST(ScramTest, VerifierFromRealPostgresVerifies) {
  auto verifier = ScramVerifier::parse(kPgVerifierSecret);
  ASSERT_TRUE(verifier);
  EXPECT_EQ(verifier->iterations, 4096);
  EXPECT_EQ(verifier->salt.size(), 16u);
  EXPECT_EQ(verifier->to_string(), kPgVerifierSecret);
  EXPECT_TRUE(verify_cleartext_password(*verifier, "secret"));
  EXPECT_FALSE(verify_cleartext_password(*verifier, "Secret"));
  EXPECT_FALSE(verify_cleartext_password(*verifier, ""));

  // And over SCRAM, as psql would log in with it.
  ScramServer server("u", verifier);
  authenticate(server, "secret");
}

TEST(ScramTest, NonAsciiPasswordsMatchPostgres) {
  auto umlauts = ScramVerifier::parse(kPgVerifierUmlauts);
  ASSERT_TRUE(umlauts);
  EXPECT_FALSE(verify_cleartext_password(*umlauts, "p\xC3\xA4sSw\xC3\xB6rt"));
  EXPECT_TRUE(verify_cleartext_password(*umlauts, "p\xC3\xA4ssw\xC3\xB6rt"));

  auto mapped = ScramVerifier::parse(kPgVerifierSaslprep);
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(verify_cleartext_password(*mapped, "sec\xC2\xA0ret\xC2\xADx"));
  EXPECT_TRUE(verify_cleartext_password(*mapped, "sec retx"));  // what SASLprep made of it

  // Invalid UTF-8 is used as raw bytes, on both sides.
  std::string latin1 = "p\xE4ssw\xF6rt";
  auto raw = ScramVerifier::parse(make_scram_verifier(latin1));
  ASSERT_TRUE(raw);
  EXPECT_TRUE(verify_cleartext_password(*raw, latin1));
}

}  // namespace
}  // namespace ducklings::pgwire
