// The S3 client against a scripted HTTP server on loopback: what it signs (AWS's published
// Signature Version 4 examples), what it retries (5xx, 429; never 4xx), and the errors it
// raises. Round trips against an S3-compatible server are in tests/storage.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/storage.h"

namespace ducklings::storage {
namespace {

// One HTTP/1.1 exchange per connection: reads a request (head and Content-Length body), records
// it, answers what `answer` returns for it.
class ScriptedServer {
 public:
  struct Seen {
    std::string head, body;
  };
  explicit ScriptedServer(std::function<std::string(const Seen&)> answer)
      : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string data;
      char buf[65536];
      Seen s;
      while (true) {
        size_t end = data.find("\r\n\r\n");
        if (end != std::string::npos) {
          s.head = data.substr(0, end);
          size_t length = 0;
          std::string lower = s.head;
          for (char& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          if (size_t at = lower.find("content-length:"); at != std::string::npos) {
            length = std::stoul(lower.substr(at + 15));
          }
          if (data.size() >= end + 4 + length) {
            s.body = data.substr(end + 4, length);
            break;
          }
        }
        ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
      }
      std::string reply;
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(s);
      }
      reply = answer_(s);
      ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  std::function<std::string(const Seen&)> answer_;
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Seen> seen_;
  std::thread thread_;
};

std::string reply(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         extra + "\r\n" + body;
}

std::string header_of(const std::string& head, const std::string& name) {
  std::string lower = head;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  size_t at = lower.find("\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 2;
  size_t end = head.find("\r\n", start);
  std::string v = head.substr(start, end - start);
  v.erase(0, v.find_first_not_of(' '));
  return v;
}

S3Options options_for(int port) {
  S3Options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(port);
  o.bucket = "examplebucket";
  o.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  o.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  o.max_attempts = 3;
  return o;
}

TEST(S3Client, RetriesServerErrorsThenSucceeds) {
  std::atomic<int> calls{0};
  ScriptedServer server([&](const ScriptedServer::Seen&) {
    return ++calls <= 2 ? reply(500, "<Error><Code>InternalError</Code></Error>")
                        : reply(200, "hello", "ETag: \"abc\"\r\n");
  });
  auto s3 = open_s3(options_for(server.port()));
  EXPECT_EQ(s3->get("a/b.txt"), "hello");
  EXPECT_EQ(calls.load(), 3);
  // Path-style: the bucket, then the key; a signed request names its payload's hash.
  auto seen = server.seen();
  EXPECT_EQ(seen[0].head.substr(0, seen[0].head.find("\r\n")),
            "GET /examplebucket/a/b.txt HTTP/1.1");
  EXPECT_NE(header_of(seen[0].head, "authorization")
                .find("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"),
            std::string::npos);
  EXPECT_EQ(header_of(seen[0].head, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(S3Client, GivesUpAfterItsTriesAndNeverRetriesClientErrors) {
  std::atomic<int> calls{0};
  ScriptedServer busy([&](const ScriptedServer::Seen&) {
    ++calls;
    return reply(503, "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>");
  });
  try {
    open_s3(options_for(busy.port()))->get("k");
    FAIL() << "no error";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kUnavailable);
    EXPECT_EQ(e.code(), "SlowDown");
    EXPECT_NE(std::string(e.what()).find("s3://examplebucket: k: SlowDown (HTTP 503)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(calls.load(), 3);

  calls = 0;
  ScriptedServer denied([&](const ScriptedServer::Seen&) {
    ++calls;
    return reply(403,
                 "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
                 "calculated does not match</Message></Error>");
  });
  try {
    open_s3(options_for(denied.port()))->put("x/y", "data");
    FAIL() << "no error";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kAccessDenied);
    EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
    EXPECT_NE(std::string(e.what()).find("x/y"), std::string::npos);  // names the key
  }
  EXPECT_EQ(calls.load(), 1);
}

TEST(S3Client, NoSuchBucketAndMissingKeys) {
  ScriptedServer server([&](const ScriptedServer::Seen& s) {
    if (s.head.rfind("HEAD", 0) == 0) return reply(404, "");
    return reply(404,
                 "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not "
                 "exist</Message><BucketName>examplebucket</BucketName></Error>");
  });
  auto s3 = open_s3(options_for(server.port()));
  try {
    s3->list("");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kNotFound);
    EXPECT_EQ(e.code(), "NoSuchBucket");
  }
  try {
    s3->head("missing.parquet");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), "NoSuchKey");  // HEAD answers carry no document
  }
}

TEST(S3Client, ListsPagesAndStripsThePrefix) {
  ScriptedServer server([&](const ScriptedServer::Seen& s) {
    bool second = s.head.find("continuation-token=t%2B1") != std::string::npos;
    std::string body = "<ListBucketResult><IsTruncated>" + std::string(second ? "false" : "true") +
                       "</IsTruncated>" +
                       (second ? "" : "<NextContinuationToken>t+1</NextContinuationToken>") +
                       "<Contents><Key>data/" + (second ? "b" : "a") +
                       " &amp; c.csv</Key><Size>12</Size><ETag>&quot;e1&quot;</ETag>"
                       "<LastModified>2024-01-02T03:04:05.000Z</LastModified></Contents>"
                       "</ListBucketResult>";
    return reply(200, body);
  });
  S3Options o = options_for(server.port());
  o.prefix = "data";
  auto all = open_s3(o)->list_all("");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key, "a & c.csv");
  EXPECT_EQ(all[1].key, "b & c.csv");
  EXPECT_EQ(all[0].size, 12u);
  EXPECT_EQ(all[0].etag, "e1");
  auto seen = server.seen();
  EXPECT_NE(seen[0].head.find("GET /examplebucket?list-type=2&max-keys=1000&prefix=data%2F "),
            std::string::npos)
      << seen[0].head;
}

TEST(S3Client, SignsAwsPublishedExample) {
  // AWS's "GET Object" example for Signature Version 4 (the S3 API reference, "Examples: Signature
  // Calculations"): the same request, key, date and headers must give its signature.
  ScriptedServer server([&](const ScriptedServer::Seen&) { return reply(206, "0123456789"); });
  S3Options o = options_for(server.port());
  o.endpoint = "http://s3.amazonaws.com";
  o.virtual_hosted = true;
  o.connect_to = "examplebucket.s3.amazonaws.com:80:127.0.0.1:" + std::to_string(server.port());
  o.signing_date = "20130524T000000Z";
  EXPECT_EQ(open_s3(o)->get("test.txt", ByteRange{0, 9}), "0123456789");
  std::string auth = header_of(server.seen().at(0).head, "authorization");
  EXPECT_NE(auth.find("Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
            std::string::npos)
      << auth;
  EXPECT_NE(auth.find("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date"),
            std::string::npos)
      << auth;
  EXPECT_NE(auth.find("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
            std::string::npos)
      << auth;
}

TEST(S3Client, AFailedPartAbortsTheMultipartUpload) {
  ScriptedServer server([&](const ScriptedServer::Seen& s) {
    std::string line = s.head.substr(0, s.head.find("\r\n"));
    if (line.rfind("POST", 0) == 0) {
      return reply(200,
                   "<InitiateMultipartUploadResult><UploadId>u/1+x</UploadId>"
                   "</InitiateMultipartUploadResult>");
    }
    if (line.find("partNumber=1&") != std::string::npos) return reply(200, "", "ETag: \"p1\"\r\n");
    if (line.find("partNumber=") != std::string::npos) {
      return reply(400, "<Error><Code>InvalidPart</Code><Message>no</Message></Error>");
    }
    return reply(204, "");  // the abort
  });
  std::string file = "/tmp/s3_client_test_" + std::to_string(::getpid());
  {
    std::ofstream out(file, std::ios::binary);
    out << std::string((17u << 20), 'x');  // three parts of 8 MiB
  }
  S3Options o = options_for(server.port());
  o.part_size = 8u << 20;
  o.parallel_parts = 1;
  try {
    open_s3(o)->upload("big.bin", file);
    ADD_FAILURE() << "no error";
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), "InvalidPart");
  }
  std::remove(file.c_str());
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), 4u);  // create, part 1, part 2 (refused, not retried), abort
  EXPECT_EQ(seen[0].head.substr(0, seen[0].head.find("\r\n")),
            "POST /examplebucket/big.bin?uploads= HTTP/1.1");
  EXPECT_EQ(seen[2].body.size(), 8u << 20);
  EXPECT_EQ(seen[3].head.substr(0, seen[3].head.find("\r\n")),
            "DELETE /examplebucket/big.bin?uploadId=u%2F1%2Bx HTTP/1.1");
}

TEST(S3Client, RefusesKeysThatEscapeThePrefix) {
  ScriptedServer server([&](const ScriptedServer::Seen&) { return reply(200, ""); });
  auto s3 = open_s3(options_for(server.port()));
  for (const char* bad : {"", "/abs", "a/../b", "./a", "a//b"}) {
    try {
      s3->get(bad);
      ADD_FAILURE() << bad;
    } catch (const StorageError& e) {
      EXPECT_EQ(e.failure(), Failure::kInvalid) << bad;
    }
  }
  EXPECT_TRUE(server.seen().empty());
}

}  // namespace
}  // namespace ducklings::storage
