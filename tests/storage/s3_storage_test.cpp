// The S3 client against a real S3-compatible server, s3rver (npm, pinned in tests/storage/node;
// it checks Signature Version 4 with its default credentials S3RVER/S3RVER): round trips byte
// for byte, multipart uploads, ranges, listings by pages, batch deletes and the service's errors.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "storage/storage.h"

namespace ducklings::storage {
namespace {

namespace fs = std::filesystem;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// s3rver on a free port with a bucket "ducks", for the whole suite.
class S3rver : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* modules = std::getenv("S3RVER_MODULES");
    ASSERT_NE(modules, nullptr) << "S3RVER_MODULES names tests/storage/node/node_modules";
    dir_ = fs::temp_directory_path() / ("s3rver_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    port_ = free_port();
    std::string script = std::string(modules) + "/s3rver/bin/s3rver.js";
    std::string data = (dir_ / "data").string(), port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      // s3rver's continuation tokens use a cipher OpenSSL 3 keeps in its legacy provider.
      ::execlp("node", "node", "--openssl-legacy-provider", script.c_str(), "-d", data.c_str(),
               "-a", "127.0.0.1", "-p", port.c_str(), "-s", "--configure-bucket", "ducks",
               static_cast<char*>(nullptr));
      _exit(127);
    }
    // Ready when the bucket lists.
    for (int i = 0; i < 200; ++i) {
      try {
        client()->list("");
        return;
      } catch (const StorageError&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    FAIL() << "s3rver did not start on port " << port_;
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  static S3Options options(const std::string& prefix = "") {
    S3Options o;
    o.endpoint = "http://127.0.0.1:" + std::to_string(port_);
    o.bucket = "ducks";
    o.prefix = prefix;
    o.access_key_id = "S3RVER";
    o.secret_access_key = "S3RVER";
    o.part_size = 8ull << 20;
    return o;
  }
  static std::unique_ptr<Storage> client(const std::string& prefix = "") {
    return open_s3(options(prefix));
  }
  static fs::path dir() { return dir_; }

 private:
  static inline int port_ = 0;
  static inline fs::path dir_;
  pid_t pid_ = -1;
};

std::string bytes(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    std::memcpy(out.data() + i, &v, std::min<size_t>(8, n - i));
  }
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(S3Storage, SmallObjectsRoundTripByteForByte) {
  auto s3 = S3rver::client("round/trip");
  for (size_t n : {size_t(0), size_t(1), size_t(5 * 1024 * 1024 + 1)}) {
    std::string data = bytes(n, n);
    std::string key = "obj_" + std::to_string(n) + ".bin";
    s3->put(key, data);
    EXPECT_EQ(s3->get(key), data) << n;
    EXPECT_EQ(s3->head(key).size, n);
    if (n > 100) EXPECT_EQ(s3->get(key, ByteRange{n - 100, std::nullopt}), data.substr(n - 100));
    if (n > 100) EXPECT_EQ(s3->get(key, ByteRange{7, 56}), data.substr(7, 50));
  }
  // Keys with spaces and non-ASCII characters are encoded in the signed path.
  s3->put("dir with space/é+1.csv", "a,b\n");
  EXPECT_EQ(s3->get("dir with space/é+1.csv"), "a,b\n");
  EXPECT_EQ(s3->list_all("dir with space/").at(0).key, "dir with space/é+1.csv");
}

TEST(S3Storage, LargeFileGoesInParallelPartsAndComesBackWhole) {
  auto s3 = S3rver::client("big");
  fs::path file = S3rver::dir() / "200MiB.bin";
  std::string data = bytes(200u << 20, 42);
  std::ofstream(file, std::ios::binary) << data;
  s3->upload("200MiB.bin", file.string());  // 25 parts of 8 MiB, 4 at a time
  ObjectInfo info = s3->head("200MiB.bin");
  EXPECT_EQ(info.size, data.size());
  fs::path back = S3rver::dir() / "200MiB.back";
  s3->download("200MiB.bin", back.string());
  EXPECT_TRUE(read_file(back) == data);
  fs::remove(file);
  fs::remove(back);
}

TEST(S3Storage, ListsManyKeysByPagesAndDeletesInBatches) {
  auto s3 = S3rver::client("many");
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "k%05d", i);
    keys.push_back(name);
  }
  // Written from several threads (the test's own pace, not the client's).
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      auto client = S3rver::client("many");
      for (size_t i = t; i < keys.size(); i += 8) client->put(keys[i], keys[i]);
    });
  }
  for (auto& w : writers) w.join();
  ListPage first = s3->list("", "", 1000);
  EXPECT_EQ(first.objects.size(), 1000u);
  EXPECT_FALSE(first.next.empty());
  auto all = s3->list_all("");
  ASSERT_EQ(all.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(all[i].key, keys[i]);
  s3->remove(std::vector<std::string>(keys.begin(), keys.begin() + 2100));  // 1000, 1000, 100
  s3->remove({"never-was"});
  EXPECT_EQ(s3->list_all("").size(), 400u);
}

TEST(S3Storage, ServiceErrorsNameBucketKeyAndCode) {
  // s3rver checks the key id but not Signature Version 4 itself (tests/unit/storage checks the
  // signing against AWS's published example and the answer to SignatureDoesNotMatch).
  S3Options wrong = S3rver::options();
  wrong.access_key_id = "NOT-A-KEY";
  wrong.secret_access_key = "not-the-secret";
  try {
    open_s3(wrong)->put("x", "y");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kAccessDenied);
    EXPECT_EQ(e.code(), "InvalidAccessKeyId");
    EXPECT_NE(std::string(e.what()).find("s3://ducks: x: InvalidAccessKeyId"), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("not-the-secret"), std::string::npos);  // never shown
  }
  S3Options missing = S3rver::options();
  missing.bucket = "no-such-bucket";
  try {
    open_s3(missing)->list("");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.failure(), Failure::kNotFound);
    EXPECT_EQ(e.code(), "NoSuchBucket");
  }
  try {
    S3rver::client()->get("nothing/here");
    FAIL();
  } catch (const StorageError& e) {
    EXPECT_EQ(e.code(), "NoSuchKey");
    EXPECT_NE(std::string(e.what()).find("nothing/here"), std::string::npos);
  }
}

}  // namespace
}  // namespace ducklings::storage

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ducklings::storage::S3rver);
  return RUN_ALL_TESTS();
}
